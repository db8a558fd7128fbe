"""Map builders and PDF readers for the export tests."""

from __future__ import annotations

import random
import re
import time
import uuid
from typing import Any

import pypdfium2 as pdfium

from maps.models import Role
from maps.operations import actor_for, apply
from maps.services import map_create
from personas.models import Persona


def build_map(workspace: Any, owner: Any, *, title: str = "Livraison à domicile", stages: int = 8,
              cards_per_cell: int = 1, card_text: str | None = None) -> tuple[Any, dict[str, Any]]:
    """A map with phases, text/touchpoint/emotion/moment lanes, cards, touchpoints,
    two personas' emotion curves and a moment of truth."""
    structure = {
        "phases": [{"title": "Avant l’achat"}, {"title": "Achat"}],
        "stages": [{"name": f"Étape {i + 1} : je compare les offres n°{i + 1}", "phase": 0 if i < stages // 2 else 1}
                   for i in range(stages)],
        "lanes": [
            {"title": "Que pense le client ?", "prompt": "Pensées et émotions", "kind": "text"},
            {"title": "Où nous rencontre-t-il ?", "kind": "touchpoints"},
            {"title": "Courbe d’émotion", "kind": "emotion"},
            {"title": "Points de douleur", "kind": "pain_points"},
            {"title": "Moments de vérité", "kind": "moments_of_truth"},
        ],
        "cards": [
            {"stage": s, "lane": lane, "text": card_text or f"Carte {s}-{lane}-{n} : délai de livraison trop élevé"}
            for s in range(stages) for lane in (0, 3) for n in range(cards_per_cell)
        ],
    }
    journey_map = map_create(workspace=workspace, title=title, actor_user=owner, language="fr",
                             goal="Réduire les réclamations sur les retards", structure=structure)
    from maps.selectors import map_document

    doc = map_document(map_id=journey_map.id)
    personas = [Persona.objects.create(workspace=workspace, name=name, color=color)
                for name, color in (("Camille", "#7c3aed"), ("Jordan", "#0891b2"))]
    lanes = {lane["kind"]: lane["id"] for lane in doc["lanes"]}
    ops: list[dict[str, Any]] = []
    for position, persona in enumerate(personas):
        ops.append({"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()),
                    "fields": {"persona": str(persona.id)}})
        for i, stage in enumerate(doc["stages"]):
            ops.append({"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
                        "fields": {"stage": stage["id"], "persona": str(persona.id),
                                   "score": ((i + position) % 7) - 3}})
    for i, stage in enumerate(doc["stages"]):
        ops.append({"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                    "fields": {"stage": stage["id"], "lane": lanes["touchpoints"], "title": f"Appel au service {i}",
                               "evaluation": ["delight", "neutral", "irritant"][i % 3], "volume_share": 40}})
    ops.append({"op": "create", "entity": "moment", "id": str(uuid.uuid4()),
                "fields": {"stage": doc["stages"][1]["id"], "lane": lanes["moments_of_truth"],
                           "title": "La livraison arrive en retard", "importance": 5, "impact": 4,
                           "valence": "negative"}})
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id=f"t-{uuid.uuid4()}",
                ops=ops, role=Role.OWNER, max_ops=None)
    assert ack.status in ("ok", "rebased"), ack.error
    journey_map.refresh_from_db()
    return journey_map, map_document(map_id=journey_map.id)


def squash(text: str) -> str:
    """Text without whitespace or hyphens: line wrapping in the PDF must not matter
    (PDFium reports a hyphen that ends a line as U+FFFE)."""
    return re.sub(r"[\s\-\u00ad\u2010\ufffe]+", "", text)


def pdf_pages(data: bytes) -> list[dict[str, Any]]:
    """Per page: its text and whether every character box lies inside the page."""
    pdf = pdfium.PdfDocument(data)
    pages = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range()
            outside = []
            for i in range(count):
                left, bottom, right, top = textpage.get_charbox(i)
                if right - left <= 0 and top - bottom <= 0:
                    continue  # generated spaces and line breaks have no box
                if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5:
                    outside.append((i, left, bottom, right, top))
            pages.append({"text": text, "width": width, "height": height, "outside": outside})
            textpage.close()
            page.close()
    finally:
        pdf.close()
    return pages


def wait_until_finished(client: Any, export_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/exports/{export_id}/").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.3)
    return body


# ----------------------------------------------------------------------------- synthetic maps

WORDS = ["customer", "delivery", "order", "tracking", "parcel", "late", "refund", "support", "call", "wait", "email", "confirmation", "store", "app", "payment", "card", "password", "invoice", "price", "compare", "review", "friend", "recommend", "contract", "renewal", "agent", "chat", "déjà", "vu", "été", "façade", "garçon", "élève", "naïve", "cœur"]

LANE_KINDS = ["text", "text", "touchpoints", "emotion", "pain_points", "opportunities", "text",
              "moments_of_truth", "frontstage", "line_of_visibility", "backstage", "support"]


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_document(stages: int, lanes: int, cards: int, *, seed: int = 7, language: str = "en") -> dict[str, Any]:
    """A map with ``cards`` cards spread over stages x text lanes, touchpoints,
    emotions for two personas, a few moments of truth; text of varied length."""
    rng = random.Random(seed)
    phases = [{"id": _id(rng), "title": t, "color": c, "position": f"a{i}", "version": 1}
              for i, (t, c) in enumerate([("Before purchase", "#6366f1"), ("Purchase", "#0ea5e9"),
                                          ("Use", "#10b981"), ("After purchase", "#f59e0b")])]
    stage_rows = [{"id": _id(rng), "name": f"Stage {i + 1}: I {rng.choice(WORDS)} the {rng.choice(WORDS)}",
                   "phase": phases[min(i * len(phases) // max(stages, 1), len(phases) - 1)]["id"],
                   "description": "", "position": f"a{i:04d}", "version": 1} for i in range(stages)]
    lane_rows = []
    for i in range(lanes):
        kind = LANE_KINDS[i % len(LANE_KINDS)]
        lane_rows.append({"id": _id(rng), "kind": kind, "title": f"Lane {i + 1} ({kind.replace('_', ' ')})",
                          "prompt": "What does the customer think or feel at this stage?" if kind == "text" else "",
                          "position": f"a{i:04d}", "version": 1})
    teams = [{"id": _id(rng), "name": n, "color": c} for n, c in
             [("Marketing", "#db2777"), ("Support", "#0f766e"), ("Sales", "#2563eb"), ("Logistics", "#ea580c")]]
    text_lanes = [lane for lane in lane_rows if lane["kind"] not in ("emotion", "line_of_visibility",
                                                                      "touchpoints", "moments_of_truth")]
    lane_kind = {lane["id"]: lane["kind"] for lane in lane_rows}
    card_rows = []
    for n in range(cards):
        lane = text_lanes[n % len(text_lanes)]
        stage = stage_rows[(n // len(text_lanes)) % len(stage_rows)]
        length = rng.choice([3, 6, 10, 18, 30])
        text = " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."
        card_rows.append({"id": _id(rng), "stage": stage["id"], "lane": lane["id"], "text": text,
                          "color": "", "team": rng.choice(teams)["id"] if rng.random() < 0.8 else None,
                          "priority": rng.choice(["", "", "high", "medium", "low"]) if lane["kind"] in
                          ("pain_points", "opportunities") else "", "addresses": None, "author": None,
                          "position": f"a{n:05d}", "version": 1})
    # Some changes address a pain point of their stage ("what we will change" -> pain point).
    pains: dict[str, list[dict[str, Any]]] = {}
    for card in card_rows:
        if lane_kind[card["lane"]] == "pain_points":
            pains.setdefault(card["stage"], []).append(card)
    for card in card_rows:
        if lane_kind[card["lane"]] == "opportunities" and pains.get(card["stage"]) and rng.random() < 0.5:
            card["addresses"] = rng.choice(pains[card["stage"]])["id"]
    channels = [{"id": _id(rng), "key": k, "name": k.replace("_", " ").capitalize(), "name_fr": "", "kind": "digital",
                 "brand_controlled": True, "icon": k, "position": i}
                for i, k in enumerate(["website", "call_centre", "email", "mobile_app", "in_store", "word_of_mouth"])]
    tp_rows, moments = [], []
    tp_lanes = [lane for lane in lane_rows if lane["kind"] == "touchpoints"]
    for i, stage in enumerate(stage_rows):
        for lane in tp_lanes:
            for j in range(rng.choice([1, 1, 2])):
                tp_rows.append({"id": _id(rng), "stage": stage["id"], "lane": lane["id"],
                                "channel": rng.choice(channels)["id"], "title": f"{rng.choice(WORDS).capitalize()} "
                                f"{rng.choice(WORDS)}", "description": "Customers " + " ".join(
                                    rng.choice(WORDS) for _ in range(rng.choice([0, 6, 14]))),
                                "owner_team": rng.choice(teams)["id"],
                                "evaluation": rng.choice(["delight", "neutral", "irritant"]),
                                "volume_share": rng.choice([None, 80, 35.5]), "volume_count": rng.choice(
                                    [None, 12000]), "volume_period": "month", "csat": None, "nps": None,
                                "evidence": [], "position": f"a{j}", "version": 1})
        if i % 4 == 2:
            moments.append({"id": _id(rng), "stage": stage["id"], "lane": None, "touchpoint": None,
                            "title": "The parcel arrives late", "rationale": "Customers decide to stay or leave here.",
                            "importance": 5, "impact": 4, "valence": "negative", "position": "a0", "version": 1})
    personas = [
        {"id": _id(rng), "name": "Camille, busy parent", "role": "Orders online twice a month",
         "quote": "I just want to know when it arrives.", "goals": "Get groceries delivered on time.",
         "needs": "Reliable slots\nClear tracking", "frustrations": "Vague delivery windows.",
         "behaviours": "Uses the app on the go.", "preferred_channels": ["Mobile app", "SMS"],
         "demographics": {"Age": "38", "City": "Lyon"}, "color": "#7c3aed", "avatar": False, "version": 1},
        {"id": _id(rng), "name": "Jordan, small business owner", "role": "Buys supplies for the shop",
         "quote": "Invoices must be right the first time.", "goals": "Keep stock without surprises.",
         "needs": "Invoices\nBulk orders", "frustrations": "Calling support twice.", "behaviours": "Desktop.",
         "preferred_channels": ["Website", "Email"], "demographics": {}, "color": "#0891b2", "avatar": False,
         "version": 1},
    ]
    emotions = []
    for persona in personas:
        for stage in stage_rows:
            emotions.append({"id": _id(rng), "stage": stage["id"], "persona": persona["id"],
                             "score": rng.randint(-3, 3), "note": "", "version": 1})
    return {
        "map": {"id": _id(rng), "workspace": _id(rng), "title": "Grocery delivery — current state",
                "goal": "Cut complaints about late deliveries by half before the summer peak.",
                "description": "", "kind": "current_state", "language": language, "based_on": None,
                "seq": 1, "version": 1, "archived": False, "updated_at": "2026-01-01T00:00:00+00:00"},
        "phases": phases, "stages": stage_rows, "lanes": lane_rows, "cards": card_rows, "touchpoints": tp_rows,
        "moments": moments, "emotions": emotions, "persona_links": [], "personas": personas, "teams": teams,
        "channels": channels,
    }


def map_from_document(workspace: Any, owner: Any, doc: dict[str, Any], *, title: str | None = None) -> Any:
    """A real map (through the write path) with the content of a synthetic document:
    phases, stages, lanes, cards with teams, priorities and links, touchpoints on the
    built-in channels, personas with emotion curves, moments of truth."""
    from maps.models import Team
    from maps.selectors import map_document
    from workspaces.services import team_add

    journey_map = map_create(workspace=workspace, title=title or doc["map"]["title"], actor_user=owner,
                             language=doc["map"]["language"], goal=doc["map"]["goal"], kind=doc["map"]["kind"])
    builtin = {c["key"]: c["id"] for c in map_document(map_id=journey_map.id)["channels"]}
    ids: dict[str, str] = {}

    def new(old: str | None) -> str | None:
        if old is None:
            return None
        return ids.setdefault(old, str(uuid.uuid4()))

    teams = {team.name: team for team in Team.objects.filter(workspace=workspace)}
    for team in doc["teams"]:
        existing = teams.get(team["name"]) or team_add(workspace=workspace, name=team["name"], color=team["color"])
        ids[team["id"]] = str(existing.id)
    for persona in doc["personas"]:
        fields = {k: v for k, v in persona.items() if k not in ("id", "version", "avatar")}
        ids[persona["id"]] = str(Persona.objects.create(workspace=workspace, **fields).id)
    for channel in doc["channels"]:
        ids[channel["id"]] = builtin[channel["key"]]
    ops: list[dict[str, Any]] = []

    def create(entity: str, row: dict[str, Any], **fields: Any) -> None:
        ops.append({"op": "create", "entity": entity, "id": new(row["id"]), "fields": fields})

    for phase in doc["phases"]:
        create("phase", phase, title=phase["title"], color=phase["color"])
    for stage in doc["stages"]:
        create("stage", stage, name=stage["name"], phase=new(stage["phase"]))
    for lane in doc["lanes"]:
        create("lane", lane, kind=lane["kind"], title=lane["title"], prompt=lane["prompt"])
    for card in doc["cards"]:
        create("card", card, stage=new(card["stage"]), lane=new(card["lane"]), text=card["text"],
               team=new(card["team"]), priority=card["priority"])
    for card in doc["cards"]:
        if card["addresses"]:
            ops.append({"op": "update", "entity": "card", "id": new(card["id"]),
                        "fields": {"addresses": new(card["addresses"])}})
    for tp in doc["touchpoints"]:
        create("touchpoint", tp, stage=new(tp["stage"]), lane=new(tp["lane"]), channel=new(tp["channel"]),
               title=tp["title"], description=tp["description"], owner_team=new(tp["owner_team"]),
               evaluation=tp["evaluation"], volume_share=tp["volume_share"], volume_count=tp["volume_count"],
               volume_period=tp["volume_period"] if tp["volume_count"] is not None else "")
    for persona in doc["personas"]:
        ops.append({"op": "create", "entity": "persona_link", "id": str(uuid.uuid4()),
                    "fields": {"persona": ids[persona["id"]]}})
    for emotion in doc["emotions"]:
        create("emotion", emotion, stage=new(emotion["stage"]), persona=ids[emotion["persona"]],
               score=emotion["score"], note=emotion["note"])
    for moment in doc["moments"]:
        create("moment", moment, stage=new(moment["stage"]), title=moment["title"], rationale=moment["rationale"],
               importance=moment["importance"], impact=moment["impact"], valence=moment["valence"])
    ack = apply(map_id=journey_map.id, actor=actor_for(owner, workspace.id), batch_id=f"t-{uuid.uuid4()}",
                ops=ops, role=Role.OWNER, max_ops=None)
    assert ack.status in ("ok", "rebased"), ack.error
    journey_map.refresh_from_db()
    return journey_map
