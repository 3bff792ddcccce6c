"""Migration 0027: the center's leadership is assessed elsewhere (SCORE-5), the choice in a tie
(SCORE-6) and the points of 勤's items; and back down."""

from __future__ import annotations

import sqlalchemy as sa


KEYS = ("semi.absence_half_day_points", "semi.leave_days_limit", "semi.leave_over_points",
        "semi.late_early_count", "semi.late_early_points", "semi.empty_post_points",
        "semi.meeting_late_points", "semi.meeting_absent_points")


def test_score_5_migration_0027_marks_the_leadership_unit_assessed_elsewhere(fresh_app):
    from flask_migrate import downgrade, upgrade

    from app.extensions import db

    with fresh_app.app_context():
        upgrade(revision="0023")
        with db.engine.begin() as conn:
            for staff_id, unit, position in [(1, "window", "staff"), (2, "leadership", "director"),
                                             (3, "office", "deputy_director")]:
                conn.execute(sa.text(
                    "INSERT INTO staff (id, name, unit, position, category, is_active, version)"
                    " VALUES (:id, :name, :unit, :position, 'civil_servant', :t, 1)"),
                    {"id": staff_id, "name": f"员工{staff_id}", "unit": unit,
                     "position": position, "t": True})
        upgrade(revision="0027")
        with db.engine.connect() as conn:
            elsewhere = dict(conn.execute(sa.text("SELECT id, assessed_elsewhere FROM staff")).all())
            settings = dict(conn.execute(sa.text(
                "SELECT key, value FROM rule_setting WHERE key LIKE 'semi.%'")).all())
        assert {k: bool(v) for k, v in elsewhere.items()} == {1: False, 2: True, 3: False}
        assert {key: settings[key] for key in KEYS} == {
            "semi.absence_half_day_points": "1", "semi.leave_days_limit": "20",
            "semi.leave_over_points": "2", "semi.late_early_count": "5",
            "semi.late_early_points": "1", "semi.empty_post_points": "1",
            "semi.meeting_late_points": "0.5", "semi.meeting_absent_points": "1"}
        downgrade(revision="0023")
        with db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("staff")}
            left = conn.execute(sa.text(
                "SELECT count(*) FROM rule_setting WHERE key IN :keys").bindparams(
                sa.bindparam("keys", expanding=True)), {"keys": list(KEYS)}).scalar()
        assert "assessed_elsewhere" not in columns and left == 0
