"""Migration 0021: the leadership does not clock in (Staff.clocks_in, ATT-2)."""

from __future__ import annotations

import sqlalchemy as sa


def test_att_2_migration_0021_leaves_the_leadership_out_of_clocking(fresh_app):
    from flask_migrate import upgrade

    from app.extensions import db

    with fresh_app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as conn:
            for staff_id, unit, position in [(1, "window", "staff"), (2, "leadership", "staff"),
                                             (3, "office", "deputy_director"),
                                             (4, "office", "office_head"),
                                             (5, "window", "town_head")]:
                conn.execute(sa.text(
                    "INSERT INTO staff (id, name, unit, position, category, is_active, version)"
                    " VALUES (:id, :name, :unit, :position, 'civil_servant', :t, 1)"),
                    {"id": staff_id, "name": f"员工{staff_id}", "unit": unit,
                     "position": position, "t": True})
        upgrade(revision="0021")
        with db.engine.connect() as conn:
            clocks_in = dict(conn.execute(sa.text("SELECT id, clocks_in FROM staff")).all())
        assert {k: bool(v) for k, v in clocks_in.items()} == {
            1: True, 2: False, 3: False, 4: True, 5: False}
