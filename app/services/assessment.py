"""月度考核 — the month's results of every window, its confirmation and reopening, the mutual
rating, the explanations and the awards (SCORE-2/3/4/7, COMP-5, NOTICE-1).

The month's scores come from the stored ScoreEvents in ONE aggregate query — GROUP BY
(window, category), SUM(points) — however many windows and events there are (bench/
bench_monthly.py: 30 windows, 1,000,000 events); then the pure `monthly_window_score` per
window and `rank_windows` for the month (app/rules/scoring.py). A confirmed month is read from
its snapshot (MonthlyResult), written when Leadership confirms it.

COMP-5 exclusions come from the complaints domain (`app.services.complaints.
attitude_exclusions(session, start, end)` → (staff ids, window ids) with a verified language or
attitude complaint between the two days). Every function that needs them also takes an
`exclusions` argument (tests inject their own).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Date, Integer, Numeric, String, and_, bindparam, case, cast, func,
                        literal_column, null, select, union_all, update)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flask_appbuilder.security.sqla.models import User

from app.rules.calendar import month_end
from app.rules import assessment as rules
from app.rules.errors import N_, RuleViolation
from app.rules.scoring import (BONUS, DEFAULT_CATEGORIES, PEER, MonthlyScore,
                               monthly_window_score, peer_score, rank_windows,
                               unrated_peer_score)
from app.services.complaints import attitude_exclusions
from app.services.scoring import confirmed_periods, item_by_code
from app.services.settings import setting_value
from app.services.transaction import Conflict, check_version
from models.assessment import MonthlyResult, PeerRating
from models.org import Staff, Window
from models.scoring import AssessmentMonth, DeductionItem, ScoreEvent
from models.types import center_zone

TENTH = Decimal("0.1")
ZERO = Decimal("0")
COMPLAINT_SOURCE = "complaint"
NOTICE_SOURCE = "notice_violation"
OVERDUE_ITEM = "M3-overdue-day"


def _attitude(session, start, end, exclusions):
    hook = exclusions or attitude_exclusions
    staff_ids, window_ids = hook(session, start, end)
    return set(staff_ids), set(window_ids)


# --- settings ----------------------------------------------------------------------------------
def score_categories(session: Session) -> dict[str, Decimal]:
    """SCORE-2: category → maximum, from the score.m*_max rule settings."""
    return {name: Decimal(str(setting_value(session, f"score.{name.lower()}_max")))
            for name in DEFAULT_CATEGORIES}


def bonus_cap(session: Session) -> Decimal:
    return Decimal(str(setting_value(session, "score.bonus_cap")))


def _points(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(TENTH)


# --- the month's results ----------------------------------------------------------------------
@dataclass
class ResultRow:
    """One window's month (SCORE-2/3/4): computed live while the month is open, read from the
    snapshot once it is confirmed."""

    window_id: int
    window_name: str
    total: Decimal
    by_category: dict[str, Decimal]
    peer_mean: Decimal | None
    verified_complaints: int = 0
    overdue_days: Decimal = ZERO
    rank: int = 0
    red_flag: bool = False
    satisfied: bool = False
    excluded: list[str] = field(default_factory=list)  # "COMP-5", "NOTICE-1"
    # SCORE-2 M10: nobody rated the window and its M10 is the mean of the rated windows' M10
    # (False while no window at all was rated: M10 then counts full).
    peer_imputed: bool = False
    # The window's number and name apart (`window_name` is both): the window scores page and
    # the dashboard show them from the row, with no second read of the windows (issue #21).
    number: str = ""
    name: str = ""

    @property
    def peer_missing(self) -> bool:
        """SCORE-2 M10: nobody rated the window this month (listed on the confirm page)."""
        return self.peer_mean is None


# Issue #21 P1: what the live month reads besides the COMP-5 complaints — the sums per
# (window, category) with the verified complaints, each rated window's sum of criteria and count
# of ratings, the NOTICE-1 counts of the year, the windows to list and CASE-6's points per
# overdue day — in ONE statement, built once (its cache key is computed once per process).
# Rows are (kind, window id, key, label, amount, count, flag):
#   "D" None, None, None, M3's points per overdue day (the catalogue item OVERDUE_ITEM)
#   "N" window, None, None, None, the staff member's violations in the year, one in the month
#   "P" rated window, None, None, Σ criteria of its ratings, how many ratings, None
#   "S" window, category, None, Σ points, verified complaints (M7 from complaints), None
#   "W" window, number, name, None, None, None — ordered by number, id (as the page lists)
_E, _W = ScoreEvent.__table__, Window.__table__
_P, _DI = PeerRating.__table__, DeductionItem.__table__


def _no(type_):
    return cast(null(), type_)  # typed, so PostgreSQL's UNION matches each column's type


def _month_statement():
    period, year_start = bindparam("period", type_=Date), bindparam("year_start", type_=Date)
    kind = lambda letter: literal_column(f"'{letter}'")  # noqa: E731
    complaints = func.sum(case((and_(_E.c.category == "M7", _E.c.source == COMPLAINT_SOURCE), 1),
                               else_=0))
    sums = (select(kind("S").label("kind"), _E.c.window_id.label("window_id"),
                   _E.c.category.label("key"), _no(String).label("label"),
                   func.sum(_E.c.points).label("amount"), complaints.label("count"),
                   _no(Integer).label("flag"))
            .where(_E.c.period == period, _E.c.window_id.is_not(None))
            .group_by(_E.c.window_id, _E.c.category))
    peers = (select(kind("P"), _P.c.rated_window_id, _no(String), _no(String),
                    func.sum(_P.c.attitude + _P.c.efficiency + _P.c.quality + _P.c.integrity),
                    func.count(_P.c.id), _no(Integer))
             .where(_P.c.period == period).group_by(_P.c.rated_window_id))
    notices = (select(kind("N"), _E.c.window_id, _no(String), _no(String), _no(Numeric),
                      func.count(_E.c.id), case((func.max(_E.c.period) == period, 1), else_=0))
               .where(_E.c.source == NOTICE_SOURCE, _E.c.staff_id.is_not(None),
                      _E.c.period >= year_start, _E.c.period <= period)
               .group_by(_E.c.window_id, _E.c.staff_id))
    holding = select(_E.c.id).where(_E.c.period == period, _E.c.window_id == _W.c.id).exists()
    windows = select(kind("W"), _W.c.id, _W.c.number, _W.c.name, _no(Numeric), _no(Integer),
                     _no(Integer)).where(_W.c.is_active.is_(True) | holding)
    per_day = select(kind("D"), _no(Integer), _no(String), _no(String), _DI.c.points_min,
                     _no(Integer), _no(Integer)).where(_DI.c.code == OVERDUE_ITEM)
    united = union_all(sums, peers, notices, windows, per_day).subquery()
    return select(united).order_by(united.c.kind, united.c.key, united.c.window_id)


_MONTH_READS = _month_statement()


@dataclass
class MonthReads:
    """The live month's reads (`month_reads`): sums per window, peer means, the NOTICE-1
    windows and the windows to list as (id, number, name)."""

    sums: dict[int, dict]
    peers: dict[int, Decimal]
    notice_windows: set
    windows: list[tuple[int, str, str]]


def month_reads(session: Session, period: date) -> MonthReads:
    """SCORE-2 (M10), SCORE-4 (NOTICE-1), CASE-6: everything the live month reads but the
    COMP-5 complaints, in one statement (`_MONTH_READS`); the sums are one GROUP BY (window,
    category) with the verified complaints (M7 events from complaints) counted in the same
    pass.

    The sums come from ix_score_event_period_window_category_points; `source` is not in it, so
    the count asks for it on M7 rows only: SQLite then reads the table row of those alone, not
    of every event of the month (bench/bench_dashboard.py: ~2 ms instead of ~17 at a million).
    A window is listed when active or holding an event of the month (one index probe each)."""
    sums: dict[int, dict] = {}
    ratings: dict[int, tuple] = {}
    notices, windows, m3, per_day = [], [], {}, None
    for kind, window_id, key, label, amount, count, flag in session.execute(
            _MONTH_READS, {"period": period, "year_start": period.replace(month=1)}):
        if kind == "S":
            entry = sums.setdefault(window_id, {"events": [], "complaints": 0, "overdue": ZERO})
            entry["events"].append((key, _points(amount)))
            if key == "M7":
                entry["complaints"] += int(count or 0)
            elif key == "M3":
                m3[window_id] = _points(amount)
        elif kind == "W":
            windows.append((window_id, key, label))
        elif kind == "P":
            ratings[window_id] = (amount, count)
        elif kind == "N":
            notices.append((window_id, count, bool(flag)))
        else:
            per_day = amount
    if per_day is None:
        item_by_code(session, OVERDUE_ITEM)  # raises: the catalogue has no such item
    if per_day > 0:  # M3 is only overdue working days (CASE-6): its points per day
        for window_id, points in m3.items():
            sums[window_id]["overdue"] = (-points / per_day).quantize(TENTH)
    peers = {window_id: rules.peer_mean_of_sums(total, count)
             for window_id, (total, count) in ratings.items()}
    return MonthReads(sums, peers, rules.second_notice_violations(notices), windows)


def month_sums(session: Session, period: date) -> dict[int, dict]:
    """SCORE-2: every window's sums per category (`month_reads`)."""
    return month_reads(session, period).sums


def peer_means(session: Session, period: date) -> dict[int, Decimal]:
    """SCORE-2 M10: each rated window's mean of the month (0..100)."""
    ratings: dict[int, list] = {}
    for row in session.execute(select(PeerRating.rated_window_id, PeerRating.attitude,
                                      PeerRating.efficiency, PeerRating.quality,
                                      PeerRating.integrity).where(PeerRating.period == period)):
        ratings.setdefault(row[0], []).append(row[1:])
    return {window_id: rules.peer_mean(values) for window_id, values in ratings.items()}


def unrated_peer(peers: dict[int, Decimal], window_ids, categories) -> Decimal | None:
    """SCORE-2 M10: the M10 of a window nobody rated — the mean of the M10 of the month's
    rated windows (`window_ids`: the windows assessed this month); None when none was rated."""
    maximum = categories.get(PEER)
    if maximum is None:
        return None
    return unrated_peer_score(peer_score(peers[window_id], maximum)
                              for window_id in window_ids if window_id in peers)


def notice_exclusions(session: Session, period: date) -> set[int]:
    """NOTICE-1 (004 一次性告知 四): windows whose staff member's one-time-notice violation of
    the month is their second (or later) of the year: no 满意窗口 this month (`month_reads`)."""
    return month_reads(session, period).notice_windows


def compute_month(session: Session, period: date, exclusions=None) -> list[ResultRow]:
    """SCORE-2/3/4: every window's month from the stored events, ranked; 红旗窗口 and 满意窗口."""
    categories, cap = score_categories(session), bonus_cap(session)
    reads = month_reads(session, period)
    sums, peers, notice_windows, windows = (reads.sums, reads.peers, reads.notice_windows,
                                            reads.windows)
    _staff, attitude_windows = _attitude(session, period, month_end(period), exclusions)
    satisfied_min = Decimal(str(setting_value(session, "score.satisfied_min")))
    red_flags = int(setting_value(session, "score.red_flag_count"))
    results = {}
    unrated = unrated_peer(peers, [window_id for window_id, _n, _name in windows], categories)
    for window_id, number, window_name in windows:
        name = f"{number} {window_name}"
        entry = sums.get(window_id, {"events": [], "complaints": 0, "overdue": ZERO})
        score = monthly_window_score(entry["events"], peers.get(window_id), categories, cap,
                                     unrated_peer=unrated)
        excluded = [rule for rule, ids in (("COMP-5", attitude_windows),
                                           ("NOTICE-1", notice_windows)) if window_id in ids]
        results[name] = ResultRow(window_id, name, score.total, dict(score.by_category),
                                  peers.get(window_id), entry["complaints"], entry["overdue"],
                                  excluded=excluded, peer_imputed=score.peer_imputed,
                                  number=number, name=window_name)
        results[name].satisfied = rules.is_satisfied(score.total, satisfied_min, bool(excluded))
    ranking = rank_windows(((r.window_name, r.total, r.verified_complaints, r.overdue_days)
                            for r in results.values()), red_flags)
    ordered = []
    for rank, name, red in ranking:
        row = results[name]
        row.rank, row.red_flag = rank, red
        ordered.append(row)
    return ordered


_MR = MonthlyResult.__table__
# Issue #21 P1: the month's row and, when it is confirmed, its snapshot with the windows'
# numbers and names — one statement, built once (a month without a row answers nothing; an
# open one its row alone: the snapshot is joined on the state).
_MONTH_AND_SNAPSHOT = (
    select(AssessmentMonth, _MR.c.window_id, _MR.c.total, _MR.c.categories, _MR.c.peer_mean,
           _MR.c.verified_complaints, _MR.c.overdue_days, _MR.c.rank, _MR.c.red_flag,
           _MR.c.satisfied, _W.c.number, _W.c.name)
    .outerjoin(_MR, and_(_MR.c.period == AssessmentMonth.period,
                         AssessmentMonth.state == "confirmed"))
    .outerjoin(_W, _W.c.id == _MR.c.window_id)
    .where(AssessmentMonth.period == bindparam("period", type_=Date))
    .order_by(_MR.c.rank, _MR.c.id))


def _snapshot_rows(rows) -> list[ResultRow]:
    """The confirmed month's ResultRows from `_MONTH_AND_SNAPSHOT`'s rows (best first)."""
    rows = [ResultRow(window_id, f"{number} {name}", total,
                      {k: Decimal(v) for k, v in json.loads(categories).items()},
                      peer_mean, verified_complaints, overdue_days, rank, red_flag, satisfied,
                      number=number, name=name)
            for _month, window_id, total, categories, peer_mean, verified_complaints,
            overdue_days, rank, red_flag, satisfied, number, name in rows
            if window_id is not None]
    # SCORE-2 M10: a window confirmed without a rating got the rated windows' mean, if any.
    any_rated = any(not row.peer_missing for row in rows)
    for row in rows:
        row.peer_imputed = row.peer_missing and any_rated
    return rows


def assessment_month(session: Session, period: date) -> AssessmentMonth | None:
    return session.scalars(select(AssessmentMonth).where(AssessmentMonth.period == period)).first()


def month_results(session: Session, period: date, exclusions=None
                  ) -> tuple[AssessmentMonth | None, list[ResultRow]]:
    """The month's rows: the confirmed snapshot, or computed live while open."""
    rows = session.execute(_MONTH_AND_SNAPSHOT, {"period": period}).all()
    month = rows[0][0] if rows else None
    if month is not None and month.state == "confirmed":
        return month, _snapshot_rows(rows)
    return month, compute_month(session, period, exclusions)


def window_month_total(session: Session, period: date, window_id: int) -> Decimal | None:
    """SCORE-2: one window's total of the month — the `total` of its row in `month_results`
    (the confirmed snapshot, or computed live while open), None when the month lists no such
    window. Live, only that window's score is computed from the month's reads (M10's mean of
    the rated windows included): a total depends on no rank, red flag nor exclusion, so a
    home page's score card need not compute and rank every window (issue #21 P1)."""
    rows = session.execute(_MONTH_AND_SNAPSHOT, {"period": period}).all()
    month = rows[0][0] if rows else None
    if month is not None and month.state == "confirmed":
        return next((row.total for row in _snapshot_rows(rows) if row.window_id == window_id),
                    None)
    categories, cap = score_categories(session), bonus_cap(session)
    reads = month_reads(session, period)
    if all(listed != window_id for listed, _number, _name in reads.windows):
        return None
    unrated = unrated_peer(reads.peers, [listed for listed, _n, _name in reads.windows],
                           categories)
    entry = reads.sums.get(window_id, {"events": []})
    return monthly_window_score(entry["events"], reads.peers.get(window_id), categories, cap,
                                unrated_peer=unrated).total


# --- SCORE-3: confirm and reopen --------------------------------------------------------------
class MonthDecided(RuleViolation):
    """SCORE-3: the month was confirmed (or reopened) by someone else a moment ago — what the
    second of two simultaneous confirmations or reopenings is told (issue #18: one succeeds,
    the other hears who did it and when; 409 in the API, a flash on the page, never a 500)."""


def _person(session: Session, user_id: int | None) -> str:
    """Who a user is, as pages name people: their staff name, else their login's name."""
    if user_id is None:
        return "—"
    name = session.scalar(select(Staff.name).where(Staff.user_id == user_id).limit(1))
    if name:
        return name
    user = session.get(User, user_id)
    if user is None:
        return "—"
    return f"{user.last_name or ''}{user.first_name or ''}".strip() or user.username


def _local(instant: datetime | None) -> str:
    return instant.astimezone(center_zone()).strftime("%Y-%m-%d %H:%M") if instant else "—"


def _already(session: Session, month: AssessmentMonth) -> MonthDecided:
    ym = month.period.strftime("%Y-%m")
    if month.state == "confirmed":
        return MonthDecided("SCORE-3", N_("%(month)s was already confirmed by %(name)s at "
                                          "%(time)s."), field="period", month=ym,
                            name=_person(session, month.confirmed_by_id),
                            time=_local(month.confirmed_at))
    return MonthDecided("SCORE-3", N_("%(month)s was already reopened by %(name)s at %(time)s."),
                        field="period", month=ym, name=_person(session, month.reopened_by_id),
                        time=_local(month.reopened_at))


def lock_month(session: Session, period: date, create: bool = False) -> AssessmentMonth | None:
    """Issue #18: the month's row, locked until the transaction ends, so that two
    confirmations or reopenings of one month run one after the other and the second sees what
    the first did. The first statement is a write — creating the row if it is missing (INSERT
    … ON CONFLICT DO NOTHING: two creators never collide), else a no-op UPDATE: on SQLite that
    takes the database's write lock (a deferred transaction would let both read first), on
    PostgreSQL the row lock, which the SELECT … FOR UPDATE then holds; it re-reads the row
    as the other transaction committed it."""
    table = AssessmentMonth.__table__
    if create:
        dialect = session.get_bind().dialect.name
        insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}.get(dialect)
        if insert is None:  # pragma: no cover — the two databases the app supports
            raise Conflict(f"no insert-or-ignore for {dialect}")
        session.execute(insert(table).values(period=period, state="open", version=1)
                        .on_conflict_do_nothing(index_elements=["period"]))
    else:
        session.execute(update(table).where(table.c.period == period)
                        .values(version=table.c.version))
    return session.scalars(select(AssessmentMonth).where(AssessmentMonth.period == period)
                           .with_for_update()
                           .execution_options(populate_existing=True)).first()


def mark_events_confirmed(session: Session, period: date, confirmed: bool) -> int:
    """SCORE-1: the confirmed flag of every deduction and bonus of the month — set when
    Leadership confirms the month, cleared by a reopen — in one UPDATE inside the confirming
    transaction (a month holds up to a million events: bench/bench_monthly.py). The month's
    own row is the audited record of who confirmed and when (AUDIT-1); events loaded in the
    session are refreshed. Returns how many events changed."""
    changed = session.execute(
        update(ScoreEvent.__table__)
        .where(ScoreEvent.__table__.c.period == period,
               ScoreEvent.__table__.c.confirmed.is_distinct_from(confirmed))
        .values(confirmed=confirmed)).rowcount
    for obj in list(session.identity_map.values()):
        if isinstance(obj, ScoreEvent) and obj.period == period:
            session.expire(obj, ["confirmed"])
    return changed


def unrated_windows(rows: list[ResultRow]) -> list[ResultRow]:
    """SCORE-2 M10: the month's windows nobody rated (listed on the confirm page)."""
    return [row for row in rows if row.peer_missing]


def confirm_month(session: Session, period: date, user_id: int | None, now: datetime,
                  today: date, seen_version=None, exclusions=None,
                  unrated_reason: str | None = None) -> AssessmentMonth:
    """SCORE-3: Leadership confirms a finished month: the results are stored (MonthlyResult),
    every deduction and bonus of the month is marked confirmed (SCORE-1) and the month is
    frozen (the before_flush guard of app/services/scoring.py then refuses every change to its
    events). Windows nobody rated (SCORE-2 M10) need `unrated_reason`: their M10 is the mean
    of the rated windows' M10, and the reason is kept with the month (audited). Twice, or two
    at once: the month's row is locked (`lock_month`), one wins and the other is told who
    confirmed it and when (`MonthDecided`)."""
    if period >= today.replace(day=1):
        raise RuleViolation("SCORE-3", N_("A month can be confirmed once it is over."),
                            field="period")
    month = lock_month(session, period, create=True)
    if month.state == "confirmed":
        raise _already(session, month)
    check_version(month, seen_version)
    rows = compute_month(session, period, exclusions)
    unrated = unrated_windows(rows)
    reason = (unrated_reason or "").strip()
    if unrated and not reason:
        raise RuleViolation("SCORE-2", N_("Nobody rated %(windows)s this month: give the reason "
                                          "for confirming without their mutual rating."),
                            field="unrated_reason",
                            windows="、".join(sorted(row.window_name for row in unrated)))
    for stale in session.scalars(select(MonthlyResult).where(MonthlyResult.period == period)):
        session.delete(stale)  # row by row, so the audit trail has them (AUDIT-1)
    session.flush()
    for row in rows:
        session.add(MonthlyResult(
            period=period, window_id=row.window_id, total=row.total,
            categories=json.dumps({k: str(v) for k, v in row.by_category.items()}),
            rank=row.rank, red_flag=row.red_flag, satisfied=row.satisfied,
            peer_mean=row.peer_mean, verified_complaints=row.verified_complaints,
            overdue_days=row.overdue_days))
    month.state, month.confirmed_by_id, month.confirmed_at = "confirmed", user_id, now
    month.unrated_reason = reason if unrated else None
    session.flush()
    mark_events_confirmed(session, period, True)
    return month


def reopen_month(session: Session, period: date, reason: str | None, user_id: int | None,
                 now: datetime, seen_version=None) -> AssessmentMonth:
    """SCORE-3: Leadership reopens a confirmed month with a reason (audited: the month's row
    and the deleted snapshot rows are in the audit trail); its events may change again and
    lose their confirmed flag (SCORE-1). Two reopenings at once: one wins, the other is told
    who reopened it and when."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("SCORE-3", N_("Give the reason for reopening the month."),
                            field="reason")
    month = lock_month(session, period)
    if month is None or (month.state != "confirmed" and month.reopened_at is None):
        raise RuleViolation("SCORE-3", N_("%(month)s is not confirmed."), field="period",
                            month=period.strftime("%Y-%m"))
    if month.state != "confirmed":
        raise _already(session, month)
    check_version(month, seen_version)
    for result in session.scalars(select(MonthlyResult).where(MonthlyResult.period == period)):
        session.delete(result)
    month.state, month.reopen_reason = "open", reason
    month.reopened_by_id, month.reopened_at = user_id, now
    session.flush()
    mark_events_confirmed(session, period, False)
    return month


# --- SCORE-2 M10: the mutual rating -----------------------------------------------------------
def rating_window(session: Session, period: date) -> tuple[date, date]:
    return rules.peer_rating_window(period, int(setting_value(session, "score.peer_opens_day")),
                                    int(setting_value(session, "score.peer_closes_day")))


def ratings_by(session: Session, period: date, rater_window_id: int) -> dict[int, PeerRating]:
    return {r.rated_window_id: r for r in session.scalars(select(PeerRating).where(
        PeerRating.period == period, PeerRating.rater_window_id == rater_window_id))}


def record_peer_ratings(session: Session, period: date, rater_window_id: int | None,
                        ratings: dict[int, dict], user_id: int | None, today: date,
                        now: datetime) -> int:
    """SCORE-2 M10: the rater window's ratings of the other windows for `period` (a rating
    already given is replaced); refused outside the rating days, for itself, in a confirmed
    month (SCORE-3). Returns how many ratings were written."""
    if confirmed_periods(session, [period]):
        raise RuleViolation("SCORE-3", N_("%(month)s is confirmed and frozen: reopen the month "
                                          "with a reason before changing its scores."),
                            field="period", month=period.strftime("%Y-%m"))
    window = rating_window(session, period)
    existing = ratings_by(session, period, rater_window_id) if rater_window_id else {}
    valid_ids = set(session.scalars(select(Window.id).where(
        Window.id.in_([*ratings, rater_window_id or -1]))))
    if rater_window_id not in valid_ids:
        raise RuleViolation("SCORE-2", N_("Choose the rating window."), field="rater_window_id")
    written = 0
    for rated_id, scores in ratings.items():
        if rated_id not in valid_ids:
            raise RuleViolation("SCORE-2", N_("Choose an existing window."),
                                field="rated_window_id")
        checked = rules.check_peer_rating(rater_window_id, rated_id, scores, today, window)
        rating = existing.get(rated_id)
        if rating is None:
            rating = PeerRating(period=period, rater_window_id=rater_window_id,
                                rated_window_id=rated_id)
            session.add(rating)
        for name, value in checked.items():
            setattr(rating, name, value)
        rating.rated_by_id, rating.rated_at = user_id, now
        written += 1
    try:
        session.flush()
    except IntegrityError as error:  # the same rating entered at the same time elsewhere
        raise Conflict(f"peer rating {period} {rater_window_id} concurrent") from error
    return written


# --- SCORE-7: explanations --------------------------------------------------------------------
@dataclass
class Explanation:
    """The events behind a window's month and the lines they make (SCORE-7)."""

    row: ResultRow | None
    lines: list[rules.Line]
    events: list[ScoreEvent]
    hidden: dict[str, Decimal]  # category → points of events the reader may not see
    total: Decimal


def window_explanation(session: Session, period: date, window_id: int,
                       own_staff_id: int | None = None, exclusions=None) -> Explanation:
    """SCORE-7: every event of the window's month (or, `own_staff_id` given — a clerk —, only
    that person's, the others summed per category), the floors and caps applied, the total."""
    categories, cap = score_categories(session), bonus_cap(session)
    events = list(session.scalars(select(ScoreEvent).where(
        ScoreEvent.period == period, ScoreEvent.window_id == window_id)
        .order_by(ScoreEvent.category, ScoreEvent.day, ScoreEvent.id)))
    peers = peer_means(session, period)
    peer = peers.get(window_id)
    _month, rows = month_results(session, period, exclusions)
    unrated = unrated_peer(peers, [r.window_id for r in rows] or [window_id], categories)
    score: MonthlyScore = monthly_window_score(((e.category, e.points) for e in events), peer,
                                               categories, cap, unrated_peer=unrated)
    lines = rules.explanation_lines(score, categories, cap, peer)
    hidden: dict[str, Decimal] = {}
    if own_staff_id is not None:
        for event in events:
            if event.staff_id != own_staff_id:
                hidden[event.category] = hidden.get(event.category, ZERO) + event.points
        events = [e for e in events if e.staff_id == own_staff_id]
    row = next((r for r in rows if r.window_id == window_id), None)
    return Explanation(row, lines, events, hidden, score.total)


# --- SCORE-4: individual results, 服务明星, 岗位之星 ----------------------------------------------
@dataclass
class PersonResult:
    staff_id: int
    name: str
    window_name: str
    months: dict[date, Decimal]
    deductions: int
    result: Decimal
    window_id: int | None = None


def individual_results(session: Session, months: list[date]) -> dict[int, PersonResult]:
    """SCORE-4: every window staff member's individual result for `months` (the mean of each
    month's 100 + own deductions + own bonus within the cap), from one GROUP BY (staff, month)."""
    cap = bonus_cap(session)
    negative = case((ScoreEvent.points < 0, ScoreEvent.points), else_=0)
    positive = case((ScoreEvent.points > 0, ScoreEvent.points), else_=0)
    counted = case((ScoreEvent.points < 0, 1), else_=0)
    sums: dict[int, dict] = {}
    for staff_id, period, minus, plus, count in session.execute(
            select(ScoreEvent.staff_id, ScoreEvent.period, func.sum(negative), func.sum(positive),
                   func.sum(counted))
            .where(ScoreEvent.staff_id.is_not(None), ScoreEvent.period.in_(months))
            .group_by(ScoreEvent.staff_id, ScoreEvent.period)):
        sums.setdefault(staff_id, {})[period] = (_points(minus), _points(plus), int(count or 0))
    people = session.execute(select(Staff.id, Staff.name, Window.number, Window.name, Window.id)
                             .join(Window, Staff.window_id == Window.id)
                             .where(Staff.is_active.is_(True)))
    results = {}
    for staff_id, name, number, window_name, window_id in people:
        own = sums.get(staff_id, {})
        per_month = {m: rules.individual_result(*own.get(m, (ZERO, ZERO, 0))[:2], cap)
                     for m in months}
        results[staff_id] = PersonResult(staff_id, name, f"{number} {window_name}", per_month,
                                         sum(v[2] for v in own.values()),
                                         rules.mean_result(per_month.values()), window_id)
    return results


def started_months(months: list[date], today: date) -> list[date]:
    return [m for m in months if m <= today.replace(day=1)]


def notice_staff(session: Session, start: date, end: date) -> set[int]:
    """NOTICE-1: staff with a one-time-notice violation between the two months."""
    return set(session.scalars(select(ScoreEvent.staff_id).where(
        ScoreEvent.source == NOTICE_SOURCE, ScoreEvent.staff_id.is_not(None),
        ScoreEvent.period >= start, ScoreEvent.period <= end).distinct()))


@dataclass
class Stars:
    months: list[date]
    stars: list[tuple[int, PersonResult]]
    excluded: dict[int, list[str]]  # staff id → rule ids


def quarter_stars(session: Session, year: int, quarter: int, today: date,
                  exclusions=None) -> Stars:
    """SCORE-4 服务明星: the quarter's best individual results (fewer deductions break ties),
    without the staff excluded by COMP-5 (verified attitude complaint) or NOTICE-1."""
    months = started_months(rules.quarter_months(year, quarter), today)
    if not months:
        return Stars([], [], {})
    people = individual_results(session, months)
    attitude_staff, _windows = _attitude(session, months[0], month_end(months[-1]), exclusions)
    notices = notice_staff(session, months[0], months[-1])
    excluded = {sid: [r for r, ids in (("COMP-5", attitude_staff), ("NOTICE-1", notices))
                      if sid in ids] for sid in people}
    excluded = {sid: rules_ for sid, rules_ in excluded.items() if rules_}
    count = int(setting_value(session, "score.service_star_count"))
    picked = rules.pick_stars(((p.staff_id, p.name, p.result, -p.deductions)
                               for p in people.values()), count, set(excluded))
    return Stars(months, [(place, people[key]) for place, key, _n, _r in picked], excluded)


def year_stars(session: Session, year: int, today: date) -> Stars:
    """SCORE-4 岗位之星: the year's best individual results (score.star_count), ties broken by
    their window's mean confirmed monthly total."""
    months = started_months([date(year, m, 1) for m in range(1, 13)], today)
    if not months:
        return Stars([], [], {})
    people = individual_results(session, months)
    window_means = dict(session.execute(
        select(Staff.id, func.avg(MonthlyResult.total))
        .join(MonthlyResult, MonthlyResult.window_id == Staff.window_id)
        .where(MonthlyResult.period.in_(months)).group_by(Staff.id)).all())
    count = int(setting_value(session, "score.star_count"))
    picked = rules.pick_stars(((p.staff_id, p.name, p.result, _points(window_means.get(p.staff_id)))
                               for p in people.values()), count)
    return Stars(months, [(place, people[key]) for place, key, _n, _r in picked], {})


def person_events(session: Session, staff_id: int, months: list[date]) -> list[ScoreEvent]:
    """SCORE-7: the events behind a person's result for `months`."""
    return list(session.scalars(select(ScoreEvent).where(
        ScoreEvent.staff_id == staff_id, ScoreEvent.period.in_(months or [date(1900, 1, 1)]))
        .order_by(ScoreEvent.day, ScoreEvent.id)))


__all__ = ["score_categories", "bonus_cap",
           "ResultRow", "MonthReads", "month_reads", "month_sums", "peer_means", "notice_exclusions", "compute_month",
           "month_results", "window_month_total", "assessment_month", "confirm_month", "reopen_month",
           "MonthDecided", "lock_month", "mark_events_confirmed", "unrated_windows",
           "unrated_peer",
           "rating_window", "ratings_by", "record_peer_ratings", "Explanation",
           "window_explanation", "PersonResult", "individual_results", "quarter_stars",
           "year_stars", "person_events", "month_end", "BONUS", "PEER"]
