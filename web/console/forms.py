"""Console forms: reporting on patrol (the citizen's form plus "handled on the spot")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional

from web.portal.forms import ReportForm


class PatrolReportForm(ReportForm):
    self_handle = BooleanField(
        _l("I handled it on the spot"),
        description=_l("Only for items a grid worker may resolve alone (自处)."),
    )
    handled_note = TextAreaField(_l("What you did"), validators=[Optional(), Length(max=1000)])
