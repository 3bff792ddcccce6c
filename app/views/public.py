"""The public pages, no login: the service guide (GUIDE-1) and the progress lookup with the
applicant's rating (CASE-11, PRIV-1)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Response, abort, current_app, make_response, request
from flask_appbuilder import BaseView, expose
from flask_babel import get_locale, gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.context import current_center, deadline_provisional, local_date
from app.extensions import db
from app.rules import case_states as cs
from app.rules.errors import RuleViolation
from app.rules.identity import normalize_phone
from app.rules.intake import (PUBLIC_LEVEL_LABELS, PUBLIC_LEVELS, may_rate,
                               normalize_case_number, parse_case_number, rating_of_public_level)
from app.services.audit import audit_actor
from app.services.cases import record_satisfaction
from app.services.transaction import transaction
from app.services import case_queries, catalogue_queries
from app.services.case_queries import NoticeMaterialRow, PublicCase
from app.views.base import find
from app.views.choices import ITEM_KIND_LABELS, MATERIAL_FORM_LABELS
from app.views.public_texts import frame_languages, public_texts, translated_labels
from models.cases import Case


# --- 办件进度查询 — the public progress lookup and the applicant's rating (CASE-11, PRIV-1) ----

FIELD_MAX = 40  # longer than any case number or phone, short enough to bound the work
OPINION_MAX = 500
LOOKUP_SCOPE = "public-progress-lookup"

# Which sentence of public/progress.html says what comes next, by state (CASE-4).
NEXT_STEPS = {
    cs.CONSULTED: "consulted",
    cs.SUPPLEMENT_REQUESTED: "bring_materials",
    cs.MATERIALS_RECEIVED: "materials_checked",
    cs.ACCEPTED: "handling",
    cs.IN_PROGRESS: "handling",
    cs.EXTENDED: "extended",
    cs.SUSPENDED: "suspended",
    cs.DECIDED_APPROVED: "collect",
    cs.DECIDED_REFUSED: "collect_refusal",
    cs.DECIDED_FORWARDED: "forwarded",
    cs.DELIVERED: "delivered",
    cs.CLOSED: "closed",
    cs.RETURNED: "returned",
    cs.TRANSFERRED: "transferred",
    cs.WITHDRAWN: "withdrawn",
}


@dataclass(frozen=True)
class PairInput:
    """What the applicant typed: the case number and phone, normalised, or why not."""

    number: str  # canonical (else as typed, upper-cased), shown again in the form (not secret)
    phone: str | None  # normalised (PRIV-2 form); never shown again
    errors: dict[str, str]


def typed_number(text: str | None) -> str:
    """What the applicant typed as the case number, for the form: its canonical spelling
    when it is one (CASE-1, `normalize_case_number`: lower case, blanks, missing leading
    zeros forgiven), else as typed (stripped, upper-cased) to be corrected."""
    typed = (text or "")[:FIELD_MAX].strip()
    try:
        return normalize_case_number(typed)
    except ValueError:
        return typed.upper()


def read_pair(form) -> PairInput:
    """The case number (CASE-1 canonical form) and phone (PRIV-2) of a lookup or rating POST."""
    number = typed_number(form.get("number"))
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = gettext("Enter the case number.")
    else:
        try:
            parse_case_number(number)
        except ValueError:
            errors["number"] = gettext("Enter the case number as printed on your acceptance "
                                       "notice, for example BC-2026-000123.")
    phone = None
    try:
        phone = normalize_phone((form.get("phone") or "")[:FIELD_MAX], field="phone")
    except RuleViolation as violation:
        errors["phone"] = violation.render(gettext)
    return PairInput(number, phone, errors)


def find_case(number: str, phone: str) -> PublicCase | None:
    """The case with this number AND this applicant phone, else None.

    One query with both conditions: a wrong phone and an unknown number take the same path
    and give the same answer, so the lookup tells nobody which case numbers exist. It reads
    only what the page shows (PRIV-1: no column of the applicant).
    """
    return case_queries.public_case_by_number_and_phone(db.session, number, phone)


def materials_to_bring(case: PublicCase) -> list[NoticeMaterialRow]:
    """NOTICE-1: what the latest one-time notice asks the applicant to bring."""
    return case_queries.one_time_notice_materials(db.session, case.id)


def progress_of(case: PublicCase) -> dict:
    """What the public page shows of a case: no name, ID number, address or phone (PRIV-1)."""
    return {
        "number": case.number,
        "item": case.item_name,
        "window": f"{case.window_number} · {case.window_name}",
        "state": case.state,
        "state_label": public_texts()[cs.STATE_LABELS[case.state]],
        "accepted_on": local_date(case.accepted_on),
        "deadline": local_date(case.deadline),
        # Calendar / CASE-3: the public sees the provisional sentence too.
        "deadline_provisional": deadline_provisional(case.deadline),
        "step": NEXT_STEPS.get(case.state, "closed"),
        "materials": materials_to_bring(case) if case.state == cs.SUPPLEMENT_REQUESTED else [],
        "competent_unit": case.competent_unit if case.state == cs.TRANSFERRED else None,
        # CASE-11: rated once, by the applicant, after delivery.
        "can_rate": may_rate(bool(case.delivered), bool(case.satisfaction)),
        "rated": bool(case.satisfaction),
    }


RATING_TOKEN_MAX_AGE = 30 * 60  # seconds a found case's rating form stays valid
RATING_TOKEN_MAX = 200  # longer than any token we sign


def rating_token(case: PublicCase | Case) -> str:
    """What the rating form carries instead of the phone (PRIV-1: a page left open on a
    shared terminal shows no phone, not even in its source): the case, signed and dated."""
    return _rating_signer().dumps(case.id)


def case_of_rating_token(token: str) -> Case | None:
    """The case a rating token was signed for, or None when it is forged or too old."""
    try:
        case_id = _rating_signer().loads(token[:RATING_TOKEN_MAX], max_age=RATING_TOKEN_MAX_AGE)
    except BadSignature:  # SignatureExpired included
        return None
    return find(Case, case_id) if isinstance(case_id, int) else None


def _rating_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="bianmin.public-rating")


# The five answers of the scan page (CASE-11): one scale wherever the public rates.
RATING_CHOICES = tuple((level, PUBLIC_LEVEL_LABELS[level]) for level in PUBLIC_LEVELS)


def public_html(template: str, **context) -> str:
    """A page of the public frame (public/base.html): the template given what that frame
    shows — the center (footer, title), the language and its switch, the fixed sentences
    (`t`, app/views/public_texts.py) — and the view's values.

    Rendered by Jinja directly, without the app's template context processors (issue #21):
    they feed the staff frame (the signed-in user, the menu's to-do count, the header's case
    box, banners), which no public template reads; `url_for`, `csrf_token`, `request` and
    the calendar's sentence are Jinja globals and reach the templates as before."""
    app = current_app._get_current_object()
    locale = str(get_locale())
    return app.jinja_env.get_template(template).render(
        appbuilder=app.appbuilder, center=current_center(), locale=locale, t=public_texts(),
        languages=frame_languages(app.config["LANGUAGES"], locale), **context)


def render_public(template: str, status: int = 200, **context) -> Response:
    """A public page that may carry the rating form (public/_rating_fields.html), in the public
    frame; never cached (it may hold a case's state)."""
    context.setdefault("opinion_max", OPINION_MAX)
    response = make_response(public_html(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def render_progress(status: int = 200, **context):
    """public/progress.html: the lookup, its answer and the rating form."""
    return render_public("public/progress.html", status, ratings=RATING_CHOICES, **context)


def render_found(number: str, case: PublicCase, **context) -> Response:
    """The lookup's answer for a found case; the rating form's token is signed only when the
    page shows the form (CASE-11: delivered, not rated yet)."""
    found = progress_of(case)
    token = rating_token(case) if found["can_rate"] else None
    return render_progress(number=number, found=found, token=token, **context)


def too_many_lookups(request_limit) -> Response:
    """Over PUBLIC_LOOKUP_RATE_LIMIT: a 429 page in the public frame, not the bare error."""
    response = render_progress(429, limited=True)
    retry_after = int(request_limit.reset_at - time.time()) + 1
    response.headers["Retry-After"] = str(max(retry_after, 1))
    return response


def lookup_limit() -> str:
    return current_app.config["PUBLIC_LOOKUP_RATE_LIMIT"]


class PublicGuideView(BaseView):
    """办事指南 — the public guide and progress lookup; its methods carry no @has_access on
    purpose (GUIDE-1, CASE-11)."""

    route_base = "/guide"
    default_view = "index"

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        """Every POST of these pages (lookup and rating) answers whether a number and phone
        belong together, so both draw on one PUBLIC_LOOKUP_RATE_LIMIT budget per client: a
        shared limit, as FAB limits its login blueprint (AUTH_RATE_LIMITED). FAB's own
        `limits` would give each endpoint a budget of its own. GETs are never limited."""
        blueprint = super().create_blueprint(appbuilder, endpoint=endpoint,
                                             static_folder=static_folder)
        appbuilder.sm.limiter.shared_limit(lookup_limit, scope=LOOKUP_SCOPE, methods=["POST"],
                                           on_breach=too_many_lookups)(blueprint)
        return blueprint

    @expose("/")
    def index(self):
        query = request.args.get("q", "").strip()[:50]
        by_window: dict = {}
        for item in catalogue_queries.guide_items(db.session, query):
            by_window.setdefault(item.window, []).append(item)
        return public_html("public/guide.html", by_window=by_window, query=query,
                           kinds=translated_labels(ITEM_KIND_LABELS))

    @expose("/item/<int:item_id>")
    def item(self, item_id: int):
        item = catalogue_queries.guide_item(db.session, item_id)
        if item is None:
            abort(404)
        return public_html("public/item.html", item=item,
                           kinds=translated_labels(ITEM_KIND_LABELS),
                           forms=translated_labels(MATERIAL_FORM_LABELS))

    @expose("/progress", methods=["GET", "POST"])
    def progress(self):
        """办件进度查询: case number + applicant phone → state, dates and the next step."""
        if request.method == "GET":
            # A number may come from a link (it is printed on the notices); a phone never
            # does: query strings end up in access logs (PRIV-1).
            return render_progress(number=typed_number(request.args.get("number")))
        pair = read_pair(request.form)
        if pair.errors:
            return render_progress(number=pair.number, errors=pair.errors)
        case = find_case(pair.number, pair.phone)
        if case is None:
            return render_progress(number=pair.number, not_found=True)
        return render_found(pair.number, case)

    @expose("/progress/rate", methods=["POST"])
    def rate(self):
        """CASE-11: the applicant rates a delivered case once, with the token the lookup gave
        (a found number+phone pair, signed, valid RATING_TOKEN_MAX_AGE seconds)."""
        number = (request.form.get("number") or "")[:FIELD_MAX]
        case = case_of_rating_token(request.form.get("token") or "")
        if case is None or case.number != number:
            return render_progress(number=number, expired=True)
        case_id = case.id
        opinion = (request.form.get("opinion") or "").strip()
        rating = request.form.get("rating", "")
        error = None
        if len(opinion) > OPINION_MAX:
            error = gettext("The opinion may be at most %(count)s characters long.", count=OPINION_MAX)
        else:
            # A broken rule or a concurrent change of the case (issue #9): its message, once.
            with audit_actor("public"), transaction(
                    db.session, on_error=lambda failure: failure.render(gettext)) as saved:
                record_satisfaction(case, rating_of_public_level(rating), opinion or None,
                                    "public")
            error = saved.answer
        # What the lookup shows, read after the rating (or the refused attempt) as it does.
        shown = case_queries.public_case(db.session, case_id)
        if shown is None:
            return render_progress(number=number, expired=True)
        return render_found(number, shown, rate_error=error, opinion=opinion if error else "",
                            rating=rating if error else "", thanked=error is None)
