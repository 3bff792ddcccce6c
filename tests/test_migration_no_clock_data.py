"""Migration 0024: stored attendance days without any clock record of anyone were derived
absent; they are no data (ATT-2). Downgrade turns them back into what they were."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa


ROWS = [  # staff, day, am, pm, absent days
    (1, "2026-11-02", "absent", "absent", 1),  # a day with a clock (staff 2's): stays
    (1, "2026-11-03", "absent", "absent", 1),  # nobody clocked: no data
    (1, "2026-11-04", "leave", "absent", 0.5),
    (2, "2026-11-02", "ok", "ok", 0),
]


def stored(conn) -> dict:
    return {(staff, str(day)): (am, pm, Decimal(str(absent))) for staff, day, am, pm, absent
            in conn.execute(sa.text("SELECT staff_id, day, am_status, pm_status, absent_days "
                                    "FROM attendance_day")).all()}


def test_att_2_migration_0024_turns_stored_absence_without_clock_data_into_no_data(
        fresh_app):
    from flask_migrate import downgrade, upgrade

    from app.extensions import db

    with fresh_app.app_context():
        upgrade(revision="0023")
        with db.engine.begin() as conn:
            for staff_id in (1, 2):
                conn.execute(sa.text(
                    "INSERT INTO staff (id, name, unit, position, category, is_active, clocks_in,"
                    " version) VALUES (:id, :name, 'office', 'staff', 'civil_servant', :t, :t, 1)"),
                    {"id": staff_id, "name": f"员工{staff_id}", "t": True})
            conn.execute(sa.text(
                "INSERT INTO clock_record (staff_id, clocked_at, day, second_of_day, source,"
                " version) VALUES (2, '2026-11-02 00:00:00', '2026-11-02', 28800, 'import', 1)"))
            for staff_id, day, am, pm, absent in ROWS:
                conn.execute(sa.text(
                    "INSERT INTO attendance_day (staff_id, day, am_status, pm_status, late_early,"
                    " absent_days) VALUES (:s, :d, :am, :pm, 0, :a)"),
                    {"s": staff_id, "d": day, "am": am, "pm": pm, "a": absent})
        with db.engine.connect() as conn:
            before = stored(conn)
        upgrade(revision="0024")
        with db.engine.connect() as conn:
            after = stored(conn)
        assert after == {**before, (1, "2026-11-03"): ("no_data", "no_data", Decimal(0)),
                         (1, "2026-11-04"): ("leave", "no_data", Decimal(0))}
        downgrade(revision="0023")
        with db.engine.connect() as conn:
            assert stored(conn) == before
