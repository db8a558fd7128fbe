"""The end-of-run checks of the workshop benchmarks, pure functions over what the
clients hold and what the server answers (no network, no database), so that
``tests/test_bench_workshop_checks.py`` can show they fail on a divergence or a loss.

- convergence: every client's confirmed document equals the server's ``/document/``
  (compared on what the op log determines: ``maps.document.comparable``);
- nothing lost: every batch a client saw acknowledged (``ok``/``rebased``) is in the
  op log exactly once, at the ``seq`` its ack named;
- the dot vote (``bench/workshop.py``): every dot a participant's own echoes show is
  counted once, by the facilitator before the reveal and in the results after it,
  and the results are the items' ``votes`` in the server's document.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from maps.document import COLLECTIONS, apply_ops, comparable


def replayed(snapshot: dict[str, Any], batches: Iterable[list[dict[str, Any]]], seq: int) -> dict[str, Any]:
    """A client's confirmed document: its welcome snapshot (left as it was) with the
    ops of the batches it applied, in order, at ``seq``."""
    doc = copy.deepcopy(snapshot)
    for ops in batches:
        apply_ops(doc, ops)
    doc["map"]["seq"] = seq
    return doc


def convergence_failures(server_doc: dict[str, Any], client_docs: Mapping[str, dict[str, Any] | None]) -> list[str]:
    """One line per client whose document differs from the server's, naming the first difference."""
    expected = comparable(server_doc)
    failures = []
    for name, doc in client_docs.items():
        if doc is None:
            failures.append(f"{name}: no document (never welcomed)")
            continue
        got = comparable(doc)
        if got == expected:
            continue
        failures.append(f"{name}: {first_difference(expected, got)}")
    return failures


def first_difference(expected: dict[str, Any], got: dict[str, Any]) -> str:
    if got["seq"] != expected["seq"]:
        return f"at seq {got['seq']}, the server at {expected['seq']}"
    for collection in COLLECTIONS.values():
        mine = {item["id"]: item for item in got[collection]}
        theirs = {item["id"]: item for item in expected[collection]}
        if mine.keys() != theirs.keys():
            extra, missing = sorted(mine.keys() - theirs.keys()), sorted(theirs.keys() - mine.keys())
            return f"{collection}: {len(extra)} extra {extra[:3]}, {len(missing)} missing {missing[:3]}"
        for item_id, item in theirs.items():
            if mine[item_id] != item:
                keys = sorted(k for k in item.keys() | mine[item_id].keys() if item.get(k) != mine[item_id].get(k))
                return f"{collection} {item_id} differs in {keys}"
        if got[collection] != expected[collection]:
            return f"{collection}: same items in another order"
    return "differs"


def loss_failures(acked: Mapping[str, int | None], log: Iterable[dict[str, Any]]) -> list[str]:
    """``acked``: batch_id -> the seq of its ok/rebased ack; ``log``: the op log's batches
    (``GET .../operations/``: ``seq``, ``batch_id``, ...) from before the run to now."""
    log = list(log)
    counts = Counter(batch["batch_id"] for batch in log)
    seq_of = {batch["batch_id"]: batch["seq"] for batch in log}
    failures = []
    for batch_id, seq in acked.items():
        if counts[batch_id] == 0:
            failures.append(f"{batch_id}: acked at seq {seq}, not in the op log")
        elif counts[batch_id] > 1:
            failures.append(f"{batch_id}: {counts[batch_id]} times in the op log")
        elif seq is not None and seq_of[batch_id] != seq:
            failures.append(f"{batch_id}: acked at seq {seq}, in the op log at {seq_of[batch_id]}")
    seqs = sorted(batch["seq"] for batch in log)
    if seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs))):
        failures.append(f"the op log's seqs are not consecutive from {seqs[0]} to {seqs[-1]}")
    return failures


def vote_failures(my_votes: Mapping[str, list[dict[str, Any]]], counted: int | None,
                  results: list[dict[str, Any]] | None, log: Iterable[dict[str, Any]],
                  server_doc: dict[str, Any]) -> list[str]:
    """``my_votes``: each participant's dots as its last session frame showed them
    (``[{entity, id, dots}]``); ``counted``: the facilitator's ``counts.votes`` just
    before the reveal; ``results``: the revealed ``[{entity, id, votes}]``; ``log``:
    the op log since before the vote, which holds the reveal's batch (``workshop:
    <session>:reveal:<round>``: it writes the items' ``votes`` where they changed);
    ``server_doc``: the document now, for items the reveal had no need to write."""
    dots: Counter[tuple[str, str]] = Counter()
    for votes in my_votes.values():
        for vote in votes:
            dots[(vote["entity"], vote["id"])] += vote["dots"]
    failures = []
    if counted != sum(dots.values()):
        failures.append(f"the facilitator counted {counted} dots, the participants' echoes show {sum(dots.values())}")
    if results is None:
        return [*failures, "no results revealed"]
    written: dict[tuple[str, str], Any] = {}
    for batch in log:
        if batch["batch_id"].startswith("workshop:") and ":reveal:" in batch["batch_id"]:
            for op in batch["ops"]:
                written[(op["entity"], op["id"])] = op.get("fields", {}).get("votes")
    items = {(entity, item["id"]): item for entity, collection in COLLECTIONS.items()
             for item in server_doc.get(collection, [])}
    revealed = {(r["entity"], r["id"]): r["votes"] for r in results}
    for key, votes in revealed.items():
        if votes != dots[key]:
            failures.append(f"{key[0]} {key[1]}: {votes} dots revealed, the participants placed {dots[key]}")
        if key in written:
            stored = written[key]
        elif key in items:  # already at that count: nothing to write
            stored = items[key].get("votes")
        else:
            failures.append(f"{key[0]} {key[1]}: revealed, but the reveal did not write it")
            continue
        if stored != votes:
            failures.append(f"{key[0]} {key[1]}: {votes} dots revealed, its votes field says {stored}")
    for key, placed in dots.items():
        if key not in revealed and key in items:  # a deleted item is left out of the results
            failures.append(f"{key[0]} {key[1]}: {placed} dots placed, none revealed")
    return failures


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def latency_line(name: str, values: list[float]) -> str:
    return (f"{name}: p50 {percentile(values, .5):.1f} / p95 {percentile(values, .95):.1f} / "
            f"p99 {percentile(values, .99):.1f} ms (n={len(values)})")
