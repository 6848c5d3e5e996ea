"""Forms shared by several blueprints (each blueprint keeps its own in its ``forms.py``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(_l("Enter your username")), Length(max=80)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password"))]
    )


class ButtonForm(FlaskForm):
    """A form with no fields: a POST button carrying only the CSRF token."""
