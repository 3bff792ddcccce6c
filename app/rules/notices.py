"""告知单与回执 — the documents a case produces, and which of them it can print (NOTICE-1,
NOTICE-2, NEG-1). The kinds are named here once; services issue them, views print them.
"""

from __future__ import annotations

from collections.abc import Collection

ACCEPTANCE = "acceptance"  # 受理通知书
RECEIPT = "receipt"  # 收件清单 (materials received, CASE-1)
ONE_TIME = "one_time"  # 一次性告知单 (NOTICE-1)
RETURN = "return"  # 退回通知 (退回件, CASE-2)
EXTENSION = "extension"  # 延期办结通知书 (CASE-5)
SPECIAL_PROCEDURE = "special_procedure"  # 特别程序告知 (CASE-12)
DELIVERY = "delivery"  # 送达凭证 (CASE-4)
REFUSAL_REPORT = "refusal_report"  # 否定报备表 (NEG-1): the report's document, not a notice row

# NOTICE-2: the documents a case produces, in the order of its life.
NOTICE_KINDS = (ACCEPTANCE, RECEIPT, ONE_TIME, RETURN, EXTENSION, SPECIAL_PROCEDURE, DELIVERY)
# Issued by an action of the case (a CaseNotice row of the kind) and printed from that row.
ISSUED_NOTICES = (ONE_TIME, RETURN, EXTENSION, SPECIAL_PROCEDURE, DELIVERY)
DOCUMENT_KINDS = NOTICE_KINDS + (REFUSAL_REPORT,)


def printable_documents(accepted: bool, has_materials: bool, issued: Collection[str],
                        has_refusal_report: bool) -> list[str]:
    """NOTICE-2: the documents a case can print, in the order of its life.

    An acceptance notice and a receipt once accepted; a receipt alone when materials came in
    but the case was not accepted (a return); each notice an action issued; the refusal
    report once filed (NEG-1).
    """
    documents = [ACCEPTANCE, RECEIPT] if accepted else [RECEIPT] if has_materials else []
    documents += [kind for kind in ISSUED_NOTICES if kind in issued]
    if has_refusal_report:
        documents.append(REFUSAL_REPORT)
    return documents
