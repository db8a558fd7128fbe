"""The seed data (four templates in two languages, channel catalogue, icons) is consistent.

No database: the two data modules are plain Python and must stay importable without Django.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from templates_lib.builtin import BUILTIN_TEMPLATES
from touchpoints.builtin import BUILTIN_CHANNELS

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "static" / "img" / "channels"
SVG_NS = "{http://www.w3.org/2000/svg}"

TEMPLATE_KEYS = {"current_state", "future_state", "day_in_the_life", "service_blueprint"}
LANGUAGES = {"en", "fr"}
LANE_KINDS = {
    "text",
    "touchpoints",
    "emotion",
    "pain_points",
    "opportunities",
    "moments_of_truth",
    "line_of_interaction",
    "frontstage",
    "line_of_visibility",
    "backstage",
    "line_of_internal_interaction",
    "support",
    "metrics",
}
STAGE_COUNTS = {"current_state": 6, "future_state": 6, "day_in_the_life": 5, "service_blueprint": 5}
CHANNEL_KINDS = {"digital", "physical", "personal"}


def by_key_and_language() -> dict[tuple[str, str], dict]:
    return {(t["key"], t["language"]): t for t in BUILTIN_TEMPLATES}


def test_data_modules_do_not_import_django():
    code = "import sys, templates_lib.builtin, touchpoints.builtin; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_eight_templates_one_per_key_and_language():
    assert len(BUILTIN_TEMPLATES) == 8
    pairs = by_key_and_language()
    assert len(pairs) == 8
    assert set(pairs) == {(k, lang) for k in TEMPLATE_KEYS for lang in LANGUAGES}


@pytest.mark.parametrize("template", BUILTIN_TEMPLATES, ids=lambda t: f"{t['key']}-{t['language']}")
def test_template_shape(template):
    assert template["kind"] == template["key"]
    assert template["name"].strip()
    assert template["description"].strip()
    structure = template["structure"]
    assert set(structure) == {"phases", "stages", "lanes", "cards"}
    assert structure["cards"] == []
    phases = structure["phases"]
    assert all(p["title"].strip() for p in phases)
    assert len(structure["stages"]) == STAGE_COUNTS[template["key"]]
    for stage in structure["stages"]:
        assert stage["name"].strip()
        assert "description" in stage
        assert stage["phase"] is None or 0 <= stage["phase"] < len(phases)
    if phases:
        # Phases group consecutive stages and each phase holds at least one.
        indexes = [s["phase"] for s in structure["stages"]]
        assert indexes == sorted(indexes)
        assert set(indexes) == set(range(len(phases)))
    for lane in structure["lanes"]:
        assert lane["kind"] in LANE_KINDS
        assert lane["title"].strip()
        assert isinstance(lane["prompt"], str)
        if not lane["kind"].startswith("line_of_"):
            assert lane["prompt"].strip()


@pytest.mark.parametrize("key", sorted(TEMPLATE_KEYS))
def test_english_and_french_have_the_same_shape(key):
    pairs = by_key_and_language()
    en, fr = pairs[(key, "en")]["structure"], pairs[(key, "fr")]["structure"]
    assert len(en["phases"]) == len(fr["phases"])
    assert len(en["stages"]) == len(fr["stages"])
    assert [s["phase"] for s in en["stages"]] == [s["phase"] for s in fr["stages"]]
    assert [lane["kind"] for lane in en["lanes"]] == [lane["kind"] for lane in fr["lanes"]]
    assert pairs[(key, "en")]["name"] != pairs[(key, "fr")]["name"]


def test_french_typography_puts_a_no_break_space_before_double_punctuation():
    for template in BUILTIN_TEMPLATES:
        if template["language"] != "fr":
            continue
        s = template["structure"]
        texts = [template["name"], template["description"]]
        texts += [p["title"] for p in s["phases"]]
        texts += [x for st in s["stages"] for x in (st["name"], st["description"])]
        texts += [x for lane in s["lanes"] for x in (lane["title"], lane["prompt"])]
        for text in texts:
            assert not re.search(r"(^|[^\u00a0\u202f])[?!;:]", text), text
            assert "'" not in text, text


def test_service_blueprint_has_the_rows_and_lines_practitioners_expect_in_their_order():
    # Thoughts and feelings on top, then physical evidence above customer actions,
    # the line of interaction, frontstage, the line of visibility, backstage, the
    # line of internal interaction and support processes.
    expected = {
        "en": ["Thinks & feels", "Why they feel this way", "Physical evidence", "Customer actions",
               "Line of interaction", "Frontstage", "Line of visibility", "Backstage",
               "Line of internal interaction", "Support processes and systems"],
        "fr": ["Pensées et ressentis", "Raisons du ressenti", "Preuves physiques", "Actions du client",
               "Ligne d’interaction", "Front office", "Ligne de visibilité", "Back office",
               "Ligne d’interaction interne", "Processus et systèmes de support"],
    }
    for language in LANGUAGES:
        lanes = by_key_and_language()[("service_blueprint", language)]["structure"]["lanes"]
        assert [lane["kind"] for lane in lanes] == [
            "text", "text", "text", "text", "line_of_interaction", "frontstage", "line_of_visibility", "backstage",
            "line_of_internal_interaction", "support"]
        assert [lane["title"] for lane in lanes] == expected[language]


def test_sixteen_channels_with_unique_keys_and_positions():
    assert len(BUILTIN_CHANNELS) == 16
    keys = [c["key"] for c in BUILTIN_CHANNELS]
    assert len(set(keys)) == 16
    assert [c["position"] for c in BUILTIN_CHANNELS] == list(range(16))
    for channel in BUILTIN_CHANNELS:
        assert set(channel) == {"key", "name", "name_fr", "kind", "brand_controlled", "icon", "position"}
        assert re.fullmatch(r"[a-z][a-z_]*", channel["key"])
        assert channel["icon"] == channel["key"]
        assert channel["kind"] in CHANNEL_KINDS
        assert channel["name"].strip() and channel["name_fr"].strip()


def test_only_word_of_mouth_and_review_sites_escape_the_brand():
    outside = {c["key"] for c in BUILTIN_CHANNELS if not c["brand_controlled"]}
    assert outside == {"word_of_mouth", "review_sites"}


@pytest.mark.parametrize("icon", sorted({c["icon"] for c in BUILTIN_CHANNELS} | {"generic"}))
def test_every_channel_has_a_line_icon(icon):
    path = ICON_DIR / f"{icon}.svg"
    assert path.is_file(), path
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 24 24"
    assert root.get("fill") == "none"
    assert root.get("stroke") == "currentColor"
    assert len(root) > 0
