"""Form fields shared by several views."""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional

from app.views.choices import choices


def select_field(label, labels: dict, required: bool = True) -> SelectField:
    """A drop-down over coded values with translated labels."""
    return SelectField(
        label,
        choices=choices(labels),
        coerce=str,
        validators=[DataRequired()] if required else [Optional()],
        widget=Select2Widget(),
    )
