"""台帐 view: the register of CASE-10 with filters by window, acceptance day and result, and its
Excel export with exactly the filters of the page (the window scope of ORG-2 included).

Read-only: the row's show link opens the case's own page; there is no add, edit or delete.
The rows, the result and the export live in app/services/ledger.py.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import date
from urllib.parse import quote

from dateutil import parser as date_parser
from flask import Response, current_app, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import force_locale, gettext, lazy_gettext as _l
from flask_login import login_user

from app.context import case_fee, center_zone, fee_text, local_datetime, today
from app.security import VIEW_METHOD_PERMISSIONS, window_scoped_filters
from app.services.ledger import (RESULT_LABELS, in_ledger_condition, ledger_statement,
                                 minute_formatter, result_condition, results_by_case,
                                 write_ledger)
from app.services.background import JobFailed, JobResult, job_params
from app.services.exports import bounded_count
from app.rules.errors import N_
from app.services.case_queries import preload_related
from app.views.base import WindowScopedModelView
from app.views.downloads import refuse_over_cap
from app.datamodel import BoundedCountInterface
from app.views.fields import select_field
from app.views.jobs import LOGIN_GONE, start_job
from models.cases import Case

log = logging.getLogger(__name__)

RESULT = "result"  # the computed column of the list (not a column of the table)
FEE = "fee"  # CASE-9: the fee collected or 免收, from fee_amount and fee_waived
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
EXPORT_JOB = "ledger"  # the background job's kind (issue #21)
OVER_JOB_CAP = N_("This export has more than %(max)s rows, the most one file may hold: narrow "
                  "the period or the filters and export again.")
# CASE-10's columns, in the order of the paper ledger; the export uses the same labels.
LEDGER_LABELS = {
    "accepted_at": _l("Acceptance time"),  # 受理时间
    "number": _l("Acceptance number"),  # 受理编号
    "item": _l("Service item"),
    "window": _l("Window"),
    "decided_at": _l("Decision time"),  # 办结时间
    "collector_name": _l("Collector"),  # 取件人
    "handler": _l("Handler"),  # 经办人
    FEE: _l("Fee"),  # CASE-9 (issue #19): the amount collected, or 免收
    RESULT: _l("Result"),
    "accepted_on": _l("Acceptance day"),  # the period filter
    "state": _l("Result"),  # the result filter
}
LEDGER_COLUMNS = ["accepted_at", "number", "item", "window", "decided_at", "collector_name",
                  "handler", FEE, RESULT]


def result_label(value) -> str:
    return gettext(RESULT_LABELS[value]) if value in RESULT_LABELS else ""


# --- Filters: result and period as the search form offers them ------------------------------
def _day(value) -> date | None:
    try:
        return date_parser.parse(value).date() if value else None
    except (ValueError, OverflowError):
        return None


class FilterLedgerResult(BaseFilter):
    """CASE-10: the case's result, a delivered or closed case counted by its decision."""

    name = _l("Equal to")
    arg_name = "ledger_result"

    def apply(self, query, value):
        return query.filter(result_condition(value)) if value else query


class FilterDayOnOrAfter(BaseFilter):
    name = _l("On or after")
    arg_name = "ledger_day_from"

    def apply(self, query, value):
        day = _day(value)
        return query if day is None else query.filter(getattr(self.model, self.column_name) >= day)


class FilterDayOnOrBefore(BaseFilter):
    name = _l("On or before")
    arg_name = "ledger_day_to"

    def apply(self, query, value):
        day = _day(value)
        return query if day is None else query.filter(getattr(self.model, self.column_name) <= day)


class FilterInLedger(BaseFilter):
    """Base filter: only cases with a result (app.services.ledger.in_ledger_condition)."""

    name = "In the ledger"
    arg_name = "in_ledger"

    def apply(self, query, value):
        return query.filter(in_ledger_condition())


class LedgerFilterConverter(SQLAFilterConverter):
    """FAB's filters, except: result by FilterLedgerResult, the acceptance day by a period."""

    custom = {"state": (FilterLedgerResult,),
              "accepted_on": (FilterDayOnOrAfter, FilterDayOnOrBefore)}

    def convert(self, col_name):
        if col_name in self.custom:
            return [flt(col_name, self.datamodel) for flt in self.custom[col_name]]
        return super().convert(col_name)


class LedgerInterface(BoundedCountInterface):
    """Bounded counts (no COUNT over a million cases) and the page's results in one query."""

    filter_converter_class = LedgerFilterConverter

    def get_values(self, lst, list_columns):
        lst = list(lst)
        # Held while the page renders: the session's identity map keeps objects weakly.
        related = preload_related(self.session, lst)  # noqa: F841
        if RESULT not in list_columns and FEE not in list_columns:
            yield from super().get_values(lst, list_columns)
            return
        results = results_by_case(self.session, [case.id for case in lst]) \
            if RESULT in list_columns else {}
        plain = [column for column in list_columns if column not in (RESULT, FEE)]
        for case, values in zip(lst, super().get_values(lst, plain)):
            if RESULT in list_columns:
                values[RESULT] = results.get(case.id)
            if FEE in list_columns:
                values[FEE] = case_fee(case)
            yield values


class LedgerView(WindowScopedModelView):
    """台帐 — the case ledger (CASE-10); a clerk or window head sees their window's (ORG-2).

    Shares the "Case" permission: whoever reads cases reads and exports the ledger.
    """

    route_base = "/ledger"
    datamodel = LedgerInterface(Case)
    class_permission_name = "Case"
    method_permission_name = {**VIEW_METHOD_PERMISSIONS, "index": "read", "export": "read"}
    # CASE-4: a read-only register; FAB's add/edit/delete routes are not even registered.
    include_route_methods = {"index", "list", "show", "export"}
    base_permissions = ["can_read"]
    base_filters = WindowScopedModelView.base_filters + [["state", FilterInLedger, None]]
    list_title = _l("Case ledger")
    label_columns = LEDGER_LABELS
    list_columns = LEDGER_COLUMNS
    search_columns = ["window", "accepted_on", "state"]
    search_form_extra_fields = {
        "state": select_field(_l("Result"), {k: _l(v) for k, v in RESULT_LABELS.items()},
                              required=False),
    }
    # ORG-2: a clerk's window drop-down offers their own window only.
    search_form_query_rel_fields = {"window": window_scoped_filters("id")}
    # Arrival order uses its index (most cases are accepted on arrival); sorting a million
    # rows by an unindexed column on every page view is what the list must not do.
    order_columns = ["number"]
    base_order = ("received_at", "desc")
    formatters_columns = {"accepted_at": local_datetime, "decided_at": local_datetime,
                          RESULT: result_label}
    list_template = "bianmin/ledger_list.html"

    @expose("/")
    @has_access
    def index(self):
        return redirect(url_for(".list", **request.args))

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        """The case's own page (its scope check and PRIV-1 masking apply there)."""
        self._get_scoped(pk)
        return redirect(url_for("CaseView.show", pk=pk))

    @expose("/export.xlsx")
    @has_access
    def export(self):
        """CASE-10: the ledger as .xlsx — every row the page's filters select, not one page.

        Issue #21: more than EXPORT_INLINE_MAX_ROWS rows are a background job (its progress,
        then the file); EXPORT_MAX_ROWS is then the job's size limit, checked by the job."""
        cases = self._export_cases()
        session = self.datamodel.session
        ids = cases.with_entities(Case.id).statement
        inline = current_app.config["EXPORT_INLINE_MAX_ROWS"]
        if bounded_count(session, ids, inline) > inline:
            return start_job(EXPORT_JOB, {"args": list(request.args.items(multi=True))})
        # Issue #12: a ledger over EXPORT_MAX_ROWS is refused back on the list, filters kept.
        refused = refuse_over_cap(lambda cap: bounded_count(session, ids, cap), ".list",
                                  kind="ledger")
        if refused:
            return refused
        spool = tempfile.TemporaryFile()
        try:
            count = self._write(cases, spool)
            size = spool.tell()
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
        log.info("ledger export: %d rows, %d bytes", count, size)
        name = f"{gettext('Ledger')}-{today().isoformat()}.xlsx"
        return Response(_chunks(spool), mimetype=XLSX, direct_passthrough=True, headers={
            "Content-Disposition": f"attachment; filename=\"ledger-{today().isoformat()}.xlsx\"; "
                                   f"filename*=UTF-8''{quote(name)}",
            "Content-Length": str(size),
            "Cache-Control": "no-store",
        })

    def run_export_job(self, job, out, progress) -> JobResult:
        """Issue #21: the ledger export as a background job — the page's filters (`args`) and
        its user's window scope (ORG-2), replayed in a request of the worker; at most
        EXPORT_MAX_ROWS rows (the job's size limit), else a readable refusal."""
        user = self.appbuilder.sm.get_user_by_id(job.user_id) if job.user_id else None
        if user is None or not user.is_active:
            raise JobFailed(LOGIN_GONE)
        args = [tuple(pair) for pair in job_params(job).get("args", [])]
        with current_app.test_request_context("/ledger/export.xlsx", query_string=args), \
                force_locale(job.locale):
            login_user(user)
            cases = self._export_cases()
            session = self.datamodel.session
            cap = current_app.config["EXPORT_MAX_ROWS"]
            total = bounded_count(session, cases.with_entities(Case.id).statement, cap)
            if total > cap:
                raise JobFailed(OVER_JOB_CAP, max=f"{cap:,}")
            progress(0, total)
            rows = self._write(cases, out, lambda done: progress(done, total))
            return JobResult(rows, f"{gettext('Ledger')}-{today().isoformat()}.xlsx")

    def _export_cases(self):
        """The query of the rows the page's filters select, in the page's order."""
        filters = self.datamodel.get_filters(self.search_columns)
        get_filter_args(filters)  # the same request arguments the list reads
        order_column, order_direction = self._order()
        return self.datamodel.filtered_query(filters.get_joined_filters(self._base_filters),
                                             order_column, order_direction)

    def _write(self, cases, out, progress=None) -> int:
        return write_ledger(
            self.datamodel.session, ledger_statement(cases), out, title=gettext("Ledger"),
            headers=[str(LEDGER_LABELS[column]) for column in LEDGER_COLUMNS],
            result_labels={k: gettext(v) for k, v in RESULT_LABELS.items()},
            format_time=minute_formatter(center_zone()), format_fee=fee_text,
            progress=progress)

    def _order(self) -> tuple[str, str]:
        """The list's order: the chosen sortable column, else the default."""
        chosen = get_order_args().get(self.__class__.__name__)
        if chosen and chosen[0] in self.order_columns:
            return chosen
        return self.base_order


def _chunks(spool, size: int = CHUNK):
    """The finished workbook, a chunk at a time; the temporary file goes when done (or when
    the client goes away and the server closes the response)."""
    try:
        while block := spool.read(size):
            yield block
    finally:
        spool.close()
