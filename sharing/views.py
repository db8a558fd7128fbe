"""The share page ``/s/<token>/``: a read-only, live view of one map, no login;
and the page where owners and editors manage a map's links.

The token opens the page and the ticket endpoint only; the socket gets a fresh
one-use ticket per (re)connect, so the token never travels in a socket URL.
Unknown, revoked and expired tokens all answer 404, and every wrong token counts
against the client address (``SHARE_TOKEN_RATE_LIMIT`` per
``SHARE_TOKEN_RATE_WINDOW_SECONDS``), so guessing is throttled.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from journeymap import ratelimit
from journeymap.strict import is_uuid
from maps.editor_strings import editor_strings
from maps.errors import OpError
from maps.live import tickets
from maps.models import JourneyMap, Lane, Role, ShareLink, Team
from maps.selectors import map_role, viewer_document
from sharing import links as sharing


class Throttled(Exception):
    def __init__(self, wait: int) -> None:
        self.wait = wait


def _limits() -> tuple[int, int]:
    return (int(getattr(settings, "SHARE_TOKEN_RATE_LIMIT", 30)),
            int(getattr(settings, "SHARE_TOKEN_RATE_WINDOW_SECONDS", 60)))


def _link(request: HttpRequest, token: str) -> ShareLink | None:
    limit, window = _limits()
    key = "share:" + ratelimit.client_address(request.META)
    wait = ratelimit.blocked(key, limit, window)
    if wait is not None:
        raise Throttled(wait)
    link = sharing.share_link_by_token(token)
    if link is None:
        ratelimit.add(key, window)
    return link


def _throttled(wait: int, as_json: bool) -> HttpResponse:
    body = {"code": "rate_limited", "message": "Too many wrong links; try again later.", "fields": {}}
    response: HttpResponse = JsonResponse(body, status=429) if as_json else HttpResponse(
        _("Too many wrong links; try again later."), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def _viewer_config(link: ShareLink, token: str, request: HttpRequest) -> dict[str, Any]:
    return {
        "mapId": str(link.map_id),
        "wsPath": f"/ws/maps/{link.map_id}/",
        "role": "viewer",
        "share": True,
        "showPresence": link.show_presence,
        "ticketUrl": f"/s/{token}/ws-ticket/",
        "highlightTeam": str(link.highlight_team_id) if link.highlight_team_id else None,
        "user": {"id": None, "name": _("Guest"), "team": None, "teamName": "", "color": "#475569"},
        "staticUrl": settings.STATIC_URL,
        "uiLanguage": (getattr(request, "LANGUAGE_CODE", "") or "en")[:2],
    }


@never_cache
@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _link(request, token)
    except Throttled as throttled:
        return _throttled(throttled.wait, as_json=False)
    if link is None:
        # Unknown, revoked, expired or archived all look the same: nothing tells a
        # guesser which tokens once worked.
        return render(request, "share/gone.html", status=404)
    doc = viewer_document(map_id=link.map_id, hidden_lanes=sharing.hidden_lanes_of(link))
    ShareLink.objects.filter(id=link.id).update(last_used_at=timezone.now())
    return render(request, "share/share.html", {
        "map": link.map, "doc": doc, "link": link, "token": token, "role": "viewer", "can_write": False,
        "config": _viewer_config(link, token, request), "strings": editor_strings(map_language=link.map.language),
        "highlight_team": link.highlight_team,
    })


@csrf_exempt  # no cookie grants anything here: the token in the path is the credential
@never_cache
@require_POST
def share_ws_ticket(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = _link(request, token)
    except Throttled as throttled:
        return _throttled(throttled.wait, as_json=True)
    if link is None:
        return JsonResponse({"code": "not_found", "message": "No such share link.", "fields": {}}, status=404)
    ticket = tickets.issue(tickets.make_payload(
        map_id=link.map_id, share_link_id=link.id, role="viewer", hidden_lanes=sorted(sharing.hidden_lanes_of(link)),
        show_presence=link.show_presence,
    ))
    return JsonResponse({"ticket": ticket, "expires_in": tickets.ttl_seconds()}, status=201)


# The token in the path is the whole authority here, as for the ticket: no cookie
# or session counts, so there is nothing for a forged cross-site request to ride
# on, and someone who holds the token can ask directly anyway. A CSRF check would
# only refuse the visitors themselves: the page's Referrer-Policy is no-referrer
# (the token never leaves in a Referer), so Chromium posts its form with
# ``Origin: null``.
@csrf_exempt
@never_cache
@require_POST
def share_export(request: HttpRequest, token: str) -> HttpResponse:
    """Ask for the PDF of what this link shows (only when the link allows it)."""
    from exports.services.request import export_request

    try:
        link = _link(request, token)
    except Throttled as throttled:
        return _throttled(throttled.wait, as_json=False)
    if link is None or not link.allow_pdf:
        raise Http404
    if sharing.share_exports_pending(link=link) >= sharing.MAX_PENDING_EXPORTS:
        # Without an account there is no per-person limit: the link has its own.
        response = render(request, "share/export_wait.html", {"link": link, "token": token, "busy": True},
                          status=429)
        response["Retry-After"] = "10"
        return response
    export = export_request(map=link.map, share_link=link, hidden_lanes=sharing.hidden_lanes_of(link),
                            options={"format": "pdf"})
    return redirect(f"/s/{token}/exports/{export.id}/")


@never_cache
@require_GET
def share_export_file(request: HttpRequest, token: str, export_id: Any) -> HttpResponse:
    """The PDF once rendered; until then a page that reloads itself (no script needed)."""
    from exports.models import Export, ExportStatus
    from exports.services.files import file_path

    try:
        link = _link(request, token)
    except Throttled as throttled:
        return _throttled(throttled.wait, as_json=False)
    if link is None or not link.allow_pdf:
        raise Http404
    export = Export.objects.filter(id=export_id, share_link_id=link.id).first()
    if export is None:
        raise Http404
    if export.status == ExportStatus.DONE and export.file:
        path = file_path(export.file)
        if path.exists():
            name = f"{link.map.title[:60] or 'map'}.pdf".replace('"', "")
            return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type="application/pdf")
    failed = export.status in (ExportStatus.FAILED, ExportStatus.EXPIRED)
    return render(request, "share/export_wait.html", {"export": export, "link": link, "token": token,
                                                     "failed": failed}, status=200)


# --- a map's share links (under /accounts/, for owners and editors) ---------------------


def _link_of(journey_map: JourneyMap, link_id: Any) -> ShareLink:
    """This map's link with this id; another map's id is simply not found."""
    link = ShareLink.objects.filter(id=link_id, map=journey_map).first() if is_uuid(link_id) else None
    if link is None:
        raise Http404
    return link


@login_required
@never_cache
def share_links(request: HttpRequest, map_id: uuid.UUID) -> HttpResponse:
    """Create, list and revoke a map's read-only share links (owners and editors)."""
    journey_map, role = map_role(user=request.user, map_id=map_id)
    if journey_map is None:
        raise Http404
    if role not in (Role.OWNER, Role.EDITOR):
        return HttpResponse(_("Only owners and editors share maps."), status=403, content_type="text/plain; charset=utf-8")
    new_url = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                link = _link_of(journey_map, request.POST.get("link"))
                sharing.share_link_revoke(link=link)
                messages.success(request, _("The link no longer works; open pages close within seconds."))
                return redirect(request.path)
            days = request.POST.get("days") or ""
            expires_at = timezone.now() + dt.timedelta(days=int(days)) if days.strip() else None
            created = sharing.share_link_create(
                map=journey_map, created_by=request.user, label=request.POST.get("label", ""),
                expires_at=expires_at, hidden_lanes=request.POST.getlist("hidden_lanes"),
                highlight_team=request.POST.get("highlight_team") or None,
                allow_pdf=request.POST.get("allow_pdf") == "on",
                show_presence=request.POST.get("show_presence") == "on",
            )
            new_url = request.build_absolute_uri(created.path)
        except ValueError:
            messages.error(request, _("Days must be a whole number."))
        except OpError as error:
            messages.error(request, error.message)
    lanes = Lane.objects.filter(map=journey_map, deleted_by_seq__isnull=True).order_by("position", "id")
    return render(request, "workspaces/share_links.html", {
        "map": journey_map, "links": sharing.share_links_for_map(map=journey_map), "lanes": lanes,
        "lane_titles": {str(lane.id): lane.title for lane in lanes},
        "teams": Team.objects.filter(workspace_id=journey_map.workspace_id), "new_url": new_url, "now": timezone.now(),
    })
