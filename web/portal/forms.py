"""Portal forms. The application steps are built from each item's JSON Schema instead
(``web.portal.schemaform``), so one template serves every item."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

LEVEL_CHOICES = [("", _l("All levels")), ("city", _l("City")), ("district", _l("District")),
                 ("street", _l("Street or town"))]


class SearchForm(FlaskForm):
    q = StringField(_l("Search for a service"), validators=[Optional(), Length(max=100)])
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, validators=[Optional()])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=40)])
    district = StringField(_l("District code"), validators=[Optional(), Length(max=6)])


class ReportForm(FlaskForm):
    """A problem reported by a citizen (or by staff on patrol, with an item chosen)."""

    # the grid plugin checks the code (and which items citizens report) and says which is
    # wrong, so the 250-odd choices are not walked again on every submission
    item_code = SelectField(_l("What kind of problem is it?"), validate_choice=False,
                            validators=[DataRequired(_l("Choose the kind of problem"))])
    description = TextAreaField(
        _l("Describe the problem"),
        validators=[DataRequired(_l("Describe the problem in a sentence or two")),
                    Length(min=4, max=1000, message=_l("Use 4 to 1000 characters"))],
        description=_l("What is wrong, and since when."),
    )
    address = StringField(_l("Address or landmark"), validators=[Optional(), Length(max=300)],
                          description=_l("A street address or a landmark, if you know it."))
    lon = DecimalField(_l("Longitude"), places=6, validators=[
        DataRequired(_l("Put a pin on the map (or enter the coordinates)")),
        NumberRange(-180, 180)])
    lat = DecimalField(_l("Latitude"), places=6, validators=[
        DataRequired(_l("Put a pin on the map (or enter the coordinates)")),
        NumberRange(-90, 90)])
    photos = MultipleFileField(_l("Photos"), description=_l("Up to 5 photos, 5 MB each."))


class RateForm(FlaskForm):
    score = SelectField(_l("How was the service?"), choices=[
        ("5", _l("5 – very satisfied")), ("4", _l("4 – satisfied")), ("3", _l("3 – acceptable")),
        ("2", _l("2 – dissatisfied")), ("1", _l("1 – very dissatisfied"))],
        validators=[DataRequired(_l("Choose a rating"))])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
