"""The OpenAPI schema and the write path agree on every field of every entity.

For each field, boundary values are derived from the *schema* alone (a string at
its maxLength and one over, every enum member and one outside, an integer at its
minimum, maximum and one past each, null, a value of the wrong type ...), and
what the schema says of each is checked twice: against the field's validator
(``maps.entities``) and through the REST API (a nested create, or a PATCH of the
map). A limit that differs between the two, in either direction, fails here;
``test_a_drift_is_caught`` shows it does.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from maps.entities import ENTITIES
from maps.entity_serializers import NESTED_ENTITIES
from maps.errors import FieldInvalid
from maps.operations import SERVICE_FIELDS
from reviews.services import REVIEW_SETTINGS

SEGMENT = {"phase": "phases", "stage": "stages", "lane": "lanes", "card": "cards", "touchpoint": "touchpoints",
           "moment": "moments", "emotion": "emotions"}
PLACEMENT = {"after", "before", "position"}
# A value of a given length that matches each pattern the schema uses; a pattern
# without one here fails the test (add a sample for it).
PATTERN_SAMPLES = {
    r"^#[0-9a-fA-F]{6}$": lambda length: "#1A2b3c"[:length] + "f" * max(0, length - 7),
    r"^https?://": lambda length: "https://example.org/" + "p" * max(0, length - 20),
    r"^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$": lambda length: "2026-03-31"[:length],
    r"^[a-z][a-z0-9_]{0,39}$": lambda length: ("csat" + "_" * 36)[:length],
}


# --- reading the schema ----------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _deref(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def flatten(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A property with references, ``allOf`` and ``oneOf`` resolved: ``oneOf``
    becomes a list of ``alternatives``."""
    node = _deref(doc, node)
    out = {key: value for key, value in node.items() if key not in ("allOf", "oneOf", "anyOf")}
    for part in node.get("allOf", []):
        out = {**flatten(doc, part), **out}
    if alternatives := node.get("oneOf") or node.get("anyOf"):
        out["alternatives"] = [flatten(doc, part) for part in alternatives]
    if "items" in out:
        out["items"] = flatten(doc, out["items"])
    if "properties" in out:
        out["properties"] = {key: flatten(doc, value) for key, value in out["properties"].items()}
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = flatten(doc, out["additionalProperties"])
    return out


def component(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return flatten(doc, {"$ref": f"#/components/schemas/{name}"})


def accepts(prop: dict[str, Any], value: Any) -> bool:
    """Whether the (flattened) schema property admits ``value``."""
    if value is None:
        return bool(prop.get("nullable")) or any(accepts(alt, None) for alt in prop.get("alternatives", []))
    if "alternatives" in prop:
        return any(accepts(alt, value) for alt in prop["alternatives"])
    if "enum" in prop:
        return value in prop["enum"]
    kind = prop.get("type")
    if kind == "string":
        if not isinstance(value, str):
            return False
        if len(value) < prop.get("minLength", 0) or len(value) > prop.get("maxLength", len(value)):
            return False
        if "pattern" in prop and not re.search(prop["pattern"], value):
            return False
        if prop.get("format") == "uuid":
            try:
                uuid.UUID(value)
            except ValueError:
                return False
        return True
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int if kind == "integer" else int | float):
            return False
        return prop.get("minimum", value) <= value <= prop.get("maximum", value)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return (isinstance(value, list) and len(value) <= prop.get("maxItems", len(value))
                and all(accepts(prop["items"], item) for item in value))
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        # A map: any keys (matching propertyNames), each value of one schema.
        return (isinstance(value, dict) and len(value) <= prop.get("maxProperties", len(value))
                and all(accepts(_key_schema(prop), key) for key in value)
                and all(accepts(prop["additionalProperties"], item) for item in value.values()))
    if kind == "object":
        if isinstance(value, dict) and prop.get("additionalProperties") is False and (
                set(value) - set(prop.get("properties", {}))):
            return False
        return (isinstance(value, dict) and all(key in value for key in prop.get("required", []))
                and all(accepts(prop["properties"][key], item) for key, item in value.items()
                        if key in prop.get("properties", {})))
    raise AssertionError(f"unexpected schema {prop}")


def _key_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """What a map's keys must match (``x-key-pattern``: OpenAPI 3.0 has no propertyNames)."""
    return {"type": "string", **({"pattern": prop["x-key-pattern"]} if "x-key-pattern" in prop else {})}


def candidates(prop: dict[str, Any]) -> list[Any]:
    """Values at and around every limit the property states, and of wrong types."""
    values: list[Any] = [None]
    for alt in prop.get("alternatives", []):
        values += candidates(alt)
    if "enum" in prop:
        return values + [v for v in prop["enum"] if v is not None] + ["not-one-of-them", 12]
    kind = prop.get("type")
    if kind is None and "alternatives" in prop:
        return values
    if kind == "string":
        values += [12, ""]
        if prop.get("format") == "uuid":
            return values + [str(uuid.uuid4()), "not-a-uuid"]
        make = "x".__mul__
        if "pattern" in prop:
            assert prop["pattern"] in PATTERN_SAMPLES, f"add a sample for the pattern {prop['pattern']!r}"
            make = PATTERN_SAMPLES[prop["pattern"]]
            values += [make(0) or "x", "no match"]
        values.append(make(min(prop.get("maxLength", 30), 30)))
        if "maxLength" in prop:
            values += [make(prop["maxLength"]), make(prop["maxLength"] + 1)]
        return values
    if kind in ("integer", "number"):
        step = 1 if kind == "integer" else 0.5
        values += ["1", True, 10**15, -(10**15)]
        if kind == "integer":
            values.append(1.5)
        for bound, past in (("minimum", -step), ("maximum", step)):
            if bound in prop:
                values += [prop[bound], prop[bound] + past]
        return values
    if kind == "boolean":
        return values + [True, False, "true", 1]
    if kind == "array":
        def valid_items(count: int) -> list[Any]:
            # Made afresh each time: items that carry an id get distinct ones.
            return [next(v for v in candidates(prop["items"]) if accepts(prop["items"], v)) for _ in range(count)]

        values += ["x", [], valid_items(1)]
        values += [[v] for v in candidates(prop["items"])]
        if "maxItems" in prop:
            values += [valid_items(prop["maxItems"]), valid_items(prop["maxItems"] + 1)]
        return values
    if kind == "object" and isinstance(prop.get("additionalProperties"), dict):
        item = prop["additionalProperties"]
        valid_item = next(v for v in candidates(item) if accepts(item, v))
        keys = [k for k in candidates(_key_schema(prop)) if isinstance(k, str)]
        values += ["x", {}, *({key: valid_item} for key in keys), *({"csat": v} for v in candidates(item))]
        if "maxProperties" in prop:
            for count in (prop["maxProperties"], prop["maxProperties"] + 1):
                values.append({f"k{n}": valid_item for n in range(count)})
        return values
    if kind == "object":
        valid = {key: next(v for v in candidates(sub) if accepts(sub, v))
                 for key, sub in prop["properties"].items() if key in prop.get("required", [])}
        values += [valid, {}, "x"]
        for key, sub in prop["properties"].items():
            values += [{**valid, key: v} for v in candidates(sub)]
        return values
    raise AssertionError(f"unexpected schema {prop}")


def disagreements(validator: Any, prop: dict[str, Any]) -> list[str]:
    """The boundary values on which the validator and the schema disagree."""
    found = []
    for value in candidates(prop):
        try:
            validator(value)
            taken = True
        except FieldInvalid:
            taken = False
        if taken != accepts(prop, value):
            found.append(f"{_short(value)}: schema {'accepts' if accepts(prop, value) else 'refuses'}, "
                         f"validator {'accepts' if taken else 'refuses'}")
    return found


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else f"{text[:40]}... ({len(text)} chars)"


# --- every field -------------------------------------------------------------------------


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _request_component(entity: str) -> str:
    return "PatchedMapUpdateRequest" if entity == "map" else f"{_camel(entity)}CreateRequest"


def _validators(entity: str) -> dict[str, Any]:
    return {**ENTITIES[entity].fields, **SERVICE_FIELDS.get(entity, {})}


FIELDS = [(entity, name) for entity in ("map", *NESTED_ENTITIES) for name in _validators(entity)]


def test_every_nested_entity_has_exactly_its_fields_in_the_schema(schema):
    for entity in NESTED_ENTITIES:
        spec = ENTITIES[entity]
        create = component(schema, f"{_camel(entity)}CreateRequest")
        placement = PLACEMENT if spec.ordered else set()
        assert set(create["properties"]) == {"id", *spec.fields, *placement}, entity
        assert set(create.get("required", [])) == set(spec.required), entity
        update = component(schema, f"Patched{_camel(entity)}UpdateRequest")
        assert set(update["properties"]) == {"if_version", *spec.fields, *placement}, entity
        item = component(schema, _camel(entity))
        assert set(item["properties"]) == {"id", "version", *spec.columns}, entity
    update = component(schema, "PatchedMapUpdateRequest")
    # The map's stewardship fields are not content: ``reviews.services`` writes them.
    assert set(update["properties"]) == set(_validators("map")) | set(REVIEW_SETTINGS)


@pytest.mark.parametrize(("entity", "name"), FIELDS, ids=[f"{e}.{n}" for e, n in FIELDS])
def test_schema_and_validator_agree_on_every_value_at_the_limits(schema, entity, name):
    prop = component(schema, _request_component(entity))["properties"][name]
    if prop.get("type") in ("integer", "number"):
        assert "minimum" in prop and "maximum" in prop, f"{entity}.{name} is unbounded in the schema"
    assert disagreements(_validators(entity)[name], prop) == []


# --- the same values through the REST API ---------------------------------------------------


def _valid_refs(world: Any, entity: str) -> dict[str, str]:
    ids = world.ids
    lane = ids["tp_lane"] if entity in ("touchpoint", "moment") else ids["lane"]
    return {"stage": ids["stage2"], "lane": lane, "phase": ids["phase"], "team": ids["team"],
            "owner_team": ids["team"], "channel": ids["channel"], "persona": ids["persona"],
            "touchpoint": ids["touchpoint"], "addresses": ids["card"]}


def _base_body(world: Any, entity: str) -> dict[str, Any]:
    refs = _valid_refs(world, entity)
    body: dict[str, Any] = {}
    for key in ENTITIES[entity].required:
        body[key] = refs[key] if key in refs else {"score": 1}.get(key, "A title")
    return body


@pytest.mark.django_db
@pytest.mark.parametrize(("entity", "name"), FIELDS, ids=[f"{e}.{n}" for e, n in FIELDS])
def test_the_rest_api_accepts_and_refuses_what_the_schema_says(schema, world, entity, name):
    prop = component(schema, _request_component(entity))["properties"][name]
    client = world.client("editor")
    ref = _valid_refs(world, entity).get(name) if name in ENTITIES[entity].refs else None
    tried = 0
    for value in candidates(prop):
        expected = accepts(prop, value)
        if ref is not None and expected and value is not None:
            value = ref  # a well-formed id must name a row this map may use
        if name == "attachments" and expected and value:
            continue  # entries come from uploads: only the server signs them (tests/touchpoints)
        if entity == "map":
            response = client.patch(f"/api/v1/maps/{world.map.id}/", {name: value}, format="json")
            ok_status = 200
        else:
            body = {**_base_body(world, entity), name: value}
            response = client.post(f"/api/v1/maps/{world.map.id}/{SEGMENT[entity]}/", body, format="json")
            ok_status = 201
        if expected:
            assert response.status_code == ok_status, (_short(value), response.json())
        else:
            assert response.status_code == 400, (_short(value), response.status_code)
            assert name in response.json()["fields"], (_short(value), response.json())
        tried += 1
    assert tried >= 4


# --- and it would notice ---------------------------------------------------------------------


def test_a_drift_is_caught(schema):
    from maps.validators import Integer, Text

    touchpoint = component(schema, "TouchpointCreateRequest")["properties"]
    count, title, evaluation = touchpoint["volume_count"], touchpoint["title"], touchpoint["evaluation"]
    spec = ENTITIES["touchpoint"].fields
    assert disagreements(spec["volume_count"], count) == []
    # The schema drifts: a limit lost, a limit moved, a choice added, null allowed.
    assert disagreements(spec["volume_count"], {k: v for k, v in count.items() if k != "maximum"})
    assert disagreements(spec["title"], {**title, "maxLength": title["maxLength"] + 1})
    assert disagreements(spec["title"], {**title, "nullable": True})
    assert disagreements(spec["evaluation"], {**evaluation, "alternatives": [
        *evaluation["alternatives"], {"enum": ["furious"]}]})
    # The validator drifts.
    assert disagreements(Text(title["maxLength"] - 1, blank=False), title)
    assert disagreements(Integer(0, 10**12, nullable=True), count)
    assert disagreements(Integer(0, count["maximum"]), count)
