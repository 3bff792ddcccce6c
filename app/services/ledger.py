"""台帐 — the case ledger (CASE-10): which cases it lists, their result, and the Excel export.

The ledger lists every case that reached a result at the counter or behind it: accepted
(and then handled, decided, delivered, closed or withdrawn) or ended at intake (退回, 转办).
Consultations and cases still waiting for supplementary materials are not in it: they have
no result yet. Each row carries what CASE-10 names — acceptance time, case number, decision
time, who collected (取件人), handling staff (经办人), result — plus item, window and the fee
collected or 免收 (CASE-9, issue #19); nothing of the applicant (PRIV-1).

The result of a delivered or closed case is the decision or exit that preceded it, read from
the case's transitions in SQL: one expression for the list, the filter and the export, so
that a filter by result narrows the screen and the file alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from typing import IO

from sqlalchemy import and_, case as sql_case, false, or_, select
from sqlalchemy.orm import Query, Session, aliased

from app.rules import case_states as cs
from app.services.xlsx import write_sheet
from models.cases import Case, CaseTransition
from models.catalogue import ServiceItem
from models.org import Staff, Window

# --- Results (CASE-10) ------------------------------------------------------------------
# A result is named by the state that settles it; the handling states share one result.
IN_PROGRESS = "in_progress"  # 办理中
RESULTS = (IN_PROGRESS, cs.DECIDED_APPROVED, cs.DECIDED_REFUSED, cs.DECIDED_FORWARDED,
           cs.RETURNED, cs.TRANSFERRED, cs.WITHDRAWN)
RESULT_LABELS = {result: cs.STATE_LABELS[result] for result in RESULTS}  # English msgids

_HANDLING = (cs.ACCEPTED, cs.IN_PROGRESS, cs.EXTENDED, cs.SUSPENDED)
# The decisions and exits: once reached, the case's result no longer changes.
OUTCOME_STATES = (cs.DECIDED_APPROVED, cs.DECIDED_REFUSED, cs.DECIDED_FORWARDED,
                  cs.RETURNED, cs.TRANSFERRED, cs.WITHDRAWN)
# States that hide the outcome: it is in the history (a returned case closes too).
_AFTER_OUTCOME = (cs.DELIVERED, cs.CLOSED)
RESULT_OF_STATE = {**{state: IN_PROGRESS for state in _HANDLING},
                   **{state: state for state in OUTCOME_STATES}}


def result_of(settling_state: str | None) -> str | None:
    """CASE-10: the result shown for a case whose result was settled by `settling_state`."""
    return RESULT_OF_STATE.get(settling_state)


def states_of_result(result: str) -> tuple[str, ...]:
    return tuple(state for state, res in RESULT_OF_STATE.items() if res == result)


def _outcome_in_history(states: Iterable[str]):
    """SQL: the case's history reaches one of `states`.

    A correlated `(SELECT … LIMIT 1) IS NOT NULL` rather than EXISTS: under the OR of
    in_ledger_condition PostgreSQL turns an EXISTS into a hashed subplan over every outcome
    transition of the center (a sequential scan of case_transition, 87 ms at 100,000 cases and
    growing with the history) even for a page of 25; this form can only be looked up per case
    through ix_case_transition_case_id (0.25 ms; issue #9). SQLite runs both alike.
    """
    return (select(CaseTransition.id)
            .where(CaseTransition.case_id == Case.id, CaseTransition.to_state.in_(tuple(states)))
            .limit(1).scalar_subquery().is_not(None))


def settling_state():
    """SQL: the state that settled the case's result — its current state, or once delivered
    or closed the last decision or exit of its history (NULL for cases not in the ledger)."""
    last_outcome = (select(CaseTransition.to_state)
                    .where(CaseTransition.case_id == Case.id,
                           CaseTransition.to_state.in_(OUTCOME_STATES))
                    .order_by(CaseTransition.id.desc()).limit(1).scalar_subquery())
    return sql_case((Case.state.in_(_AFTER_OUTCOME), last_outcome), else_=Case.state)


def in_ledger_condition():
    """SQL: the case has a result (CASE-10) — it is listed in the ledger."""
    return or_(Case.state.in_(tuple(RESULT_OF_STATE)),
               and_(Case.state.in_(_AFTER_OUTCOME), _outcome_in_history(OUTCOME_STATES)))


def result_condition(result: str):
    """SQL: the case's result is `result` (an unknown result matches nothing)."""
    states = states_of_result(result)
    if not states:
        return false()
    condition = Case.state.in_(states)
    outcomes = [state for state in states if state in OUTCOME_STATES]
    if outcomes:
        condition = or_(condition, and_(Case.state.in_(_AFTER_OUTCOME),
                                        _outcome_in_history(outcomes)))
    return condition


def results_by_case(session: Session, case_ids: list[int]) -> dict[int, str | None]:
    """The result of each of `case_ids` (one query for a page of the list)."""
    if not case_ids:
        return {}
    rows = session.execute(select(Case.id, settling_state()).where(Case.id.in_(case_ids)))
    return {case_id: result_of(state) for case_id, state in rows}


# --- Export ---------------------------------------------------------------------------------
YIELD_PER = 2000  # rows per fetch: a server-side cursor on PostgreSQL, fetchmany on SQLite
COLUMN_WIDTHS = (18, 20, 30, 22, 18, 14, 12, 12, 16)


def ledger_statement(cases: Query):
    """The export's SELECT: the ledger columns of the cases `cases` selects (filters and
    order included), with item, window and handler names joined — no ORM objects loaded.

    Columns: accepted_at, number, item, window number, window name, decided_at,
    collector_name, handler name, fee_amount, fee_waived, settling state.
    """
    item, window, handler = aliased(ServiceItem), aliased(Window), aliased(Staff)
    return (cases.with_entities(Case.accepted_at, Case.number, item.name, window.number,
                                window.name, Case.decided_at, Case.collector_name,
                                handler.name, Case.fee_amount, Case.fee_waived,
                                settling_state())
            .outerjoin(item, item.id == Case.item_id)
            .outerjoin(window, window.id == Case.window_id)
            .outerjoin(handler, handler.id == Case.handler_id)
            .statement)


def minute_formatter(zone: tzinfo) -> Callable[[datetime | None], str]:
    """`format_time` for write_ledger: an instant as `2026-10-13 14:05` in `zone`, like
    app.context.local_datetime but with the zone looked up once instead of per cell (a year
    of the center's ledger has some 180,000 times to show)."""

    def text(value: datetime | None) -> str:
        if value is None:
            return ""
        # isoformat is C: a third cheaper than formatting the fields one by one; [:16] drops
        # the offset ("2026-10-13 14:05+08:00").
        return value.astimezone(zone).isoformat(" ", "minutes")[:16]

    return text


def ledger_rows(rows, *, result_labels: dict[str, str],
                format_time: Callable[[datetime | None], str],
                format_fee: Callable[[object, bool], str] = lambda amount, waived: ""):
    """The sheet's values for each row of `ledger_statement`: local times as text, "number
    name" of the window, the fee as `format_fee(amount, waived)` shows it (CASE-9), the
    result's label; None for an absent cell."""
    for (accepted_at, number, item, window_number, window_name, decided_at, collector,
         handler, fee, waived, state) in rows:
        yield (format_time(accepted_at), number, item,
               f"{window_number} {window_name}" if window_number else None,
               format_time(decided_at), collector, handler,
               format_fee(fee, bool(waived)) or None,
               result_labels.get(RESULT_OF_STATE.get(state)))


def write_ledger(session: Session, statement, out: IO[bytes], *, title: str,
                 headers: list[str], result_labels: dict[str, str],
                 format_time: Callable[[datetime | None], str],
                 format_fee: Callable[[object, bool], str] = lambda amount, waived: "",
                 progress: Callable[[int], None] | None = None) -> int:
    """Write the rows of `statement` (see `ledger_statement`) as an .xlsx workbook to `out`.

    Rows are fetched YIELD_PER at a time and each goes into the sheet's compressed XML as it
    comes (app.services.xlsx), so memory does not grow with the number of rows. The writer's
    str.join per row replaced XlsxWriter's per-cell work, three quarters of the export's CPU:
    the request for 100,000 rows went from 7.6–8.4 s of CPU to 1.7–2.3 s (issue #9,
    bench/RESULTS.md). Text cells are inline strings, so a typed `=…` stays text, never a
    formula. Returns the number of rows. `progress(rows so far)` is called every YIELD_PER rows
    (a background job's progress bar, issue #21).
    """
    # Core rows straight from the connection: the ORM's row processing would cost a second
    # per 100,000 rows and gives nothing to plain columns.
    rows = session.connection().execute(statement.execution_options(yield_per=YIELD_PER))
    values = ledger_rows(rows, result_labels=result_labels, format_time=format_time,
                         format_fee=format_fee)
    if progress is not None:
        values = _counted(values, progress)
    return write_sheet(out, values, title=title, headers=headers, widths=COLUMN_WIDTHS)


def _counted(values, progress: Callable[[int], None]):
    done = 0
    for row in values:
        yield row
        done += 1
        if done % YIELD_PER == 0:
            progress(done)
