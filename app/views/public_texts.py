"""The public pages' fixed sentences, translated once per language (issue #21).

The templates under app/templates/public/ read their sentences as `t["English msgid"]`, and
`t["… %(name)s …"] % {"name": value}` where a value goes in, from `public_texts()`: the
translations of `PUBLIC_TEXTS`, made once per catalogue and kept.

Why a table beside app/i18n.py's fast `_()` (checked again after it, issue #21): that `_()` is
still a Jinja call with its context, the request's translations found, the catalogue asked and
the answer wrapped — about 22 Python calls a sentence, where `t[…]` is one look-up; and these
pages show many sentences, the guide two per item (111 on the demo's 42 items). Against the same
templates with `_()` (bench/bench_public_pages.py, bench/RESULTS.md 2026-12-08), the table makes
per request: guide 8,819 calls instead of 11,253 (−22 %, median 2.0 ms instead of 2.3), an item
4,921 instead of 6,233 (−21 %), the lookup form 2,580 instead of 2,902 (−11 %), a found case
3,300 instead of 3,777 (−13 %); −5 to −14 % of their in-process time (p10, median); same HTML.

Same output as `_()`: Jinja's autoescaping `_()` answers `Markup(translation) % values`, and so
do these (the translation is trusted as the catalogue's; the values are escaped by `%`).
`PUBLIC_TEXTS` is also what `pybabel extract` reads them from (keyword `N_`);
tests/views/test_public_texts.py checks that every `t[…]` of the templates is listed here.
"""

from __future__ import annotations

from markupsafe import Markup

from app.i18n import request_translations
from app.rules.case_states import STATE_LABELS
from app.rules.errors import N_
from app.rules.intake import PUBLIC_LEVEL_LABELS

PUBLIC_TEXTS = (
    # public/base.html — the frame of every public page
    N_("Skip to main content"),
    N_("Service guide"),
    N_("Case progress"),
    N_("Staff login"),
    N_("Address"),
    N_("Opening hours"),
    N_("Service phone"),
    N_("Complaint phone"),
    # public/progress.html — the progress lookup (CASE-4, CASE-11)
    N_("Too many lookups."),
    N_("For the safety of applicants' information, lookups from one network are limited. "
       "Please wait a minute and try again."),
    N_("You can also call us at %(phone)s."),
    N_("Case number"),
    N_("Service item"),
    N_("Window"),
    N_("State"),
    N_("Accepted on"),
    N_("Not accepted yet"),
    N_("Deadline"),
    N_("Next step"),
    N_("Please bring the following materials to window %(window)s; your case will be accepted "
       "once they are complete:"),
    N_("Your materials have been received and are being checked before acceptance."),
    N_("Your case is being handled and will be done by %(deadline)s."),
    N_("The time limit of your case has been extended; it will be done by %(deadline)s."),
    N_("A special procedure (such as an inspection or expert review) is under way. Its time "
       "does not count towards the limit, and the deadline will move accordingly."),
    N_("The decision has been made. Please collect the result at window %(window)s."),
    N_("The decision has been made. Please collect the written decision, with its reasons, at "
       "window %(window)s."),
    N_("Your case has been reviewed and forwarded to the higher authority. Window %(window)s "
       "will tell you when the result can be collected."),
    N_("The result has been delivered. Thank you for using our services."),
    N_("The application was returned; the written return notice gives the reason. You are "
       "welcome to apply again at window %(window)s with the required materials."),
    N_("This matter is handled by another unit: %(unit)s."),
    N_("This was a consultation. To apply, bring the materials listed in the service guide to "
       "window %(window)s."),
    N_("The application was withdrawn."),
    N_("The case is closed."),
    N_("Thank you for rating our service."),
    N_("Rate our service"),
    N_("Look up another case"),
    N_("Enter the case number from your acceptance notice and the phone number you gave at the "
       "counter."),
    N_("This rating form is no longer valid. Look up the case again to rate it."),
    N_("No case matches this case number and phone number. Check both and try again, or ask at "
       "the service desk."),
    N_("Applicant's phone number"),
    N_("Look up"),
    *STATE_LABELS.values(),  # the case's state (CASE-4)
    # public/_rating_fields.html — the rating form of the lookup and of the scan page (CASE-11)
    N_("How satisfied are you with the service?"),
    *PUBLIC_LEVEL_LABELS.values(),
    N_("Opinion (optional)"),
    N_("Submit rating"),
    # public/rate.html — the rating by scan (CASE-11)
    N_("Too many attempts."),
    N_("For the safety of applicants' information, answers from one network are limited. "
       "Please wait a minute and try again."),
    N_("This rating link is not valid. Scan the code on your delivery receipt again, or ask at "
       "the service desk."),
    N_("This case has already been rated. Each case is rated once. Thank you."),
    N_("A case is rated when its result has been delivered."),
    # public/guide.html — the service guide (GUIDE-1)
    N_("Every service item of the center, with its procedure, materials, time limits and "
       "fees."),
    N_("Already applied? Look up the progress of your case"),
    N_("Search items, windows or departments"),
    N_("Search"),
    N_("No service item matches."),
    N_("Done on the spot"),
    N_("Promised: %(days)s working days"),
    N_("Free"),
    N_("Fee: %(amount)s yuan"),
    # public/item.html — one item of the guide (GUIDE-1)
    N_("Item code"),
    N_("Item kind"),
    N_("Legal basis"),
    N_("Conditions"),
    N_("Procedure"),
    N_("Promised limit (working days)"),
    N_("Statutory limit (working days)"),
    N_("Fees"),
    N_("%(amount)s yuan"),
    N_("Fee basis"),
    N_("Online application"),
    N_("Yes"),
    N_("No"),
    N_("Appointment available"),
    N_("Required materials"),
    N_("Material"),
    N_("Original or copy"),
    N_("Copies"),
    N_("Mandatory"),
    N_("Note"),
    N_("No materials are required."),
)

_KEPT: dict = {}  # the request's translations (one object per catalogue) → their texts
_KEPT_MAX = 32  # catalogues are few (one per language and app); more means apps come and go


def public_texts() -> dict[str, Markup]:
    """`PUBLIC_TEXTS` in the request's language: English msgid → translation, as `_()` gives
    it (Markup), made once per catalogue."""
    translations = request_translations()
    texts = _KEPT.get(translations)
    if texts is None:
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        texts = _KEPT[translations] = {
            msgid: Markup(translations.ugettext(msgid)) for msgid in PUBLIC_TEXTS}
    return texts


def translated_labels(labels: dict) -> dict:
    """A dict of lazily translated labels (app/views/choices.py) in the request's language,
    made once per catalogue and dict (a lazy string is translated anew at every use)."""
    translations = request_translations()
    key = (translations, id(labels))
    kept = _KEPT.get(key)
    if kept is None or kept[0] is not labels:
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        kept = _KEPT[key] = (labels, {code: Markup(str(label)) for code, label in labels.items()})
    return kept[1]


def frame_languages(languages: dict, locale: str) -> tuple:
    """The language switch of public/base.html: (code, HTML lang, name, whether offered) of
    each of `languages` (app.config["LANGUAGES"]); offered are those of another language than
    `locale`'s — languages, not full codes: Babel names zh_CN zh_Hans_CN. Kept per locale."""
    key = (id(languages), locale)
    shown = _KEPT.get(key)
    if shown is None or shown[0] is not languages:
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        language = locale.split("_")[0]
        shown = _KEPT[key] = (languages, tuple(
            (code, code.replace("_", "-"), entry["name"], code.split("_")[0] != language)
            for code, entry in languages.items()))
    return shown[1]
