"""Deriving the emotion curve from touchpoints, and ranking what to fix first."""

from __future__ import annotations

from typing import Any

import pytest

from touchpoints.emotions import derive_emotions, derive_ops, volume_weights
from touchpoints.priorities import rank_priorities

S1, S2, S3 = "s-1", "s-2", "s-3"


def doc(touchpoints: list[dict[str, Any]], emotions: list[dict[str, Any]] = (), moments: list[dict[str, Any]] = ()
        ) -> dict[str, Any]:
    return {
        "stages": [{"id": S1, "name": "Compare"}, {"id": S2, "name": "Buy"}, {"id": S3, "name": "Get help"}],
        "touchpoints": touchpoints,
        "emotions": list(emotions),
        "moments": list(moments),
    }


def tp(id: str, stage: str, evaluation: str = "", **volume: Any) -> dict[str, Any]:
    return {"id": id, "stage": stage, "title": id.title(), "evaluation": evaluation,
            "volume_share": volume.get("share"), "volume_count": volume.get("count"),
            "volume_period": volume.get("period", "")}


def moment(id: str, stage: str, importance: int, impact: int, touchpoint: str | None = None) -> dict[str, Any]:
    return {"id": id, "stage": stage, "title": id.title(), "touchpoint": touchpoint, "importance": importance,
            "impact": impact, "valence": "mixed"}


def test_a_frequent_irritant_outweighs_a_rare_delight() -> None:
    proposals = derive_emotions(doc([tp("hotline", S1, "irritant", share=80), tp("chat", S1, "delight", share=20)]))
    # (80 x -3 + 20 x 3) / 100 = -1.8 -> -2
    assert [(p["stage"], p["score"]) for p in proposals] == [(S1, -2)]


def test_counts_are_compared_per_month_and_unmeasured_touchpoints_weigh_fifty() -> None:
    # 100 a day (3,000 a month) against 1,000 a month: the daily one weighs 100, the other 33.3.
    daily_delight = tp("app", S2, "delight", count=100, period="day")
    monthly_irritant = tp("letter", S2, "irritant", count=1000, period="month")
    weights = volume_weights([daily_delight, monthly_irritant, tp("shop", S3, "neutral")])
    assert weights["app"] == 100.0 and round(weights["letter"], 1) == 33.3 and weights["shop"] is None
    proposals = {p["stage"]: p["score"] for p in derive_emotions(doc([daily_delight, monthly_irritant]))}
    assert proposals == {S2: 2}  # (100 x 3 - 33.3 x 3) / 133.3 = 1.5 -> 2 (half away from zero)
    unmeasured = derive_emotions(doc([tp("shop", S3, "irritant"), tp("web", S3, "neutral")]))
    assert [p["score"] for p in unmeasured] == [-2]  # (-3 x 50 + 0 x 50) / 100 = -1.5 -> -2


def test_stages_without_evaluated_touchpoints_get_no_proposal() -> None:
    proposals = derive_emotions(doc([tp("web", S1), tp("zero", S2, "irritant", share=0)]))
    assert proposals == []


def test_the_proposal_updates_existing_points_creates_missing_ones_and_skips_unchanged() -> None:
    emotions = [{"id": "e-1", "stage": S1, "persona": None, "score": 1},
                {"id": "e-2", "stage": S2, "persona": None, "score": 3},
                {"id": "e-3", "stage": S1, "persona": "p-1", "score": -3}]
    touchpoints = [tp("a", S1, "irritant"), tp("b", S2, "delight"), tp("c", S3, "neutral")]
    proposals = derive_emotions(doc(touchpoints, emotions))
    assert [(p["score"], p["current"]) for p in proposals] == [(-3, 1), (3, 3), (0, None)]
    ops = derive_ops(proposals)
    assert ops[0] == {"op": "update", "entity": "emotion", "id": "e-1", "fields": {"score": -3}}
    assert len(ops) == 2 and ops[1]["op"] == "create" and ops[1]["fields"] == {"stage": S3, "score": 0}
    # A persona's curve is its own: its point at S1 already says -3.
    persona_ops = derive_ops(derive_emotions(doc(touchpoints, emotions), persona="p-1"), persona="p-1")
    assert [op["op"] for op in persona_ops] == ["create", "create"]
    assert all(op["fields"]["persona"] == "p-1" for op in persona_ops)


@pytest.mark.django_db
def test_a_derived_proposal_applies_as_one_batch_through_the_write_path(owner: Any, workspace: Any) -> None:
    from maps.models import EmotionPoint, Operation
    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from templates_lib.models import MapTemplate
    from templates_lib.services import ensure_builtin_templates, map_from_template

    ensure_builtin_templates()
    template = MapTemplate.objects.get(workspace=None, key="current_state", language="en")
    journey_map = map_from_template(template=template, workspace=workspace, title="Derived", actor_user=owner)
    document = map_document(map_id=journey_map.id)
    lane = next(lane["id"] for lane in document["lanes"] if lane["kind"] == "touchpoints")
    stages = [s["id"] for s in document["stages"]]
    actor = actor_for(owner, workspace.id)
    ack = apply(map_id=journey_map.id, actor=actor, batch_id="tps", ops=[
        {"op": "create", "entity": "touchpoint", "id": "0b7c1a3e-6c1d-4d5e-9f60-7a8b9c0d1e2f",
         "fields": {"stage": stages[0], "lane": lane, "title": "Ads", "evaluation": "delight", "volume_share": 90}},
        {"op": "create", "entity": "touchpoint", "id": "1c8d2b4f-7d2e-4e6f-8a71-8b9c0d1e2f30",
         "fields": {"stage": stages[3], "lane": lane, "title": "Hotline", "evaluation": "irritant"}},
    ])
    assert ack.status == "ok", ack.error
    before = Operation.objects.filter(map=journey_map).count()
    ops = derive_ops(derive_emotions(map_document(map_id=journey_map.id)))
    ack = apply(map_id=journey_map.id, actor=actor, batch_id="derive", ops=ops)
    assert ack.status == "ok", ack.error
    assert Operation.objects.filter(map=journey_map).count() == before + 1
    scores = {str(e.stage_id): e.score for e in EmotionPoint.objects.filter(map=journey_map)}
    assert scores == {stages[0]: 3, stages[3]: -3}


def test_moments_rank_by_importance_times_impact_then_volume() -> None:
    touchpoints = [tp("hotline", S3, "irritant", share=60), tp("letter", S2, "irritant", count=10, period="month"),
                   tp("web", S1, "delight", share=90)]
    moments = [moment("delivery", S2, 5, 4), moment("first-call", S3, 4, 5, touchpoint="hotline"),
               moment("ad", S1, 2, 2, touchpoint="web")]
    ranked = rank_priorities(doc(touchpoints, moments=moments))
    # delivery and first-call tie at 20; first-call's touchpoint has volume 60, delivery none.
    assert [(e["id"], e["weight"]) for e in ranked] == [
        ("first-call", 20), ("delivery", 20), ("ad", 4), ("letter", 0)]
    assert ranked[0]["irritant"] and ranked[0]["volume"] == 60.0 and ranked[0]["rank"] == 1
    # The irritant hotline is covered by its moment of truth: listed once.
    assert [e["kind"] for e in ranked].count("touchpoint") == 1


def test_the_volume_order_puts_the_busiest_first_and_unmeasured_last() -> None:
    touchpoints = [tp("hotline", S3, "irritant", share=60), tp("letter", S2, "irritant", count=10, period="month"),
                   tp("web", S1, "delight", share=90), tp("shop", S1, "irritant")]
    moments = [moment("ad", S1, 2, 2, touchpoint="web"), moment("delivery", S2, 5, 5)]
    ranked = rank_priorities(doc(touchpoints, moments=moments), by="volume")
    # letter: 10 a month is the busiest count on the map -> 100; delivery outranks shop by weight.
    assert [e["id"] for e in ranked] == ["letter", "ad", "hotline", "delivery", "shop"]
    assert ranked[0]["volume"] == 100.0


# ---- the write path refuses what rich lanes must not hold ------------------------------------

def _other_map_stage_and_card(grid: Any, owner: Any) -> tuple[str, str]:
    """A stage and a card on another map of the same workspace."""
    import uuid

    from maps.operations import actor_for, apply
    from tests.factories import MapFactory

    other = MapFactory(workspace=grid.map.workspace, title="Another journey")
    stage, lane, card = (str(uuid.uuid4()) for _ in range(3))
    ack = apply(map_id=other.id, actor=actor_for(owner, other.workspace_id), batch_id="other", ops=[
        {"op": "create", "entity": "stage", "id": stage, "fields": {"name": "Elsewhere"}},
        {"op": "create", "entity": "lane", "id": lane, "fields": {"title": "Pains", "kind": "pain_points"}},
        {"op": "create", "entity": "card", "id": card, "fields": {"stage": stage, "lane": lane, "text": "Far away"}},
    ])
    assert ack.status == "ok", ack.error
    return stage, card


def _refused(ack: Any, code: str, field: str) -> None:
    assert ack.status == "rejected"
    assert ack.error["code"] == code, ack.error
    assert ack.error["field"] == field, ack.error


@pytest.mark.parametrize("score", [4, -4, 1.5, "2"])
def test_an_emotion_score_outside_minus_three_to_three_is_refused_naming_the_field(grid: Any, editor: Any,
                                                                                    score: Any) -> None:
    import uuid

    ack = grid.push(editor, [{"op": "create", "entity": "emotion", "id": str(uuid.uuid4()),
                              "fields": {"stage": grid.stages[0], "score": score}}])
    _refused(ack, "invalid", "score")


@pytest.mark.parametrize(("field", "value"), [("importance", 0), ("importance", 6), ("impact", 9)])
def test_a_moment_of_truth_rated_outside_one_to_five_is_refused(grid: Any, editor: Any, field: str,
                                                                 value: int) -> None:
    import uuid

    ack = grid.push(editor, [{"op": "create", "entity": "moment", "id": str(uuid.uuid4()),
                              "fields": {"stage": grid.stages[0], "title": "Delivery", field: value}}])
    _refused(ack, "invalid", field)


def test_a_touchpoint_on_another_maps_stage_is_refused(grid: Any, owner: Any, editor: Any) -> None:
    import uuid

    stage, _card = _other_map_stage_and_card(grid, owner)
    ack = grid.push(editor, [{"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                              "fields": {"stage": stage, "lane": grid.lanes[0], "title": "Hotline"}}])
    _refused(ack, "not_found", "stage")


def test_a_change_linked_to_a_pain_point_of_another_map_is_refused(grid: Any, owner: Any, editor: Any) -> None:
    _stage, far_card = _other_map_stage_and_card(grid, owner)
    change = grid.card(editor, text="Call back within an hour")
    ack = grid.push(editor, [{"op": "update", "entity": "card", "id": change, "fields": {"addresses": far_card}}])
    _refused(ack, "not_found", "addresses")


@pytest.mark.parametrize("field,value", [("volume_share", 120), ("csat", -1), ("nps", 101),
                                         ("evaluation", "great"),
                                         ("evidence", [{"url": "javascript:alert(1)", "label": "x"}])])
def test_touchpoint_fields_out_of_range_are_refused_naming_the_field(grid: Any, editor: Any, field: str,
                                                                     value: Any) -> None:
    import uuid

    ack = grid.push(editor, [{"op": "create", "entity": "touchpoint", "id": str(uuid.uuid4()),
                              "fields": {"stage": grid.stages[0], "lane": grid.lanes[0], "title": "Web",
                                         field: value}}])
    _refused(ack, "invalid", field)


# ---- persona avatars: checked by content and size ------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


@pytest.mark.parametrize(("content", "declared", "code"), [
    (b"<svg onload=alert(1)>", "image/png", "invalid"),  # not an image at all
    (JPEG, "image/png", "invalid"),  # an image, but not the type it claims
    (PNG + b"\x00" * 200, "image/png", "too_large"),  # over the configured size
])
def test_an_avatar_that_is_not_what_it_claims_or_too_big_is_refused(settings: Any, content: bytes, declared: str,
                                                                   code: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maps.errors import OpError
    from personas.services import avatar_checked

    settings.AVATAR_MAX_BYTES = 200
    with pytest.raises(OpError) as refused:
        avatar_checked(SimpleUploadedFile("me.png", content, content_type=declared))
    assert (refused.value.code, refused.value.field) == (code, "avatar")


def test_an_avatar_whose_content_matches_its_type_is_accepted(settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maps.errors import OpError
    from personas.services import avatar_checked
    from tests.touchpoints import samples

    # A real JPEG: its size is read from its frame header (a bare signature is refused).
    picture = samples.jpeg()
    settings.AVATAR_MAX_BYTES = len(picture)
    data, kind = avatar_checked(SimpleUploadedFile("me.jpg", picture, content_type="image/jpeg"))
    assert (data, kind) == (picture, "image/jpeg")
    with pytest.raises(OpError) as refused:
        avatar_checked(SimpleUploadedFile("me.jpg", JPEG, content_type="image/jpeg"))
    assert (refused.value.code, refused.value.field) == ("invalid", "avatar")
