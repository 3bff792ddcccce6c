"""What the 否定报备 page tests share (NEG-1..3): the applicant's ID number, the seeding actor
and a report's form values. Their fixtures (`item_of`, `decided_case`) are in
tests/views/conftest.py."""

from __future__ import annotations

from app.actor import Actor

ID_NUMBER = "11010519491231002X"
SEED = Actor(username="seed")
REPORT = {"applicant_unit": "", "applicant_name": "钱七", "applicant_id_number": ID_NUMBER,
          "applicant_phone": "13912345678", "applicant_address": "人民路1号",
          "request": "申请食品经营许可", "reason": "经营场所不符合要求",
          "legal_basis": "《食品经营许可和备案管理办法》第十二条"}
