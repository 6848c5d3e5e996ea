"""A destructive action is never one tap away: withdrawing an application stays folded
until the citizen opens it (opening it is the confirmation), even when it is the only
action on the page."""

from __future__ import annotations

import re

from webclient import post

ITEM = "veterans.preferential-card"


def test_withdraw_is_folded_on_the_citizens_application(client, login):
    login(client, "citizen1")
    r = post(client, f"/services/{ITEM}/apply", token_from=f"/services/{ITEM}")
    app_id = re.search(r"/applications/(\d+)/", r.headers["Location"]).group(1)
    html = client.get(f"/my/applications/{app_id}").get_data(as_text=True)
    opening = re.search(r'<details[^>]*id="act-withdraw"[^>]*>', html)
    assert opening, "withdraw is not offered"
    assert " open" not in opening.group(0)
