"""Small builders the tests share: a clock on a given day, the residence-permit item, a
staff member clocking on time (ATT-1/2)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from app.actor import Clock
from app.services.attendance import attendance_settings, enter_clock_record, working_days
from app.services.calendar import load_calendar
from models.catalogue import ItemMaterial, ServiceItem

RESIDENCE_MATERIALS = (("身份证", "original", True), ("租房合同", "copy", True))


def clock_on(day: date, hour_utc: int = 2) -> Clock:
    """An action on `day` at `hour_utc` o'clock UTC (2 is 10:00 in the center, Asia/Shanghai)."""
    return Clock(datetime(day.year, day.month, day.day, hour_utc, tzinfo=timezone.utc), day)


def residence_permit_item(session, window, code: str | None = None, materials=RESIDENCE_MATERIALS):
    """居住证办理: 5 working days promised, 15 statutory, a 20-yuan fee, one required
    original and one required copy (unless `materials` says otherwise)."""
    item = ServiceItem(code=code or f"P-{window.number}-{len(materials)}", name="居住证办理",
                       window=window, kind="promised", promised_days=5, statutory_days=15,
                       fee_standard=Decimal("20.00"), fee_item="工本费", fee_basis="收费文件")
    item.materials = [ItemMaterial(name=name, form=form, copies=1, mandatory=mandatory, sort_order=i)
                      for i, (name, form, mandatory) in enumerate(materials)]
    session.add(item)
    session.commit()
    return item


def clocks_on_time(session, staff, first: date, last: date) -> None:
    """ATT-1/2: `staff` clocks in and out at the work hours' very seconds (on time, no early
    leave) on every working day from `first` to `last` — so those days have clock data (a day
    without any clock of anyone is no data, not absence)."""
    settings = attendance_settings(session)
    for day in working_days(first, last, load_calendar(session)):
        for start, end in settings.hours(day):
            for at in (start, end):
                enter_clock_record(session, staff.id, datetime.combine(day, at), "考勤机", None)
    session.commit()


def rewritten(session, *rows) -> None:
    """UPDATE `rows` without changing them. PostgreSQL writes an updated row anew at the end of
    its table, so a scan then meets it after the rows stored later: ties that an ORDER BY does
    not break (a list not ending on the id) come out the other way round. (SQLite updates in
    place; there `unordered_reversed` turns unordered results round instead.)"""
    for row in rows:
        table = type(row).__table__
        session.execute(table.update().where(table.c.id == row.id)
                        .values(version=table.c.version))
    session.commit()
