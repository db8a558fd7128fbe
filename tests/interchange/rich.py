"""A map that uses every field of the format: what round-trip tests start from."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from maps.models import JourneyMap, Role, Team
from maps.services import map_create, map_edit
from personas.models import Persona
from personas.services import persona_set_avatar
from reviews.services import map_review_settings_update
from tests.touchpoints import samples
from touchpoints.attachments import attachment_add
from touchpoints.models import Channel


def new() -> str:
    return str(uuid.uuid4())


def rich_map(workspace: Any, user: Any) -> JourneyMap:
    """Phases, stages, lanes of several kinds, cards with teams, colours,
    priorities and an addressed pain point, touchpoints with every metric,
    evidence and an attachment, moments of truth, two personas (one with a
    picture) and the shared curve, a workspace channel and two teams."""
    journey_map = map_create(workspace=workspace, title="Résiliation d’abonnement", actor_user=user,
                             kind="service_blueprint", language="fr", goal="Moins de résiliations « subies »")
    map_edit(journey_map, user, [{"op": "update", "entity": "map", "id": str(journey_map.id),
                                  "fields": {"description": "Ligne 1\nLigne 2 <b>gras</b>"}}], role=Role.OWNER)
    support = Team.objects.create(workspace=workspace, name="Support", color="#0f766e")
    Team.objects.create(workspace=workspace, name="Ventes", color="#b45309")
    kiosk = Channel.objects.create(workspace=workspace, key="borne", name="Borne", name_fr="Borne en agence",
                                   kind="physical", brand_controlled=True, icon="generic")
    phone = Channel.objects.get(workspace__isnull=True, key="call_centre")
    lea = Persona.objects.create(workspace=workspace, name="Léa", role="Cliente pressée", quote="Vite !",
                                 goals="Résilier", needs="Clarté", frustrations="Attente", behaviours="Mobile",
                                 preferred_channels=["Site web", "Borne"], demographics={"âge": "34"},
                                 color="#db2777")
    persona_set_avatar(persona=lea, upload=SimpleUploadedFile("lea.png", samples.png(), content_type="image/png"))
    marc = Persona.objects.create(workspace=workspace, name="Marc", color="#2563eb")
    ids = {name: new() for name in ("p1", "p2", "s1", "s2", "s3", "l_text", "l_tp", "l_pain", "l_opp", "l_emo",
                                    "l_line", "l_mot", "c1", "c2", "c3", "c4", "t1", "t2", "m1", "m2")}
    ops: list[dict[str, Any]] = [
        {"op": "create", "entity": "phase", "id": ids["p1"], "fields": {"title": "Avant", "color": "#aabbcc"}},
        {"op": "create", "entity": "phase", "id": ids["p2"], "fields": {"title": "Pendant"}},
        {"op": "create", "entity": "stage", "id": ids["s1"],
         "fields": {"name": "Je cherche comment résilier", "phase": ids["p1"], "description": "Sur le site"}},
        {"op": "create", "entity": "stage", "id": ids["s2"], "fields": {"name": "J’appelle", "phase": ids["p2"]}},
        {"op": "create", "entity": "stage", "id": ids["s3"], "fields": {"name": "Sans phase", "phase": None}},
        {"op": "create", "entity": "lane", "id": ids["l_text"],
         "fields": {"kind": "text", "title": "Pense & ressent", "prompt": "Que pense-t-il ?"}},
        {"op": "create", "entity": "lane", "id": ids["l_tp"], "fields": {"kind": "touchpoints", "title": "Points"}},
        {"op": "create", "entity": "lane", "id": ids["l_pain"], "fields": {"kind": "pain_points", "title": "Irritants"}},
        {"op": "create", "entity": "lane", "id": ids["l_opp"],
         "fields": {"kind": "opportunities", "title": "Opportunités"}},
        {"op": "create", "entity": "lane", "id": ids["l_emo"], "fields": {"kind": "emotion", "title": "Émotions"}},
        {"op": "create", "entity": "lane", "id": ids["l_line"],
         "fields": {"kind": "line_of_visibility", "title": "Ligne de visibilité"}},
        {"op": "create", "entity": "lane", "id": ids["l_mot"],
         "fields": {"kind": "moments_of_truth", "title": "Moments de vérité"}},
        {"op": "create", "entity": "persona_link", "id": new(), "fields": {"persona": str(lea.id)}},
        {"op": "create", "entity": "persona_link", "id": new(), "fields": {"persona": str(marc.id)}},
        {"op": "create", "entity": "card", "id": ids["c1"],
         "fields": {"stage": ids["s1"], "lane": ids["l_text"], "text": "Où est le bouton ?\n<script>x</script>",
                    "color": "#ffeeaa", "team": str(support.id)}},
        {"op": "create", "entity": "card", "id": ids["c2"],
         "fields": {"stage": ids["s1"], "lane": ids["l_text"], "text": "Deuxième carte"}},
        {"op": "create", "entity": "card", "id": ids["c3"],
         "fields": {"stage": ids["s2"], "lane": ids["l_pain"], "text": "Attente 20 min", "priority": "high"}},
        {"op": "create", "entity": "card", "id": ids["c4"],
         "fields": {"stage": ids["s2"], "lane": ids["l_opp"], "text": "Rappel automatique", "priority": "medium",
                    "addresses": ids["c3"]}},
        {"op": "create", "entity": "touchpoint", "id": ids["t1"],
         "fields": {"stage": ids["s2"], "lane": ids["l_tp"], "title": "Appel au 3900", "channel": str(phone.id),
                    "description": "Serveur vocal", "owner_team": str(support.id), "evaluation": "irritant",
                    "volume_share": 62.5, "volume_count": 12000, "volume_period": "month", "csat": 41.0, "nps": -20,
                    "evidence": [{"url": "https://example.org/verbatims", "label": "Verbatims"}]}},
        {"op": "create", "entity": "touchpoint", "id": ids["t2"],
         "fields": {"stage": ids["s1"], "lane": ids["l_tp"], "title": "Borne", "channel": str(kiosk.id),
                    "evaluation": "delight"}},
        {"op": "create", "entity": "moment", "id": ids["m1"],
         "fields": {"stage": ids["s2"], "lane": ids["l_mot"], "touchpoint": ids["t1"], "title": "Le décroché",
                    "rationale": "Tout se joue ici", "importance": 5, "impact": 4, "valence": "negative"}},
        {"op": "create", "entity": "moment", "id": ids["m2"], "fields": {"stage": ids["s3"], "title": "Sans couloir"}},
        {"op": "create", "entity": "emotion", "id": new(),
         "fields": {"stage": ids["s1"], "persona": str(lea.id), "score": -1, "note": "Agacée"}},
        {"op": "create", "entity": "emotion", "id": new(),
         "fields": {"stage": ids["s1"], "persona": str(marc.id), "score": 2}},
        {"op": "create", "entity": "emotion", "id": new(), "fields": {"stage": ids["s2"], "persona": None, "score": -3}},
        {"op": "create", "entity": "emotion", "id": new(),
         "fields": {"stage": ids["s2"], "persona": str(lea.id), "score": -3}},
    ]
    map_edit(journey_map, user, ops, role=Role.OWNER, max_ops=None)
    attachment_add(journey_map=journey_map, touchpoint_id=ids["t1"], user=user,
                   upload=SimpleUploadedFile("notes.pdf", samples.PDF, content_type="application/pdf"))
    # Not the default interval, so that a round trip that forgets it fails.
    map_review_settings_update(journey_map=journey_map, fields={"review_every_months": 6})
    journey_map.refresh_from_db()
    return journey_map
