"""Printing in the browser (NOTICE-2): a real item's list of materials, the screenshots of a
printable document on screen and on paper and the number of pages of its A4 PDF
(tests/e2e/test_print.py, tests/e2e/test_provisional_deadline.py)."""

from __future__ import annotations

import re

# A page object of the PDF's page tree ("/Type /Pages" is the tree's node, not a page).
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
MM = 96 / 25.4  # CSS pixels per millimetre
A4 = {"width": round(210 * MM), "height": round(297 * MM)}
# A real item's list: the one-time notice and the receipt then have several rows.
MATERIALS = (("居民身份证", "original", True), ("居民户口簿", "original_and_copy", True),
             ("房屋租赁合同或房屋产权证明", "copy", True), ("近期一寸免冠彩色照片", "original", True),
             ("居住证申领登记表", "original", True), ("单位劳动合同", "copy", False))


def pdf_pages(pdf: bytes) -> int:
    return len(PDF_PAGE.findall(pdf))


def print_pages(page, shot, kind: str) -> int:
    """Screenshots of `kind` on screen and on paper; the number of pages of its A4 PDF."""
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    toolbar = page.locator(".toolbar button")
    assert toolbar.is_visible(), f"{kind}: no print button"
    shot(page, f"print-{kind}")

    page.emulate_media(media="print")
    assert not toolbar.is_visible(), f"{kind}: the print button would be printed"
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")

    # What the paper shows: the @page margins as padding on an A4-sized viewport.
    page.set_viewport_size(A4)
    style = page.add_style_tag(content="body { padding: 18mm; }")
    shot(page, f"print-{kind}-paper")
    style.evaluate("node => node.remove()")
    page.emulate_media(media="screen")
    return pdf_pages(pdf)
