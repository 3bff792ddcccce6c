"""好差评 by scan — the public rating page that the QR code of a delivery receipt opens
(CASE-11, PRIV-1, issue #19). No login: the random token printed in the code is the key.

The page shows the case number, the item and the window, nothing of the applicant (PRIV-1),
and five answers (非常满意 … 非常不满意) with an optional opinion. The answer is recorded
once per case, through the same service function as the clerk's rating at delivery
(app/services/ratings.py); a case already rated, by the clerk or by a scan, gets a polite
"already rated" page and nothing changes. A token that is not ours is a 404. POSTs draw on the
public lookup's PUBLIC_LOOKUP_RATE_LIMIT budget (one budget per client for every public
answer); reading the page is not limited (the token is 192 random bits: no guessing).
"""

from __future__ import annotations

import time

from flask import Response, request
from flask_appbuilder import BaseView, expose
from flask_babel import gettext

from app.context import clock
from app.extensions import db
from app.rules.intake import PUBLIC_LEVELS
from app.services.audit import audit_actor
from app.services.ratings import link_of_token, may_rate_by_link, rate_by_link
from app.services.transaction import transaction
from app.views.public import (LOOKUP_SCOPE, OPINION_MAX, RATING_CHOICES, lookup_limit,
                              render_public)

PUBLIC_ACTOR = "public"  # who the audit trail names for a rating by scan, as for the lookup's


def render_rating(status: int = 200, **context) -> Response:
    """public/rate.html: the rating by scan and its answers."""
    return render_public("public/rate.html", status, levels=RATING_CHOICES, **context)


def too_many_ratings(request_limit) -> Response:
    """Over PUBLIC_LOOKUP_RATE_LIMIT: a 429 page in the public frame."""
    response = render_rating(429, limited=True)
    response.headers["Retry-After"] = str(max(int(request_limit.reset_at - time.time()) + 1, 1))
    return response


def shown_case(case) -> dict:
    """What the rating page shows of a case (PRIV-1): number, item, window — no person."""
    return {"number": case.number, "item": case.item.name,
            "window": f"{case.window.number} · {case.window.name}"}


class PublicRatingView(BaseView):
    """评价 — the rating page of one case by its printed token; no @has_access on purpose."""

    route_base = "/guide/rate"
    default_view = "rate"

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        """The POST shares the public lookup's budget (same scope: one counter per client)."""
        blueprint = super().create_blueprint(appbuilder, endpoint=endpoint,
                                             static_folder=static_folder)
        appbuilder.sm.limiter.shared_limit(lookup_limit, scope=LOOKUP_SCOPE, methods=["POST"],
                                           on_breach=too_many_ratings)(blueprint)
        return blueprint

    @expose("/<token>", methods=["GET", "POST"])
    def rate(self, token: str):
        """CASE-11: the form, or the answer recorded once, or "already rated"."""
        link = link_of_token(db.session, token)
        if link is None:
            return render_rating(404, unknown=True)
        case = shown_case(link.case)
        if not may_rate_by_link(link):
            return render_rating(case=case, rated=bool(link.case.satisfaction),
                                 not_delivered=link.case.delivered_at is None)
        if request.method == "GET":
            return render_rating(case=case, form=True)

        level = request.form.get("rating", "")
        opinion = (request.form.get("opinion") or "").strip()
        if len(opinion) > OPINION_MAX:
            error = gettext("The opinion may be at most %(count)s characters long.",
                            count=OPINION_MAX)
        else:
            with audit_actor(PUBLIC_ACTOR), transaction(
                    db.session, on_error=lambda failure: failure.render(gettext)) as saved:
                rate_by_link(db.session, link, level, opinion or None, clock())
            if saved.ok:
                return render_rating(case=case, thanked=True)
            error = saved.answer
            db.session.expire_all()
            if not may_rate_by_link(link):  # rated a moment ago from another phone or desk
                return render_rating(case=case, rated=True)
        return render_rating(case=case, form=True, error=error,
                             level=level if level in PUBLIC_LEVELS else "", opinion=opinion)
