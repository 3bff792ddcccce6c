"""The public service guide (GUIDE-1): no login, every active item by window."""

from __future__ import annotations

from flask import abort, request
from flask_appbuilder import BaseView, expose
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.views.choices import ITEM_KIND_LABELS, MATERIAL_FORM_LABELS
from models.catalogue import ServiceItem
from models.org import Window


def active_items(query: str = ""):
    stmt = (
        select(ServiceItem)
        .join(ServiceItem.window)
        .where(ServiceItem.is_active.is_(True), Window.is_active.is_(True))
        .options(selectinload(ServiceItem.window))
        .order_by(Window.number, ServiceItem.code)
    )
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(ServiceItem.name.ilike(like), ServiceItem.code.ilike(like),
                              Window.name.ilike(like), Window.department.ilike(like)))
    return db.session.scalars(stmt).all()


class PublicGuideView(BaseView):
    """办事指南 — the public guide; its methods carry no @has_access on purpose (GUIDE-1)."""

    route_base = "/guide"
    default_view = "index"

    @expose("/")
    def index(self):
        query = request.args.get("q", "").strip()[:50]
        by_window: dict = {}
        for item in active_items(query):
            by_window.setdefault(item.window, []).append(item)
        return self.render_template(
            "public/guide.html", by_window=by_window, query=query, kinds=ITEM_KIND_LABELS,
        )

    @expose("/item/<int:item_id>")
    def item(self, item_id: int):
        item = db.session.get(ServiceItem, item_id)
        if item is None or not item.is_active or not item.window.is_active:
            abort(404)
        return self.render_template(
            "public/item.html", item=item, kinds=ITEM_KIND_LABELS, forms=MATERIAL_FORM_LABELS,
        )
