"""QR codes of the printed notices (issue #19, NOTICE-2): made here, never fetched.

`segno` writes the code as inline <svg> markup, so the print view needs no image request at
all (nothing from another host, nothing the CSP must allow) and the code stays sharp on
paper at any printer resolution. The address the code holds is absolute — a phone scanning
the paper knows no host — from `PUBLIC_BASE_URL`, else the address the printing browser used.
"""

from __future__ import annotations

import segno
from flask import current_app, request, url_for
from markupsafe import Markup

# M (15 % of the code may be lost): a notice folded, stamped or handled at the counter.
ERROR_LEVEL = "m"


def public_root() -> str:
    """The app's root as the public reaches it, without the trailing slash."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    return (configured or request.url_root).rstrip("/")


def public_url(endpoint: str, **values) -> str:
    """The absolute address of a public page for a printed QR code and its caption: the
    page's path below the app's root, under `public_root()`."""
    path = url_for(endpoint, **values)
    script_root = request.script_root
    if script_root and path.startswith(script_root + "/"):
        path = path[len(script_root):]
    return public_root() + path


def qr_svg(text: str, title: str = "") -> Markup:
    """`text` as an inline SVG QR code (a full QR code, never a Micro QR: phone cameras read
    only the full kind), sized by its container (viewBox, no width/height)."""
    code = segno.make_qr(text, error=ERROR_LEVEL, boost_error=False)
    svg = code.svg_inline(omitsize=True, border=4, svgclass="qr-code", lineclass=None,
                          title=title or None, dark="#000", light="#fff")
    # An image with its <title> as its name for screen readers (axe: svg-img-alt).
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
