"""The settings page refuses a value out of its bounds next to the value field, saving and
auditing nothing; a value within them saves and is audited (INPUT-1, SCORE-2/6, LEAVE-1,
AUDIT-1)."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import select

from models.audit import AuditLog
from models.settings import RuleSetting

# The message FAB renders under the field, right after the value input.
VALUE_ERROR = re.compile(r'<input id="value" name="value"[^>]*>\s*<span class="help-block">'
                         r'</span>\s*<div class="alert alert-danger">\s*(.*?)\s*</div>', re.S)
NOTE = ("The category maxima now add up to %(total)s, not 100: change the others so that the "
        "monthly score is out of 100 again.")


def setting(db_session, key: str) -> RuleSetting:
    db_session.expire_all()
    return db_session.scalars(select(RuleSetting).where(RuleSetting.key == key)).one()


def audited(db_session) -> list[AuditLog]:
    db_session.expire_all()
    return db_session.scalars(select(AuditLog).where(AuditLog.model == "RuleSetting")
                              .order_by(AuditLog.id)).all()


def shown(app, msgid: str, **params) -> str:
    """The message as the page shows it: in the page's language (zh_CN), HTML-escaped."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh_CN"):
        return html.escape(gettext(msgid) % params, quote=False)


def edit(actor, db_session, key: str, value: str):
    return actor.post_form(f"/rulesettingview/edit/{setting(db_session, key).id}",
                           {"value": value})


@pytest.mark.parametrize("key, value, msgid, params", [
    ("grade.excellent", "70",
     "The grade thresholds run excellent ≥ competent ≥ basic: enter a number from %(low)s to "
     "%(high)s.", {"low": "75", "high": "110"}),
    # The range left by the other nine categories (90 of the 100 points).
    ("score.m3_max", "-5",
     "Enter a number from %(low)s to %(high)s with at most one decimal place.",
     {"low": "0", "high": "10"}),
    ("grade.excellent_share", "500",
     "Enter a number from %(low)s to %(high)s with at most one decimal place.",
     {"low": "0", "high": "100"}),
    ("score.m9_max", "10",
     "The category maxima add up to at most 100 (the other categories have %(taken)s): enter a "
     "number from %(low)s to %(high)s.", {"taken": "95", "low": "0", "high": "5"}),
    ("att.summer_am_end", "07:30",
     "Summer hours run in order (morning start, morning end, afternoon start, afternoon end): "
     "enter a time from %(low)s to %(high)s.", {"low": "08:01", "high": "15:00"}),
    ("att.summer_starts", "13-40", "Enter a month and day as MM-DD, e.g. 05-01.", {}),
    ("case.max_extension_days", "0", "Enter a whole number from %(low)s to %(high)s.",
     {"low": "1", "high": "60"}),
    ("leave.max_attachment_mb", "40",
     "A certificate must fit in one upload of at most %(limit)s MB (the system's upload limit), "
     "with 1 MB left for the rest of the form: enter a whole number from %(low)s to %(high)s.",
     {"limit": 32, "low": "1", "high": "31"}),
])
def test_input_1_a_value_out_of_bounds_shows_next_to_the_field_and_saves_nothing(
        app, as_admin, db_session, key, value, msgid, params):
    before = setting(db_session, key).value
    response = edit(as_admin, db_session, key, value)
    assert response.status_code == 200
    assert VALUE_ERROR.findall(response.get_data(as_text=True)) == [shown(app, msgid, **params)]
    assert setting(db_session, key).value == before
    assert audited(db_session) == []


def test_score_6_a_value_within_bounds_saves_and_is_audited(as_admin, db_session):
    response = edit(as_admin, db_session, "grade.excellent", "85.5")
    assert response.status_code == 302
    assert setting(db_session, "grade.excellent").value == "85.5"
    (entry,) = audited(db_session)
    assert entry.username == as_admin.user.username
    assert json.loads(entry.changes) == {"value": ["90", "85.5"]}


def test_score_2_a_number_is_stored_in_plain_notation(as_admin, db_session):
    assert edit(as_admin, db_session, "score.bonus_cap", "5E+0").status_code == 302
    assert setting(db_session, "score.bonus_cap").value == "5"


def test_score_2_lowering_a_category_saves_and_says_the_sum_is_below_100(app, as_admin,
                                                                         db_session):
    response = edit(as_admin, db_session, "score.m8_max", "10")
    assert response.status_code == 302
    assert setting(db_session, "score.m8_max").value == "10"
    page = as_admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert shown(app, NOTE, total="95") in page
    # Raising another by the points left brings the month back to 100: no note then.
    response = edit(as_admin, db_session, "score.m9_max", "10")
    assert response.status_code == 302
    page = as_admin.client.get(response.headers["Location"]).get_data(as_text=True)
    before_total, _after = shown(app, NOTE, total="\x00").split("\x00")
    assert before_total not in page
    assert [json.loads(e.changes) for e in audited(db_session)] == [
        {"value": ["15", "10"]}, {"value": ["5", "10"]}]


def test_leave_1_the_attachment_bound_follows_the_request_limit(app, as_admin, db_session,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024 * 1024)
    assert edit(as_admin, db_session, "leave.max_attachment_mb", "40").status_code == 302
    assert setting(db_session, "leave.max_attachment_mb").value == "40"


def test_roster_1_the_rota_mode_is_edited_in_words_not_day_or_week(app, as_admin, db_session):
    """Issue #20: the edit form shows 每个工作日一人 / 每周一人 and takes them back as the stored
    value; a wrong one is refused naming the choices in words — never "day, week"."""
    url = f"/rulesettingview/edit/{setting(db_session, 'roster.mode').id}"
    form = as_admin.get(url).get_data(as_text=True)
    assert re.search(r'<input id="value" name="value"[^>]*value="每个工作日一人"', form), form
    response = edit(as_admin, db_session, "roster.mode", "每周一人")
    assert response.status_code == 302
    assert setting(db_session, "roster.mode").value == "week"
    assert json.loads(audited(db_session)[-1].changes) == {"value": ["day", "week"]}
    response = edit(as_admin, db_session, "roster.mode", "fortnight")
    assert response.status_code == 200
    [message] = VALUE_ERROR.findall(response.get_data(as_text=True))
    assert "每个工作日一人" in message and "每周一人" in message
    assert "day" not in message and "week" not in message
    assert setting(db_session, "roster.mode").value == "week"
    assert edit(as_admin, db_session, "roster.mode", "day").status_code == 302  # the stored word
    assert setting(db_session, "roster.mode").value == "day"
