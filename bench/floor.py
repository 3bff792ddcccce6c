"""The floor of a Python page (issue #21, P1): a bare Flask + Jinja app that renders the rows a
staff page reads, with nothing of Flask-AppBuilder around it.

For each page the benchmark (bench/bench_floor.py) records the SQL statements the real page
sent, keeps its *data* statements — everything but FAB's frame: the login's user and roles,
permissions and menu (`ab_*` tables) and the session generation — without repeats, and gives
them to this app. The floor's page then does what any Python page must: take a pooled
connection, run those statements on SQLAlchemy Core (`exec_driver_sql`), fetch every row, and
render them (up to SHOWN_ROWS a table) into an HTML table inside a layout of the same shape as the real one (the
same stylesheets and scripts named in <head>, a navbar of the same number of menu links, a
footer). No login, no permission check, no ORM objects, no forms.

That is the cost the page could not go below in Python with this data: the issue's P1 asks
every staff page to stay within 2x of it.
"""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import create_engine

# FAB's own tables and the login's session generation: the frame, not the page's data. A
# statement is frame when every table it reads is one of these (the login's user, roles,
# permissions); one that joins a frame table for a page's data (a history's staff names through
# ab_user) is data.
FRAME_TABLES = re.compile(r"^(ab_\w+|user_session_generation|session_generation)$", re.IGNORECASE)
TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)
# The signed-in user's own row is data (the navbar shows the name): the floor reads it too.
USER_ROW = re.compile(r"FROM ab_user\s+WHERE ab_user\.id = ", re.IGNORECASE)
# No page shows more rows than this in one table; rows beyond it are fetched, not rendered
# (the dashboard reads thousands of (day, window) rows and shows twelve months).
SHOWN_ROWS = 100
# Served by gunicorn (bench/floor_wsgi.py), the floor reads its pages from the file named here.
PAGES_FILE = "BENCH_FLOOR_PAGES"

LAYOUT = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
{% for href in stylesheets %}<link rel="stylesheet" href="{{ href }}">
{% endfor %}</head>
<body>
<nav class="navbar"><ul>{% for label, href in menu %}<li><a href="{{ href }}">{{ label }}</a></li>
{% endfor %}</ul></nav>
<div class="container"><h1>{{ title }}</h1>
{% for result in results %}<table class="table">
<thead><tr>{% for column in result.columns %}<th>{{ column }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in result.rows[:shown] %}<tr>{% for value in row %}<td>{{ value if value is not none else '' }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
{% endfor %}</div>
<footer>便民服务中心管理平台</footer>
{% for src in scripts %}<script src="{{ src }}"></script>
{% endfor %}</body></html>"""


def is_frame(statement: str) -> bool:
    """Every table the statement reads (FROM and JOIN, subqueries included) is FAB's frame."""
    tables = TABLES.findall(statement)
    return bool(tables) and all(FRAME_TABLES.match(table) for table in tables)


def data_statements(statements):
    """The page's own statements: SELECTs that touch no frame table, each once."""
    seen, kept = set(), []
    for statement, parameters in statements:
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        if is_frame(statement) and not USER_ROW.search(statement):
            continue
        key = (statement, repr(parameters))
        if key in seen:
            continue
        seen.add(key)
        kept.append((statement, parameters))
    return kept


def make_floor_app(database_url: str, pages: dict) -> Flask:
    """`pages`: name → {"statements": [(sql, parameters)], "menu": [(label, href)],
    "stylesheets": [href], "scripts": [src], "title": str}. GET /floor/<name> renders it."""
    app = Flask("bianmin_floor")
    engine = create_engine(database_url)
    template = app.jinja_env.from_string(LAYOUT)

    @app.get("/floor/<name>")
    def floor(name):
        page = pages[name]
        results = []
        with engine.connect() as conn:
            for statement, parameters in page["statements"]:
                cursor = conn.exec_driver_sql(statement, parameters)
                results.append({"columns": list(cursor.keys()), "rows": cursor.fetchall()})
            conn.rollback()
        return template.render(title=page["title"], results=results, menu=page["menu"],
                               stylesheets=page["stylesheets"], scripts=page["scripts"],
                               shown=SHOWN_ROWS)

    app.engine = engine
    return app


