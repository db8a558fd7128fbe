"""Benchmark of the single write path on PostgreSQL (default durability).

Single-op batches through ``maps.operations.apply`` on one map:
  1. one writer: latency p50/p95/p99;
  2. 8 concurrent writers: committed batches/s and latency;
  3. with ``--group``: the 8 writers as 2 processes x 4 threads sharing one database
     thread per process (as sockets do in daphne), one at a time, then by group commit;
  4. with ``--compete N``: N busy-loop processes take cores during runs 2 and 3.
Targets (issue "Core"): p95 <= 10 ms with one writer; >= 300 batches/s with 8 writers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/apply.py
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import time
import uuid

from _setup import bench_database, percentiles

# Measure production settings: DEBUG keeps a log of every query.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", type=int, default=1000, help="batches for the one-writer run")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the 8-writer run")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--group", action="store_true",
                        help="also: the writers as 2 processes x 4 threads sharing one database thread per process "
                             "(as daphne's sockets do), committing one at a time and then by group commit")
    parser.add_argument("--compete", type=int, default=0, metavar="N",
                        help="N CPU-bound processes (a busy loop each) run during the multi-writer runs, as other "
                             "work on the same machine would (issue #20: >= 300 batches/s with two competing)")
    args = parser.parse_args()

    bench_database("apply")
    from django.db import connection

    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from maps.services import map_create
    from tests.factories import UserFactory
    from workspaces.services import workspace_create

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        sync_commit = cursor.fetchone()[0]
    user = UserFactory(username="bench")
    workspace = workspace_create(name="Bench", owner=user)
    structure = {"stages": [{"name": f"Stage {i}"} for i in range(10)], "lanes": [{"title": f"Lane {i}"} for i in range(6)]}
    journey_map = map_create(workspace=workspace, title="Bench map", structure=structure, actor_user=user)
    doc = map_document(map_id=journey_map.id)
    stages = [s["id"] for s in doc["stages"]]
    lanes = [lane["id"] for lane in doc["lanes"]]
    actor = actor_for(user, workspace.id)

    def one_batch(rng: random.Random, tag: str, cards: list[str]) -> float:
        if cards and rng.random() < 0.6:
            op = {"op": "update", "entity": "card", "id": rng.choice(cards), "fields": {"text": f"edit {tag}"}}
        else:
            card = str(uuid.uuid4())
            cards.append(card)
            op = {"op": "create", "entity": "card", "id": card,
                  "fields": {"stage": rng.choice(stages), "lane": rng.choice(lanes), "text": f"card {tag}"}}
        started = time.perf_counter()
        ack = apply(map_id=journey_map.id, actor=actor, batch_id=f"b:{tag}", ops=[op])
        elapsed = time.perf_counter() - started
        assert ack.status in ("ok", "rebased"), ack.error
        return elapsed

    # Warm up connections and caches.
    rng = random.Random(1)
    warm: list[str] = []
    for i in range(50):
        one_batch(rng, f"warm{i}", warm)

    cards: list[str] = []
    cpu_started = time.process_time()
    single = [one_batch(rng, f"s{i}", cards) for i in range(args.single)]
    cpu_per_batch = (time.process_time() - cpu_started) / args.single
    p = percentiles(single)
    print(f"PostgreSQL synchronous_commit={sync_commit}; load average {os.getloadavg()[0]:.2f} at start")
    # Python time per batch is what the lock holder and its seven rivals share two cores for;
    # unlike latency it hardly moves with other load on the machine.
    print(f"Python CPU per batch (one writer): {cpu_per_batch * 1000:.2f} ms")
    print(f"one writer, {args.single} single-op batches: "
          f"p50 {p['p50'] * 1000:.2f} ms  p95 {p['p95'] * 1000:.2f} ms  p99 {p['p99'] * 1000:.2f} ms  "
          f"({args.single / sum(single):.0f} batches/s)  target p95 <= 10 ms: {'MET' if p['p95'] <= 0.010 else 'MISSED'}")

    # Eight writers are eight processes, as they would be in production (several
    # daphne and worker processes): threads of one process would measure the GIL.
    connection.close()
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    go = ctx.Event()

    def writer(index: int) -> None:
        local_rng = random.Random(100 + index)
        mine: list[str] = []
        local: list[float] = []
        one_batch(local_rng, f"w{index}:warm", mine)
        go.wait()
        stop = time.perf_counter() + args.seconds
        n = 0
        while time.perf_counter() < stop:
            local.append(one_batch(local_rng, f"w{index}:{n}", mine))
            n += 1
        connection.close()
        results.put(local)

    rivals = [ctx.Process(target=busy_loop, daemon=True) for _ in range(args.compete)]
    for rival in rivals:
        rival.start()
    processes = [ctx.Process(target=writer, args=(i,)) for i in range(args.writers)]
    for process in processes:
        process.start()
    time.sleep(1.0)
    started = time.perf_counter()
    go.set()
    latencies: list[float] = []
    for _ in processes:
        latencies.extend(results.get(timeout=args.seconds + 60))
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    total = len(latencies)
    p = percentiles(latencies)
    rate = total / elapsed
    print(f"{args.writers} writer processes, {elapsed:.1f} s: {total} batches committed, {rate:.0f} batches/s  "
          f"p50 {p['p50'] * 1000:.2f} ms  p95 {p['p95'] * 1000:.2f} ms  p99 {p['p99'] * 1000:.2f} ms  "
          f"target >= 300/s: {'MET' if rate >= 300 else 'MISSED'}"
          + (f"  ({args.compete} CPU-bound processes competing)" if args.compete else ""))
    if args.group:
        for group_max in (1, 32):
            run_shared_thread(ctx, journey_map, actor, stages, lanes, args.seconds, group_max)
    for rival in rivals:
        rival.terminate()
    journey_map.refresh_from_db()
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    print(f"map seq {journey_map.seq} (gap-free by construction: one op-log row per batch)")


def busy_loop() -> None:
    """Another program wanting a whole core for itself."""
    while True:
        pass


def run_shared_thread(ctx, journey_map, actor, stages, lanes, seconds: float, group_max: int) -> None:
    """8 writers as 2 processes x 4 threads; in each process one database thread
    takes what waits: one batch through ``apply``, several through ``apply_group``
    (up to ``group_max``): what the sockets of two daphne processes do."""
    import queue
    import threading

    from django.db import connection

    from maps.operations import Submitted, apply, apply_group

    results = ctx.Queue()
    go = ctx.Event()

    def process(index: int) -> None:
        waiting: queue.Queue = queue.Queue()
        latencies: list[float] = []
        stop = time.perf_counter() + 3600

        def database_thread() -> None:
            while True:
                first = waiting.get()
                if first is None:
                    break
                group = [first]
                while len(group) < group_max:
                    try:
                        group.append(waiting.get_nowait())
                    except queue.Empty:
                        break
                stopping = group[-1] is None
                group = [item for item in group if item is not None]
                if len(group) == 1:
                    batch, done = group[0]
                    answers = [apply(map_id=journey_map.id, actor=actor, batch_id=batch.batch_id, ops=batch.ops)]
                else:
                    answers = apply_group(map_id=journey_map.id, batches=[batch for batch, _ in group])
                for (_, done), answer in zip(group, answers, strict=True):
                    assert answer.status in ("ok", "rebased"), answer
                    done.set()
                if stopping:
                    break
            connection.close()

        def writer(thread: int) -> None:
            rng = random.Random(1000 + 10 * index + thread)
            cards: list[str] = []
            n = 0
            while time.perf_counter() < stop:
                if cards and rng.random() < 0.6:
                    op = {"op": "update", "entity": "card", "id": rng.choice(cards), "fields": {"text": f"g{n}"}}
                else:
                    card = str(uuid.uuid4())
                    cards.append(card)
                    op = {"op": "create", "entity": "card", "id": card,
                          "fields": {"stage": rng.choice(stages), "lane": rng.choice(lanes), "text": f"g{n}"}}
                done = threading.Event()
                started = time.perf_counter()
                waiting.put((Submitted(actor=actor, batch_id=f"g{group_max}:{index}:{thread}:{n}", ops=[op]), done))
                done.wait()
                latencies.append(time.perf_counter() - started)
                n += 1

        database = threading.Thread(target=database_thread)
        database.start()
        go.wait()
        stop = time.perf_counter() + seconds
        threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        waiting.put(None)
        database.join()
        results.put(latencies)

    processes = [ctx.Process(target=process, args=(i,)) for i in range(2)]
    for proc in processes:
        proc.start()
    time.sleep(1.0)
    started = time.perf_counter()
    go.set()
    latencies: list[float] = []
    for _ in processes:
        latencies.extend(results.get(timeout=seconds + 60))
    elapsed = time.perf_counter() - started
    for proc in processes:
        proc.join()
    p = percentiles(latencies)
    rate = len(latencies) / elapsed
    label = "one at a time" if group_max == 1 else f"group commit (up to {group_max})"
    print(f"2 processes x 4 writer threads, one database thread each, {label}: {rate:.0f} batches/s  "
          f"p50 {p['p50'] * 1000:.2f} ms  p95 {p['p95'] * 1000:.2f} ms  p99 {p['p99'] * 1000:.2f} ms  "
          f"target >= 300/s: {'MET' if rate >= 300 else 'MISSED'}  (load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
