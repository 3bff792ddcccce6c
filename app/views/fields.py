"""Form fields shared by several views."""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.forms import DynamicForm
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeField, SelectField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import TextInput

from app.views.choices import choices

# Issue #19: dates in the center's format (2026-10-13) and 24-hour times whatever the browser's
# language. A native <input type=date> or datetime-local shows the browser's own format
# (mm/dd/yyyy, hh:mm AM/PM on an English browser), so these are text inputs that carry the
# value as the server writes and reads it; app/static/js/dates.js adds the offline picker.
DAY_FORMAT = "%Y-%m-%d"
MINUTE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


class DayInput(TextInput):
    """A day typed or picked as yyyy-mm-dd (the picker: `data-day-picker`)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("placeholder", str(_l("yyyy-mm-dd")))
        kwargs.setdefault("maxlength", 10)
        kwargs["data-day-picker"] = ""
        return super().__call__(field, **kwargs)


class MinuteInput(TextInput):
    """A date and 24-hour time typed as yyyy-mm-dd hh:mm; the picker fills the date part."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("placeholder", str(_l("yyyy-mm-dd hh:mm")))
        kwargs.setdefault("maxlength", 19)
        kwargs["data-minute-picker"] = ""
        return super().__call__(field, **kwargs)


class DayField(DateField):
    """A date field shown and read as 2026-10-13 in every browser (issue #19)."""

    widget = DayInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", DAY_FORMAT)
        super().__init__(label, validators, **kwargs)


class MinuteField(DateTimeField):
    """A date and time shown as 2026-10-13 09:30 (24-hour) in every browser (issue #19); the
    ISO form with a T (what a datetime-local input posted) is still read."""

    widget = MinuteInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", list(MINUTE_FORMATS))
        super().__init__(label, validators, **kwargs)


class LabelledForm(DynamicForm):
    """A form whose every control carries its label as its accessible name (issue #19, axe-core
    `label` / `select-name`), also where a page draws the control in a table cell without a
    <label> of its own (the intake's materials and joint-case rows). A <label for> drawn by
    bianmin/_form_field.html names the control too; the two say the same."""

    class Meta:
        def render_field(self, field, render_kw):
            hidden = getattr(field.widget, "input_type", None) == "hidden"
            named = "aria-label" in render_kw or "aria-labelledby" in render_kw
            if not hidden and not named and field.label and field.label.text:
                render_kw = {**render_kw, "aria-label": str(field.label.text)}
            return super().render_field(field, render_kw)


def select_field(label, labels: dict, required: bool = True, default=None) -> SelectField:
    """A drop-down over coded values with translated labels (`default` when none is posted)."""
    return SelectField(
        label,
        choices=choices(labels),
        default=default,
        coerce=str,
        validators=[DataRequired()] if required else [Optional()],
        widget=Select2Widget(),
    )
