"""Admin forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from web.ui import ROLE_LABELS


class AccountForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(_l("Enter a username")), Length(max=80)])
    display_name = StringField(_l("Name shown"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    scope_code = StringField(
        _l("Area code"), validators=[Optional(), Regexp(r"^\d{6,15}$", message=_l(
            "An area code has 6 to 15 digits, e.g. 120101001"))],
        description=_l("Staff act within this area and everything below it."),
    )
    department_code = StringField(_l("Department code"), validators=[Optional(), Length(max=40)],
                                  description=_l("Department handlers only."))
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a password")), Length(min=8, message=_l(
            "The password needs at least 8 characters"))])


class RouteForm(FlaskForm):
    item_code = StringField(_l("Item code"), validators=[DataRequired(_l("Enter an item code"))])
    area_code = StringField(_l("Area code"), validators=[
        DataRequired(_l("Enter an area code")), Regexp(r"^\d{6,15}$", message=_l(
            "An area code has 6 to 15 digits, e.g. 120101001"))])
    department_code = StringField(_l("Department code"), validators=[
        DataRequired(_l("Enter a department code"))])


class DeleteRouteForm(FlaskForm):
    """One row's delete button: which rule."""

    item_code = HiddenField(validators=[DataRequired()])
    area_code = HiddenField(validators=[DataRequired()])
