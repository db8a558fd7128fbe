#!/usr/bin/env python
"""Export benchmark: render seconds and peak memory of the print renderer.

Each case runs in a fresh process (import included, as a cold worker would pay
it once) on a synthetic map document; no database is needed.

    .venv/bin/python bench/export.py            # 50, 500, 1,500 cards (PDF) + PNG of 1,500
    .venv/bin/python bench/export.py --out /tmp/bench   # also keep the files
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

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


CASES = [
    ("50 cards, PDF A3", dict(stages=6, lanes=7, cards=50), "pdf"),
    ("500 cards, PDF A3", dict(stages=15, lanes=9, cards=500), "pdf"),
    ("1,500 cards, PDF A3", dict(stages=30, lanes=12, cards=1500), "pdf"),
    ("1,500 cards, PNG 150 dpi", dict(stages=30, lanes=12, cards=1500), "png"),
]


def _child(spec: str) -> None:
    import resource

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    django.setup()
    from exports.services.render import ExportOptions, render

    args = json.loads(spec)
    doc = synthetic_document(**args["size"])
    options = ExportOptions(format=args["format"], paper="A3", dpi=150)
    data, info = render(doc, options)
    seconds = time.perf_counter() - started
    if args.get("out"):
        Path(args["out"]).write_bytes(data)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak_mb), "bytes": len(data), "info": info}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="folder to keep the rendered files in")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    print(f"{'case':28} {'seconds':>8} {'peak MB':>8} {'size KB':>8}  details")
    for name, size, fmt in CASES:
        out = str(Path(args.out) / f"{name.split(',')[0].replace(' ', '-')}.{fmt}") if args.out else None
        spec = json.dumps({"size": size, "format": fmt, "out": out})
        env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:///:memory:")}
        result = subprocess.run([sys.executable, __file__, "--child", spec], capture_output=True, text=True, env=env,
                                cwd=ROOT)
        if result.returncode:
            print(f"{name:28} failed:\n{result.stderr[-2000:]}")
            continue
        row = json.loads(result.stdout.strip().splitlines()[-1])
        info = row["info"]
        details = (f"{info.get('pages')} pages" if fmt == "pdf"
                   else f"{info['width']}x{info['height']} px at {info['dpi']} dpi")
        print(f"{name:28} {row['seconds']:8.2f} {row['peak_mb']:8d} {row['bytes'] // 1024:8d}  {details}")


if __name__ == "__main__":
    main()
