"""One case story that gives every printable document of a case (NOTICE-1/2, CASE-5/12,
NEG-1): a case accepted on Monday 2026-11-02, extended, suspended, resumed, approved and
delivered; a refused one with its refusal report; a supplement case (the one-time notice)
and a returned one (tests/views/test_printing.py, tests/e2e/test_print.py and others)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.actor import Actor
from app.rules import case_states as cs
from app.services.cases import Applicant, Intake, apply_action, register_intake
from app.services.refusals import file_report
from models.cases import Case
from tests.factories import ID_NUMBER, RESIDENCE_MATERIALS, clock_on, residence_permit_item

# NOTICE-1: what a page and a printed document say while the year's official holidays are
# not published (tests/views/test_provisional_deadlines.py, tests/e2e/test_provisional_deadline.py).
PROVISIONAL_SENTENCE = "本年度放假安排尚未公布，期限按法定节假日推算，以正式安排为准"
PHONE = "13912345678"
DOCUMENTS = ("acceptance", "receipt", "one_time", "return", "extension", "special_procedure",
             "delivery", "refusal_report")


clock = clock_on


def make_item(session, window, materials=RESIDENCE_MATERIALS):
    """The residence-permit item of `window` with `materials`."""
    return residence_permit_item(session, window, materials=materials)


def intake(session, item, actor: Actor, case_class="accepted", received=None, **extra) -> Case:
    """A case of `item` taken in on 2026-11-02 (all materials unless `received` says)."""
    received = {m.id: m.copies for m in item.materials} if received is None else received
    case = register_intake(
        session,
        Intake(item_id=item.id, case_class=case_class, received=received, request="申领居住证",
               fee_amount=Decimal("20.00") if case_class == "accepted" else None,
               applicant=Applicant(name="赵六", id_number=ID_NUMBER, phone=PHONE,
                                   address="江苏省南通市崇川区人民路1号"), **extra),
        actor, clock(date(2026, 11, 2)))
    session.commit()
    return case


def story(session, item, actor: Actor) -> dict[str, Case]:
    """The cases that between them have every printable document, by document kind."""
    full = intake(session, item, actor)
    for day, action, params in [
        (date(2026, 11, 3), cs.START, {}),
        (date(2026, 11, 4), cs.EXTEND, {"extension_days": 3, "reason": "需赴现场核查房屋租赁情况"}),
        (date(2026, 11, 5), cs.SUSPEND, {"procedure": "专家评审", "reason": "房屋用途需专家认定"}),
        (date(2026, 11, 9), cs.RESUME, {}),
        (date(2026, 11, 16), cs.APPROVE, {"note": "居住证（编号 320601-0001）"}),
        (date(2026, 11, 17), cs.DELIVER, {"collector": "钱七（代领）", "rating": "satisfied"}),
    ]:
        apply_action(session, full, action, actor, clock(day), **params)
    session.commit()

    refused = intake(session, item, actor)
    apply_action(session, refused, cs.REFUSE, actor, clock(date(2026, 11, 3)),
                 note="不符合居住证申领条件", objected=True)
    file_report(session, refused, {
        "applicant_unit": "南通某物流有限公司", "request": "为其在本镇暂住的员工申领居住证",
        "reason": "申请人在本镇居住未满半年", "legal_basis": "《居住证暂行条例》第二条",
    }, actor, date(2026, 11, 3))
    session.commit()

    first, second = item.materials[0], item.materials[1]
    supplement = intake(session, item, actor, case_class="supplement", received={first.id: 1},
                        defective={first.id: "复印件不清晰，请提供原件"})
    returned = intake(session, item, actor, case_class="returned", received={second.id: 1},
                      return_reason="缺少主件：申请人身份证")
    return {"acceptance": full, "receipt": full, "extension": full, "special_procedure": full,
            "delivery": full, "refusal_report": refused, "one_time": supplement,
            "return": returned}
