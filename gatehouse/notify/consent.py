"""The signed link a host answers a visitor's consent request from (issue 16 §4): sent by SMS
and on the console, it opens without a login. It names the request and its host, signed with
the site's secret key (Django's signer, its own salt); it is good for one answer — a request
answered (or timed out) takes no second one — and never after :data:`MAX_AGE`."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from gatehouse.visitors.models import GateRequest

SALT = "gatehouse.notify.consent"
MAX_AGE = timedelta(hours=24)


def consent_path(request: GateRequest) -> str:
    token = signing.dumps({"r": request.pk, "h": request.host_id}, salt=SALT, compress=False)
    return reverse("notify:consent", args=[token])


def request_of(token: str) -> GateRequest | None:
    """The request a link names, when its signature holds, it is not too old and the request
    still has the host the link was made for; otherwise None."""
    try:
        claim = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(claim, dict) or not claim.get("h"):
        return None
    return (
        GateRequest.objects.filter(pk=claim.get("r"), host_id=claim["h"])
        .select_related("site", "host", "visit", "lane__gate")
        .first()
    )
