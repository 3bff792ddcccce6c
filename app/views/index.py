"""The home page: a portal for the public, a start page for staff."""

from __future__ import annotations

from flask_appbuilder import IndexView


class HomeView(IndexView):
    """首页 — links to the guide and lookup for the public, the daily entry points for staff."""

    index_template = "bianmin/index.html"
