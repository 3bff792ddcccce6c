"""Form fields shared by several views."""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from app.views.choices import choices


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
