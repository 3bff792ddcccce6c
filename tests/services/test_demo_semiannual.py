"""The demo's semi-annual assessment (SCORE-5/6): the first half computed from the demo's
meetings, with the office's entries and praises, confirmed — and left alone on a second run;
civil servants and public-institution staff graded on their own scales."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.demo import create_demo_center
from app.demo.meetings import create_demo_meetings
from app.demo.org import WINDOWS
from app.demo.semiannual import create_demo_semiannual
from app.rules.scoring import GRADE_NAMES, assessment_bonus_eligible
from models.org import Staff
from models.semiannual import SemiannualAssessment, SemiannualEntry, SemiannualItem

TODAY = date(2026, 8, 3)


def test_score_6_demo_grade_list_shows_both_scales_and_one_without_assessment_bonus(app,
                                                                                   db_session):
    """SCORE-6: the demo's second window seats are public-institution staff, graded on
    优秀/合格/基本合格/不合格 beside the civil servants' 优秀/称职/基本称职/不称职; one of them is at
    the lowest grade and gets no assessment bonus."""
    create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")
    db_session.commit()
    create_demo_semiannual(db_session, TODAY)
    db_session.commit()
    entries = db_session.scalars(select(SemiannualEntry)).all()
    scales = {scale: {e.grade for e in entries if e.staff_category == scale}
              for scale in ("civil_servant", "institution")}
    assert scales["civil_servant"] and scales["civil_servant"] <= set(GRADE_NAMES["civil_servant"])
    assert scales["institution"] and scales["institution"] <= set(GRADE_NAMES["institution"])
    institution = db_session.scalars(select(Staff).where(Staff.category == "institution")).all()
    assert {s.employee_no[-2:] for s in institution} == {"02"}  # every window's second seat
    assert len(institution) == len(WINDOWS)
    without = [e for e in entries if assessment_bonus_eligible(e.grade) is False]
    assert [(e.staff_category, e.grade) for e in without] == [("institution", "unqualified")]
    assert without[0].total < 60 and without[0].notes

def test_score_5_demo_semiannual_assessment_is_graded_and_confirmed(app, db_session):
    create_demo_center(db_session, app.appbuilder.sm, "Demo#Pass1234")
    db_session.commit()
    create_demo_meetings(db_session, date(2026, 6, 30))
    db_session.commit()
    first = create_demo_semiannual(db_session, TODAY)
    db_session.commit()
    assessment = db_session.get(SemiannualAssessment, first)
    assert (assessment.year, assessment.half, assessment.state) == (2026, 1, "confirmed")
    entries = db_session.scalars(select(SemiannualEntry)).all()
    # SCORE-5: the leadership (director, deputy, secretary, town head) is assessed by the town.
    elsewhere = db_session.scalars(select(Staff).where(Staff.assessed_elsewhere.is_(True))).all()
    assert {s.unit for s in elsewhere} == {"leadership"} and len(elsewhere) == 4
    assert len(entries) == db_session.scalar(select(func.count()).select_from(Staff)) - 4
    assert not {e.staff_id for e in entries} & {s.id for s in elsewhere}
    assert all(e.grade and e.total is not None for e in entries)
    kinds = set(db_session.scalars(select(SemiannualItem.kind)))
    assert {"manual_de", "manual_neng", "innovation", "praise_written", "meeting_absent",
            "reporting"} <= kinds
    reporting = db_session.scalars(select(SemiannualItem.points).where(
        SemiannualItem.kind == "reporting")).all()  # 信息报送: a person or two reported late
    assert len(reporting) == 2 and all(-2 <= points < 0 for points in reporting)
    excellent = sum(e.grade == "excellent" for e in entries)
    assert 0 < excellent <= len(entries) * 0.2 + 1
    for scale in ("civil_servant", "institution"):  # the 优秀 share holds per scale
        people = [e for e in entries if e.staff_category == scale]
        assert sum(e.grade == "excellent" for e in people) <= int(len(people) * 0.2)
    items = db_session.scalar(select(func.count()).select_from(SemiannualItem))
    assert create_demo_semiannual(db_session, TODAY) == first
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(SemiannualItem)) == items
