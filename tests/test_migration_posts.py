"""Migration 0010 turns the old free-text `staff.post` into post rows with A and B (AB-1)."""

from __future__ import annotations

import sqlalchemy as sa


def test_migration_0010_keeps_the_post_texts_as_posts_with_a_and_b(fresh_app):
    from flask_migrate import downgrade, upgrade

    from app.extensions import db

    with fresh_app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO center (id, name, version) VALUES (1, '中心', 1)"))
            conn.execute(sa.text(
                "INSERT INTO \"window\" (id, center_id, number, name, department, is_active, version)"
                " VALUES (1, 1, '01', '户政', '公安', :t, 1), (2, 1, '02', '人社', '人社所', :t, 1)"),
                {"t": True})
            for staff_id, window_id, post in [(1, 1, "受理岗"), (2, 1, " 受理岗 "), (3, 1, "受理岗"),
                                              (4, 2, "受理岗"), (5, 1, None), (6, 2, "")]:
                conn.execute(sa.text(
                    "INSERT INTO staff (id, name, unit, window_id, post, category, is_active,"
                    " version) VALUES (:id, :name, 'window', :w, :post, 'civil_servant', :t, 1)"),
                    {"id": staff_id, "name": f"员工{staff_id}", "w": window_id, "post": post,
                     "t": True})
        upgrade(revision="0010")
        with db.engine.connect() as conn:
            posts = conn.execute(sa.text(
                "SELECT window_id, name, a_staff_id, b_staff_id FROM post ORDER BY window_id"
            )).all()
            positions = set(conn.execute(sa.text("SELECT position FROM staff")).scalars())
        assert [tuple(row) for row in posts] == [(1, "受理岗", 1, 2), (2, "受理岗", 4, None)]
        assert positions == {"staff"}
        downgrade(revision="0009")
        with db.engine.connect() as conn:
            texts = dict(conn.execute(sa.text("SELECT id, post FROM staff")).all())
        assert texts[1] == texts[2] == texts[4] == "受理岗"
