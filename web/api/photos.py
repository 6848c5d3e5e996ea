"""An event's photos: add them (multipart/form-data) and fetch each file.

Who may add: those who see the event as themselves (its reporter, staff in their area, the
department handling it) and a channel key for the events reported through its channel, inside
its area limit — the grid plugin applies the rule. Every file is checked (JPEG, PNG or WebP by
its first bytes, the size limit) before anything is stored. Who may fetch: the same people,
and the channel key it came through.
"""

from __future__ import annotations

from flask import Response, request, send_file

from core.errors import NotFound
from core.identity.roles import SYSTEM
from plugins.grid import api as grid
from web.api import api
from web.api.credentials import current
from web.api.events import Event, channel_of, read
from web.api.problems import ApiProblem
from web.api.spec import ID
from web.database import db

FIELD = "photos"
TYPES = ("image/jpeg", "image/png", "image/webp")


def _files() -> list[tuple[str, bytes]]:
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, f"send the photos as multipart/form-data, each file in the field "
                              f"'{FIELD}'")
    others = sorted(set(request.files) - {FIELD})
    if others:
        raise ApiProblem(422, f"files belong in the field '{FIELD}', not {', '.join(others)}",
                         errors={name: f"send this file in the field '{FIELD}'"
                                 for name in others})
    files = request.files.getlist(FIELD)
    if not files:
        raise ApiProblem(422, "no photo was sent",
                         errors={FIELD: "attach at least one JPEG, PNG or WebP file"})
    return [(f.filename or f"photo{i}", f.read()) for i, f in enumerate(files, 1)]


@api.route(f"/events/<{ID}:event_id>/photos", "POST", summary="Add photos to an event",
           tag="events", scope="events:write", upload=FIELD, upload_types=TYPES,
           response=Event, etag=True)
def add_photos(event_id: int) -> Event:
    """Attach one or more photos (JPEG, PNG or WebP, up to the size limit each) to an open
    event, as multipart/form-data in the field ``photos``. Its reporter, staff who may see
    it, or the channel key it was reported through may add them. If any file is wrong,
    none is stored and the problem names it."""
    who = current()
    read(event_id, with_actions=False)  # 404 outside what the caller may see
    files = _files()
    via = None
    if who.kind == "key" and who.actor is not None and who.actor.person_id is None:
        via = channel_of(who)
    grid.add_photos(db(), who.actor, event_id, files, via_channel=via)
    return read(event_id, with_actions=False)


@api.route(f"/events/<{ID}:event_id>/photos/<name>", summary="An event's photo",
           tag="events", scope="events:read", response=None, binary=TYPES)
def get_photo(event_id: int, name: str) -> Response:
    """The photo file, for those who see the event as themselves and for the channel key it
    was reported through."""
    who = current()
    event = read(event_id, with_actions=False)  # 404 outside what the caller may see
    try:
        found = grid.photo(db(), who.actor, event_id, name)
    except NotFound:
        if who.kind != "key" or event.channel != channel_of(who):
            raise
        found = grid.photo(db(), SYSTEM, event_id, name)
    return send_file(found.path, mimetype=found.content_type, max_age=3600, conditional=True)
