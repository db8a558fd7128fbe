"""HTML pages: dashboard, editor, account. Thin: reads come from selectors, writes
from services; the editor page hands the document to the browser, where the sync
module takes over."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from history.strings import activity_strings
from maps.forms import MapFromTemplateForm, MapSearchForm, WorkspaceForm
from maps.models import Card, JourneyMap, MapKind, MapPersona, Membership, Role, Stage, Workspace
from maps.selectors import map_document, map_role
from maps.services import copy as copy_services
from maps.services import map_archive
from maps.thumbnails import map_thumbnail_svg
from personas.selectors import persona_item, persona_list
from templates_lib.models import MapTemplate
from templates_lib.services import map_from_template
from touchpoints.models import Touchpoint
from versions.strings import history_strings
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


def _map_cards(workspace: Workspace, *, q: str, kind: str, archived: bool) -> list[dict[str, Any]]:
    maps = JourneyMap.objects.filter(workspace=workspace, archived=archived).select_related("last_edited_by")
    if q:
        maps = maps.filter(Q(title__icontains=q) | Q(goal__icontains=q))
    if kind:
        maps = maps.filter(kind=kind)
    maps = list(maps.order_by("-updated_at")[:200])
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
    return [{"map": m, "personas": personas.get(m.id, []), "has_future": m.id in derived,
             "stages": stage_counts.get(m.id, 0), "cards": card_counts.get(m.id, 0),
             "touchpoints": touchpoint_counts.get(m.id, 0)} for m in maps]


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
    q, kind, archived = "", "", False
    if search.is_valid():
        q, kind, archived = search.cleaned_data["q"], search.cleaned_data["kind"], search.cleaned_data["archived"]
    role = next((m.role for m in Membership.objects.filter(workspace=workspace, user=request.user)), None)
    language = (request.LANGUAGE_CODE or "en")[:2]
    return render(request, "maps/dashboard.html", {
        "workspaces": workspaces,
        "workspace": workspace,
        "cards": _map_cards(workspace, q=q, kind=kind, archived=archived),
        "search": search,
        "q": q,
        "kind": kind,
        "archived": archived,
        "kinds": MapKind.choices,
        "can_write": role in WRITE_ROLES,
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


@login_required
def map_editor(request: HttpRequest, map_id: uuid.UUID) -> HttpResponse:
    journey_map, role = map_role(user=request.user, map_id=map_id)
    if journey_map is None:
        raise Http404
    doc = map_document(map_id=journey_map.id)
    membership = Membership.objects.filter(workspace_id=journey_map.workspace_id, user=request.user).select_related(
        "team").first()
    user = request.user
    config = {
        "mapId": str(journey_map.id),
        "wsPath": f"/ws/maps/{journey_map.id}/",
        "role": role,
        "user": {
            "id": user.pk,
            "name": user.get_full_name() or user.get_username(),
            "team": str(membership.team.id) if membership and membership.team else None,
            "teamName": membership.team.name if membership and membership.team else "",
            "color": membership.team.color if membership and membership.team else "#475569",
        },
        "staticUrl": "/static/",
        "uiLanguage": (request.LANGUAGE_CODE or "en")[:2],
        # The workspace's persona library, to attach from; avatars are served after a permission check.
        "personas": [persona_item(p) for p in persona_list(workspace_id=journey_map.workspace_id)],
        "avatarUrl": reverse("persona_avatar", args=[uuid.UUID(int=0)]).replace(str(uuid.UUID(int=0)), "__id__"),
        "personaLibraryUrl": reverse("persona_library", args=[journey_map.workspace_id]),
        "workspaceId": str(journey_map.workspace_id),
    }
    based_on = journey_map.based_on if journey_map.based_on_id else None
    return render(request, "maps/editor.html", {
        "map": journey_map, "doc": doc, "config": config, "role": role, "based_on": based_on,
        "can_write": role in WRITE_ROLES, "strings": editor_strings(map_language=journey_map.language),
        "derived": JourneyMap.objects.filter(based_on=journey_map, archived=False).first(),
    })


def editor_strings(*, map_language: str | None = None) -> dict[str, str]:
    """The editor's UI text in the user's language, handed to the scripts as JSON,
    plus the few words drawn as part of the map itself, in the map's language."""
    return {**_interface_strings(), **history_strings(), **activity_strings(), **_map_words(map_language)}


def _map_words(map_language: str | None) -> dict[str, str]:
    """Words that belong to the map, not the interface (a French blueprint's line
    reads "Ligne d'interaction" in an English interface too)."""
    if not map_language:
        return {}
    with translation.override(map_language):
        return {"mapLineOfInteraction": _("Line of interaction")}


def _interface_strings() -> dict[str, str]:
    return {
        "addCard": _("Add a card"),
        "addStage": _("Add a stage"),
        "addLane": _("Add a lane"),
        "newStage": _("New stage"),
        "newLane": _("New lane"),
        "newCardPlaceholder": _("Write a note… (Enter to save, Shift+Enter for a new line)"),
        "editHint": _("Enter saves · Shift+Enter adds a line · Esc cancels"),
        "delete": _("Delete"),
        "deleted": _("Deleted"),
        "cardDeleted": _("Card deleted"),
        "stageDeleted": _("Stage deleted"),
        "laneDeleted": _("Lane deleted"),
        "undo": _("Undo"),
        "redo": _("Redo"),
        "nothingToUndo": _("Nothing to undo"),
        "nothingToRedo": _("Nothing to redo"),
        "undone": _("Undone"),
        "redone": _("Redone"),
        "rename": _("Rename"),
        "editQuestion": _("Edit the guiding question"),
        "online": _("Online"),
        "connecting": _("Connecting…"),
        "reconnecting": _("Reconnecting…"),
        "offline": _("Offline"),
        "unsent": _("%(n)s unsent"),
        "isEditing": _("%(name)s is editing"),
        "lockedBy": _("%(name)s is editing this card right now."),
        "rejected": _("Your change was undone: %(message)s"),
        "syncMissing": _("Live editing is unavailable: the page is read-only."),
        "color": _("Colour"),
        "noColor": _("No colour"),
        "team": _("Team"),
        "noTeam": _("No team"),
        "channel": _("Channel"),
        "noChannel": _("No channel"),
        "card": _("Card"),
        "cardActions": _("Card actions"),
        "stageActions": _("Stage actions"),
        "laneActions": _("Lane actions"),
        "moveLeft": _("Move left"),
        "moveRight": _("Move right"),
        "moveUp": _("Move up"),
        "moveDown": _("Move down"),
        "emotionScore": _("How does the customer feel here? (-3 to +3)"),
        "clearScore": _("Clear"),
        "veryNegative": _("Very negative"),
        "veryPositive": _("Very positive"),
        "momentOfTruth": _("Moment of truth"),
        "lineOfVisibility": _("Line of visibility"),
        "cellLabel": _("%(stage)s · %(lane)s"),
        "emptyCell": _("empty"),
        "cards": _("%(n)s cards"),
        "you": _("you"),
        "viewerMode": _("You can view this map; editing is for editors."),
        "cardFrom": _("by %(name)s"),
        # Touchpoints, moments of truth and the side panel.
        "details": _("Details"),
        "closePanel": _("Close the panel"),
        "touchpoint": _("Touchpoint"),
        "title": _("Title"),
        "description": _("Description"),
        "ownerTeam": _("Owner team"),
        "digital": _("Digital"),
        "physical": _("Physical"),
        "personal": _("Person to person"),
        "evaluation": _("Evaluation"),
        "notEvaluated": _("Not rated"),
        "eval_delight": _("Delight"),
        "eval_neutral": _("Basic satisfaction"),
        "eval_irritant": _("Irritant"),
        "volume": _("Volume"),
        "volumeShare": _("Share of customers"),
        "volumeCount": _("Count"),
        "volumePeriod": _("Per"),
        "period_day": _("day"),
        "period_week": _("week"),
        "period_month": _("month"),
        "period_year": _("year"),
        "per_day": _("/day"),
        "per_week": _("/week"),
        "per_month": _("/month"),
        "per_year": _("/year"),
        "surveyScores": _("Survey scores"),
        "evidence": _("Evidence"),
        "noEvidence": _("No evidence yet: link a document, a recording or a screenshot."),
        "linkUrl": _("Link address"),
        "linkLabel": _("Label (optional)"),
        "addLink": _("Add"),
        "removeLink": _("Remove %(label)s"),
        "linkMustBeHttp": _("The link must start with http:// or https://"),
        "importance": _("Importance for the customer"),
        "importanceHint": _("1 = minor, 5 = decisive"),
        "impact": _("Impact on the relationship"),
        "impactHint": _("1 = small, 5 = can make or break it"),
        "valence": _("Valence"),
        "valence_positive": _("Positive"),
        "valence_negative": _("Negative"),
        "valence_mixed": _("Could tip either way"),
        "rationale": _("Why it matters"),
        # The emotion lane.
        "curves": _("Emotion curves"),
        "curve": _("Whose curve"),
        "allCustomers": _("All customers"),
        "showCurve": _("Show this curve in front; new scores go to it"),
        "emotionNote": _("Note"),
        "saveNote": _("Save the note"),
        "deriveFromTouchpoints": _("Derive from touchpoints"),
        "deriveTitle": _("Scores proposed from the touchpoints"),
        "deriveNothing": _("No touchpoint is rated yet: rate them delight, basic satisfaction or irritant first."),
        "deriveBasis": _("Touchpoints rated: %(n)s"),
        "deriveApply": _("Apply the proposal (%(n)s)"),
        "deriveUpToDate": _("The curve already matches"),
        "deriveApplied": _("Emotion curve updated from the touchpoints"),
        "deriveFailed": _("The proposal could not be loaded; try again."),
        # Moments of truth and the priorities.
        "markMoment": _("Mark as a moment of truth"),
        "editMoment": _("Edit its moment of truth"),
        "unmarkMoment": _("No longer a moment of truth"),
        "notMoment": _("Not a moment of truth."),
        "momentSummary": _("Moment of truth: importance %(importance)s × impact %(impact)s = %(weight)s"),
        "momentOnStage": _("At the stage “%(stage)s”"),
        "momentOnTouchpoint": _("On the touchpoint “%(title)s” (%(stage)s)"),
        "priorities": _("Priorities"),
        "prioritiesIntro": _("Moments of truth and irritant touchpoints, most urgent first. Choose one to find it on the map."),
        "prioritiesOrder": _("Order"),
        "byImpact": _("Importance × impact"),
        "byVolume": _("Volume"),
        "prioritiesEmpty": _("No moment of truth or irritant touchpoint yet."),
        "prioritiesFailed": _("The priorities could not be loaded; try again."),
        # Personas.
        "personas": _("Personas"),
        "noPersonaOnMap": _("No persona follows this map yet."),
        "attachPersona": _("Add a persona"),
        "detachPersona": _("Remove %(name)s from this map"),
        "personaDetached": _("Persona removed from the map"),
        "noPersonaToAttach": _("Every persona of the library is already on this map."),
        "personaLibrary": _("Persona library"),
        # Pain points, opportunities, what we will change; the service blueprint.
        "priority": _("Priority"),
        "priority_high": _("High"),
        "priority_medium": _("Medium"),
        "priority_low": _("Low"),
        "noPriority": _("None"),
        "addresses": _("Pain point it addresses"),
        "noAddress": _("None"),
        "addressesPain": _("Addresses: %(text)s"),
        "addressedByOne": _("Addressed by: %(text)s"),
        "addressedByMany": _("Addressed by %(n)s changes"),
        "lineOfInteraction": _("Line of interaction"),
        # The whole map as cell summaries (semantic zoom).
        "overview": _("Overview"),
        "overviewHint": _("Arrows move · Enter or a click shows a cell at full size"),
        "summaryOne": _("1 item"),
        "summaryMany": _("%(n)s items"),
        # Rejections the user can act on, by error code; others show the server's message.
        "error_gone": _("someone deleted it in the meantime."),
        "error_parent_deleted": _("its stage or lane was deleted by someone else."),
        "error_not_found": _("it no longer exists on this map."),
        "error_forbidden": _("you may not edit this map."),
        "error_version_conflict": _("someone changed it at the same time; look again and retry."),
        # The side panel with someone else in the same item.
        "alsoOpenBy": _("Also open by %(names)s"),
        "changedTo": _("%(name)s changed it to %(value)s"),
        "keepTheirs": _("Keep theirs"),
        "keepMine": _("Keep mine (%(value)s)"),
        "emptyValue": _("(empty)"),
        # Deleting what holds content, and "Recently deleted".
        "confirmDelete_stage": _("Delete the stage “%(name)s”?"),
        "confirmDelete_lane": _("Delete the lane “%(name)s”?"),
        "confirmDelete_phase": _("Delete the phase “%(name)s”?"),
        "deleteThe_stage": _("Delete the stage"),
        "deleteThe_lane": _("Delete the lane"),
        "deleteThe_phase": _("Delete the phase"),
        "deleteAlso": _("This also deletes %(content)s."),
        "deleteRestoreHint": _("Anyone who edits this map can bring it back, with everything it held, from "
                               "“Recently deleted”."),
        "one_stages": _("1 stage"),
        "many_stages": _("%(n)s stages"),
        "one_cards": _("1 card"),
        "many_cards": _("%(n)s cards"),
        "one_touchpoints": _("1 touchpoint"),
        "many_touchpoints": _("%(n)s touchpoints"),
        "one_moments": _("1 moment of truth"),
        "many_moments": _("%(n)s moments of truth"),
        "listAnd": _("%(first)s and %(last)s"),
        "cancel": _("Cancel"),
        "phaseDeleted": _("Phase deleted"),
        "phaseActions": _("Phase actions"),
        "recentlyDeleted": _("Recently deleted"),
        "deletedIntro": _("What was deleted on this map, newest first. Restoring brings it back with what it "
                          "held, for everyone."),
        "deletedEmpty": _("Nothing has been deleted on this map."),
        "deletedFailed": _("The list could not be loaded; try again."),
        "restore": _("Restore"),
        "restored": _("Restored: %(name)s"),
        "restoreFirst": _("Restore “%(name)s” first: it was in it."),
        "deletedBy": _("Deleted by %(name)s, %(when)s"),
        "withContent": _("With %(content)s"),
        "kind_stage": _("Stage"),
        "kind_lane": _("Lane"),
        "kind_phase": _("Phase"),
        "kind_card": _("Card"),
        "kind_touchpoint": _("Touchpoint"),
        # "Add a persona": the empty state and creating one right there.
        "noPersonaInLibrary": _("The workspace has no persona yet: create the first one here."),
        "createFirstPersona": _("Create the first persona"),
        "newPersona": _("New persona"),
        "personaName": _("Name"),
        "personaRole": _("Who they are"),
        "personaRolePlaceholder": _("e.g. Commuter, first-time buyer"),
        "personaNameRequired": _("Give the persona a name."),
        "createAndAdd": _("Create and add to the map"),
        "personaCreated": _("%(name)s was created and added to this map"),
        "personaCreateFailed": _("The persona could not be created: %(message)s"),
        "personaCreateFailedNetwork": _("The persona could not be created: the server could not be reached."),
    }


@login_required
def account(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Token.objects.filter(user=request.user).delete()
        Token.objects.create(user=request.user)
        messages.success(request, _("A new API token was created; the old one no longer works."))
        return redirect("account")
    token, _created = Token.objects.get_or_create(user=request.user)
    memberships = Membership.objects.filter(user=request.user).select_related("workspace", "team")
    return render(request, "account.html", {"token": token, "memberships": memberships})
