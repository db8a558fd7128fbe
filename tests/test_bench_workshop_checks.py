"""The workshop benchmarks' end-of-run checks can fail: a tampered document, a lost,
doubled or misplaced batch, a dot counted wrong are each reported
(bench/workshop_checks.py)."""

from __future__ import annotations

import copy
import sys
import uuid
from pathlib import Path

from maps.document import apply_ops, empty_document

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from workshop_checks import convergence_failures, loss_failures, vote_failures  # noqa: E402

STAGE, LANE = str(uuid.uuid4()), str(uuid.uuid4())


def committed_log() -> list[dict]:
    """Four committed batches as the op log holds them: a stage, a lane, two cards."""
    ops = [
        [{"op": "create", "entity": "stage", "id": STAGE, "fields": {"name": "Arrive", "position": "a0"}, "version": 1}],
        [{"op": "create", "entity": "lane", "id": LANE, "fields": {"title": "Does", "position": "a0"}, "version": 1}],
        [{"op": "create", "entity": "card", "id": "c1", "fields": {"stage": STAGE, "lane": LANE, "text": "One",
                                                                   "position": "a0"}, "version": 1}],
        [{"op": "update", "entity": "card", "id": "c1", "fields": {"text": "One, edited"}, "version": 2}],
    ]
    return [{"seq": seq, "batch_id": f"p1:{seq}", "actor": {}, "ops": batch} for seq, batch in enumerate(ops, 1)]


def rebuilt(log: list[dict]) -> dict:
    doc = empty_document({"title": "Map"})
    for batch in log:
        apply_ops(doc, batch["ops"], batch["seq"])
    return doc


def test_identical_documents_and_a_complete_log_pass():
    log = committed_log()
    server = rebuilt(log)
    assert convergence_failures(server, {"a": rebuilt(log), "b": copy.deepcopy(server)}) == []
    assert loss_failures({b["batch_id"]: b["seq"] for b in log}, log) == []


def test_a_tampered_client_document_is_a_divergence():
    log = committed_log()
    server = rebuilt(log)
    tampered = rebuilt(log)
    tampered["cards"][0]["text"] = "One"  # missed the last edit, seq claims otherwise
    behind = rebuilt(log[:3])
    failures = convergence_failures(server, {"ok": rebuilt(log), "tampered": tampered, "behind": behind,
                                             "never": None})
    assert [f.split(":")[0] for f in failures] == ["tampered", "behind", "never"]
    assert "differs in ['text']" in failures[0]
    assert "at seq 3, the server at 4" in failures[1]


def test_an_extra_card_is_named():
    log = committed_log()
    server = rebuilt(log)
    extra = rebuilt(log)
    extra["cards"].append({"id": "ghost", "stage": STAGE, "lane": LANE, "text": "?", "position": "b0"})
    (failure,) = convergence_failures(server, {"extra": extra})
    assert "cards: 1 extra ['ghost'], 0 missing" in failure


def test_a_lost_a_doubled_and_a_moved_batch_are_reported():
    log = committed_log()
    acked = {b["batch_id"]: b["seq"] for b in log}
    lost = [b for b in log if b["seq"] != 3]
    assert loss_failures(acked, lost) == ["p1:3: acked at seq 3, not in the op log",
                                          "the op log's seqs are not consecutive from 1 to 4"]
    doubled = [*log, {**log[1], "seq": 5}]
    assert loss_failures(acked, doubled) == ["p1:2: 2 times in the op log"]
    moved = [*log[:3], {**log[3], "batch_id": "p1:3"}]
    assert loss_failures(acked, moved) == ["p1:3: 2 times in the op log", "p1:4: acked at seq 4, not in the op log"]
    assert loss_failures({"p1:2": 3}, log) == ["p1:2: acked at seq 3, in the op log at 2"]


def reveal_log(votes: int) -> list[dict]:
    return [*committed_log(), {"seq": 5, "batch_id": "workshop:s:reveal:1", "actor": {}, "ops": [
        {"op": "update", "entity": "card", "id": "c1", "fields": {"votes": votes}, "version": 3}]}]


MINE = {"p1": [{"entity": "card", "id": "c1", "dots": 2}], "p2": [{"entity": "card", "id": "c1", "dots": 1}]}
RESULTS = [{"entity": "card", "id": "c1", "votes": 3}]


def test_a_dot_vote_counted_right_passes():
    assert vote_failures(MINE, 3, RESULTS, reveal_log(3), rebuilt(reveal_log(3))) == []
    # A dot on a card deleted before the reveal is left out of the results.
    gone = {**MINE, "p3": [{"entity": "card", "id": "deleted", "dots": 1}]}
    assert vote_failures(gone, 4, RESULTS, reveal_log(3), rebuilt(reveal_log(3))) == []
    # A card deleted after the reveal was still written by it.
    deleted = [*reveal_log(3), {"seq": 6, "batch_id": "p1:6", "actor": {}, "ops": [
        {"op": "delete", "entity": "card", "id": "c1", "version": 4}]}]
    assert vote_failures(MINE, 3, RESULTS, deleted, rebuilt(deleted)) == []
    # A card already at its count is not written again: the document says it.
    assert vote_failures(MINE, 3, RESULTS, committed_log(), rebuilt(reveal_log(3))) == []


def test_a_dot_miscounted_anywhere_is_reported():
    log, doc = reveal_log(3), rebuilt(reveal_log(3))
    assert vote_failures(MINE, 2, RESULTS, log, doc) == [
        "the facilitator counted 2 dots, the participants' echoes show 3"]
    assert vote_failures(MINE, 3, [{"entity": "card", "id": "c1", "votes": 4}], reveal_log(4), rebuilt(reveal_log(4))) == [
        "card c1: 4 dots revealed, the participants placed 3"]
    assert vote_failures(MINE, 3, RESULTS, reveal_log(2), rebuilt(reveal_log(2))) == [
        "card c1: 3 dots revealed, its votes field says 2"]
    assert vote_failures(MINE, 3, RESULTS, committed_log(), rebuilt(committed_log())) == [
        "card c1: 3 dots revealed, its votes field says None"]
    assert vote_failures(MINE, 3, [], log, doc) == ["card c1: 3 dots placed, none revealed"]
    assert vote_failures(MINE, 3, None, log, doc) == ["no results revealed"]
