"""The dashboard and what it starts: the map list with search, filters and
pictures, a new workspace, new maps from templates, copies, future states,
archiving. Thin: reads from selectors, writes through services."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dashboard.forms import MapFromTemplateForm, MapSearchForm, WorkspaceForm
from dashboard.thumbnails import map_thumbnail_svg
from health.selectors import dashboard_scores, score_tone
from maps.models import Card, JourneyMap, MapKind, MapPersona, Membership, Role, Stage, Workspace
from maps.selectors import map_role
from maps.services import copy as copy_services
from maps.services import map_archive
from reviews.selectors import maps_in_review_order, review_badge
from templates_lib.models import MapTemplate
from templates_lib.services import map_from_template
from touchpoints.models import Touchpoint
from workspaces.services import workspace_create

WRITE_ROLES = {Role.OWNER, Role.EDITOR}


def _workspaces(user: Any) -> list[Workspace]:
    return list(Workspace.objects.filter(memberships__user=user).order_by("name"))


def _current_workspace(request: HttpRequest, workspaces: list[Workspace]) -> Workspace | None:
    wanted = request.GET.get("workspace") or request.session.get("workspace")
    for workspace in workspaces:
        if str(workspace.id) == wanted:
            return workspace
    return workspaces[0] if workspaces else None


def _map_cards(workspace: Workspace, *, q: str, kind: str, archived: bool, sort: str = "") -> list[dict[str, Any]]:
    maps = JourneyMap.objects.filter(workspace=workspace, archived=archived).select_related("last_edited_by")
    if q:
        maps = maps.filter(Q(title__icontains=q) | Q(goal__icontains=q))
    if kind:
        maps = maps.filter(kind=kind)
    maps = list((maps_in_review_order(maps) if sort == "review" else maps.order_by("-updated_at"))[:200])
    now = timezone.now()
    personas: dict[Any, list[Any]] = {}
    links = (
        MapPersona.objects.filter(map_id__in=[m.id for m in maps], deleted_by_seq__isnull=True)
        .select_related("persona")
        .order_by("position", "id")
    )
    for link in links:
        personas.setdefault(link.map_id, []).append(link.persona)
    derived = set(JourneyMap.objects.filter(based_on__in=maps, archived=False).values_list("based_on_id", flat=True))
    ids = [m.id for m in maps]
    stage_counts = dict(Stage.objects.filter(map_id__in=ids, deleted_by_seq__isnull=True).values("map_id")
                        .annotate(n=Count("id")).values_list("map_id", "n"))
    card_counts = dict(Card.objects.filter(map_id__in=ids, deleted_by_seq__isnull=True).values("map_id")
                       .annotate(n=Count("id")).values_list("map_id", "n"))
    touchpoint_counts = dict(Touchpoint.objects.filter(map_id__in=ids, deleted_by_seq__isnull=True).values("map_id")
                             .annotate(n=Count("id")).values_list("map_id", "n"))
    health = dashboard_scores(maps)
    return [{"map": m, "personas": personas.get(m.id, []), "has_future": m.id in derived,
             "stages": stage_counts.get(m.id, 0), "cards": card_counts.get(m.id, 0),
             "touchpoints": touchpoint_counts.get(m.id, 0), "health": _health_badge(health[str(m.id)]),
             "review": review_badge(m, now=now)}
            for m in maps]


def _health_badge(health: dict[str, int] | None) -> dict[str, Any]:
    """The score chip of a map card; a pending one (with the wording for the page
    to fill in) when the map changed since its last check."""
    words = _("Map health: %(score)s out of 100 · %(fail)s to fix · %(warn)s to look at")
    if health is None:
        return {"pending": True, "words": words}
    return {**health, "tone": score_tone(health["score"]), "title": words % health}


@login_required
def map_thumbnail(request: HttpRequest, map_id: uuid.UUID) -> HttpResponse:
    """The map's picture for the dashboard (members only). The dashboard asks for it
    with ``?v=<seq>``: one URL per version, so the browser may keep it for good."""
    journey_map, _role = map_role(user=request.user, map_id=map_id)
    if journey_map is None:
        raise Http404
    response = HttpResponse(map_thumbnail_svg(map_id=journey_map.id, seq=journey_map.seq),
                            content_type="image/svg+xml")
    if request.GET.get("v") == str(journey_map.seq):
        response["Cache-Control"] = "private, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "private, no-cache"
    return response


def _template_previews(language: str) -> list[dict[str, Any]]:
    """Built-in templates in the UI language (English when none), with their grid."""
    rows = list(MapTemplate.objects.filter(workspace=None).order_by("key", "language"))
    by_key: dict[str, MapTemplate] = {}
    for row in rows:
        if row.language == language or row.key not in by_key:
            by_key[row.key] = row
    order = ["current_state", "future_state", "day_in_the_life", "service_blueprint"]
    previews = []
    for key in sorted(by_key, key=lambda k: order.index(k) if k in order else 99):
        template = by_key[key]
        structure = template.structure or {}
        phases = structure.get("phases", [])
        previews.append({
            "template": template,
            "stages": [{"name": s["name"], "phase": phases[s["phase"]]["title"] if s.get("phase") is not None
                        else ""} for s in structure.get("stages", [])],
            "lanes": structure.get("lanes", []),
        })
    return previews


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    workspaces = _workspaces(request.user)
    workspace = _current_workspace(request, workspaces)
    if workspace is None:
        return render(request, "maps/no_workspace.html", {"form": WorkspaceForm()})
    request.session["workspace"] = str(workspace.id)
    search = MapSearchForm(request.GET or None)
    q, kind, archived, sort = "", "", False, ""
    if search.is_valid():
        q, kind, archived = search.cleaned_data["q"], search.cleaned_data["kind"], search.cleaned_data["archived"]
        sort = search.cleaned_data["sort"]
    role = next((m.role for m in Membership.objects.filter(workspace=workspace, user=request.user)), None)
    language = (request.LANGUAGE_CODE or "en")[:2]
    return render(request, "maps/dashboard.html", {
        "workspaces": workspaces,
        "workspace": workspace,
        "cards": _map_cards(workspace, q=q, kind=kind, archived=archived, sort=sort),
        "sort": sort,
        "search": search,
        "q": q,
        "kind": kind,
        "archived": archived,
        "kinds": MapKind.choices,
        "can_write": role in WRITE_ROLES,
        "is_owner": role == Role.OWNER,
        "previews": _template_previews(language),
        "create_form": MapFromTemplateForm(),
    })


@login_required
@require_POST
def workspace_new(request: HttpRequest) -> HttpResponse:
    form = WorkspaceForm(request.POST)
    if form.is_valid():
        workspace = workspace_create(name=form.cleaned_data["name"], owner=request.user)
        request.session["workspace"] = str(workspace.id)
    return redirect("dashboard")


def _writable_workspace(request: HttpRequest, workspace_id: Any) -> Workspace:
    membership = Membership.objects.filter(workspace_id=workspace_id, user=request.user).select_related(
        "workspace").first()
    if membership is None:
        raise Http404
    if membership.role not in WRITE_ROLES:
        raise Http404
    return membership.workspace


@login_required
@require_POST
def map_new(request: HttpRequest) -> HttpResponse:
    try:
        workspace = _writable_workspace(request, uuid.UUID(request.POST.get("workspace", "")))
    except ValueError:
        raise Http404 from None
    form = MapFromTemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the map a title and pick a template."))
        return redirect("dashboard")
    template = get_object_or_404(
        MapTemplate.objects.filter(Q(workspace=None) | Q(workspace=workspace)), id=form.cleaned_data["template"]
    )
    journey_map = map_from_template(template=template, workspace=workspace, title=form.cleaned_data["title"],
                                    goal=form.cleaned_data["goal"], actor_user=request.user)
    return redirect("map_editor", map_id=journey_map.id)


def _map_for_write(request: HttpRequest, map_id: Any) -> JourneyMap:
    journey_map, role = map_role(user=request.user, map_id=map_id)
    if journey_map is None or role not in WRITE_ROLES:
        raise Http404
    return journey_map


@login_required
@require_POST
def map_duplicate(request: HttpRequest, map_id: uuid.UUID) -> HttpResponse:
    source = _map_for_write(request, map_id)
    copy = copy_services.map_duplicate(source=source, title=(_("%(title)s (copy)") % {"title": source.title})[:200],
                                       actor_user=request.user)
    messages.success(request, _("“%(title)s” was duplicated.") % {"title": source.title})
    return redirect(f"/?workspace={copy.workspace_id}")


@login_required
@require_POST
def map_future_state(request: HttpRequest, map_id: uuid.UUID) -> HttpResponse:
    source = _map_for_write(request, map_id)
    title = (_("%(title)s: future state") % {"title": source.title})[:200]
    content = request.POST.get("copy") or copy_services.FUTURE_STATE_DEFAULT
    if content not in copy_services.FUTURE_STATE_CONTENT:
        messages.error(request, _("Choose what the future state takes from the map."))
        return redirect(f"/?workspace={source.workspace_id}")
    future = copy_services.map_future_state(source=source, title=title, actor_user=request.user, content=content)
    return redirect("map_editor", map_id=future.id)


@login_required
@require_POST
def map_archive_toggle(request: HttpRequest, map_id: uuid.UUID) -> HttpResponse:
    journey_map = _map_for_write(request, map_id)
    map_archive(journey_map=journey_map, user=request.user, archived=not journey_map.archived)
    if journey_map.archived:
        messages.success(request, _("“%(title)s” was archived.") % {"title": journey_map.title})
    else:
        messages.success(request, _("“%(title)s” was restored.") % {"title": journey_map.title})
    return redirect(f"/?workspace={journey_map.workspace_id}")
