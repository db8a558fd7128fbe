"""Benchmark of the editor in headless chromium on a large map.

A 30-stage x 10-lane map with 1,500 cards, one daphne, one signed-in browser page:
  1. navigation -> interactive (grid rendered, all cards in the DOM, sync online);
     target <= 1.5 s;
  2. a remote ``ops`` frame, from its arrival on the socket to the changed DOM, over
     ~100 edits made by another person through the REST operations endpoint;
     target p95 <= 16 ms;
  3. typing in a card while 20 remote edits/s arrive for 10 s: long tasks
     (PerformanceObserver 'longtask'); target none over 50 ms;
  4. "Whole map" (cell summaries): the time to show it, then the frames while it
     is scrolled sideways and while remote edits arrive; target 60 fps (p95 frame
     interval <= 17 ms). The floor in the same run: a plain page in the same
     browser with as many boxes of text, scrolled the same way (what headless
     chromium gives on this machine for any page). ``--cards 5000 --stages 60 --lanes 12`` measures the 5,000-card
     map of issue 20 (targets there: interactive <= 2 s, no long task while typing,
     "Whole map" at 60 fps).

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/browser.py

``--trace FILE`` records a Chrome trace of part 3 (open it in chrome://tracing or
Perfetto) and prints where the page's main thread spent its time, per rendering
frame: script, style, layout, paint, layerize. Tracing slows the page; the long
tasks of a traced run are not the figures to report.

The server runs with DEBUG=true: with DEBUG off the session cookie is Secure-only,
which a browser will not send over the plain-http loopback used here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from typing import Any

from _setup import ROOT, bench_database, percentiles

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "correct horse battery"
STAGES, LANES, CARDS = 30, 10, 1500  # CARDS: --cards

# Runs before the page's own scripts: stamps each socket frame's arrival, notes when
# the DOM text of a card changes, and keeps every long task.
PROBE = """
(() => {
  const probe = window.__bench = {arrived: {}, applied: {}, longtasks: []};
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true, get() { return desc.get.call(this); },
    set(handler) {
      desc.set.call(this, handler && function (event) {
        const t = performance.now();
        if (typeof event.data === 'string' && event.data.includes('"bench-')) {
          for (const m of event.data.matchAll(/"(bench-[0-9]+)"/g)) probe.arrived[m[1]] ??= t;
        }
        return handler.call(this, event);
      });
    },
  });
  const seen = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    const text = el && el.closest('.item-text') ? el.closest('.item-text').textContent : '';
    if (text.startsWith('bench-')) probe.applied[text] ??= performance.now();
  };
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver((records) => {
      for (const r of records) { seen(r.target); r.addedNodes.forEach(seen); }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
  });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longtasks.push({start: e.startTime, duration: e.duration});
  }).observe({type: 'longtask', buffered: true});
})();
"""

def interactive(cards: int) -> str:
    return f"""() => window.journeymapSync && window.journeymapSync.status === 'online'
  && document.querySelectorAll('.cell[data-entity=card] .item[data-id]').length >= {cards}
  && performance.now()"""

# Frame intervals: over `frames` frames with the whole map scrolled sideways one step
# per frame, or for `ms` milliseconds whatever happens meanwhile.
FRAME_GAPS = """async ({ frames, ms }) => {
  const scroller = document.getElementById('board-scroller');
  const gaps = [];
  const end = performance.now() + (ms || Infinity);
  let last = performance.now();
  while (frames ? gaps.length < frames : performance.now() < end) {
    if (frames) {
      scroller.scrollLeft = (scroller.scrollLeft + 40) % Math.max(1, scroller.scrollWidth - scroller.clientWidth);
    }
    await new Promise((done) => requestAnimationFrame(done));
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }
  return gaps;
}"""

# The floor of part 4: as many cells as the map has, plain boxes of text in a grid,
# in a scroller of the same size.
PLAIN_GRID = """({ columns, rows }) => {
  const scroller = document.createElement('div');
  scroller.id = 'board-scroller';
  scroller.style.cssText = 'position:fixed;inset:60px 0 0 0;overflow:auto;font:12px/15px sans-serif';
  const grid = document.createElement('div');
  grid.style.cssText = `display:grid;grid-template-columns:repeat(${columns},180px);grid-auto-rows:120px;gap:4px`;
  for (let i = 0; i < columns * rows; i++) {
    const cell = document.createElement('div');
    cell.style.cssText = 'padding:5px;background:#f8fafc;border:1px solid #e8ecf2;overflow:hidden';
    cell.textContent = `${i % 9 + 1} cards. Customers compare plans and ask support about the price.`;
    grid.append(cell);
  }
  scroller.append(grid);
  document.body.append(scroller);
}"""
SCROLL_FRAMES = 300


def setup(cards: int, stages: int = STAGES, lanes: int = LANES) -> dict[str, Any]:
    # A database of its own per size.
    bench_database("browser" if (cards, stages, lanes) == (CARDS, STAGES, LANES) else f"browser_{cards}_{stages}x{lanes}")
    from rest_framework.authtoken.models import Token

    from maps.models import Membership, Role
    from maps.operations import actor_for, apply
    from maps.selectors import map_document
    from maps.services import map_create
    from tests.factories import UserFactory
    from workspaces.services import workspace_create

    owner = UserFactory(username="ana", first_name="Ana", last_name="Lopez")
    editor = UserFactory(username="ben", first_name="Ben", last_name="Martin")
    workspace = workspace_create(name="Bench", owner=owner)
    Membership.objects.create(workspace=workspace, user=editor, role=Role.EDITOR)
    journey_map = map_create(
        workspace=workspace, title="Big map", actor_user=owner,
        structure={"stages": [{"name": f"Stage {i + 1}"} for i in range(stages)],
                   "lanes": [{"title": f"Lane {i + 1}"} for i in range(lanes)]})
    doc = map_document(map_id=journey_map.id)
    cells = [(s["id"], lane["id"]) for s in doc["stages"] for lane in doc["lanes"]]
    ops = [{"op": "create", "entity": "card", "id": str(uuid.uuid4()),
            "fields": {"stage": stage, "lane": lane, "text": f"Card {n + 1}: something the customer does here"}}
           for n, (stage, lane) in enumerate(cells[i % len(cells)] for i in range(cards))]
    actor = actor_for(owner, workspace.id)
    for start in range(0, len(ops), 500):
        ack = apply(map_id=journey_map.id, actor=actor, batch_id=f"seed-{start}", ops=ops[start:start + 500])
        assert ack.status == "ok", ack.error
    return {"map_id": str(journey_map.id), "cards": [op["id"] for op in ops],
            "token": Token.objects.get_or_create(user=editor)[0].key, "stages": stages, "lanes": lanes}


class Remote:
    """Another person editing card texts through the REST operations endpoint."""

    def __init__(self, base: str, map_id: str, token: str) -> None:
        self.url = f"{base}/api/v1/maps/{map_id}/operations/"
        self.token = token
        self.n = 0

    def edit(self, card_id: str) -> str:
        self.n += 1
        text = f"bench-{self.n}"
        body = json.dumps({"batch_id": str(uuid.uuid4()), "ops": [
            {"op": "update", "entity": "card", "id": card_id, "fields": {"text": text}}]}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Authorization": f"Token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            ack = json.loads(response.read())
        assert ack.get("status") == "ok", ack
        return text


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("daphne exited")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("daphne not ready")


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


MAIN_THREAD_PHASES = ["FunctionCall", "EventDispatch", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize",
                      "Commit"]


def summarise_trace(path: str) -> None:
    """Main-thread time of the page by phase, in total and per rendering frame."""
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    totals = dict.fromkeys(MAIN_THREAD_PHASES, 0.0)
    frames = 0
    for e in events:
        if e.get("ph") != "X" or (e.get("pid"), e.get("tid")) not in mains:
            continue
        if e["name"] in totals:
            totals[e["name"]] += e["dur"] / 1000
        frames += e["name"] == "Layerize"
    per_frame = ", ".join(f"{name} {ms / max(frames, 1):.2f}" for name, ms in totals.items())
    print(f"   trace {path}: {frames} frames; main thread ms per frame: {per_frame}")


async def run(base: str, data: dict[str, Any], navigations: int, edits: int, seconds: float, rate: float,
              trace: str | None = None) -> None:
    INTERACTIVE = interactive(len(data["cards"]))  # noqa: N806  (the name of the page check above)
    from playwright.async_api import async_playwright

    remote = Remote(base, data["map_id"], data["token"])
    editor_url = f"{base}/maps/{data['map_id']}/"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
        await context.add_init_script(PROBE)
        page = await context.new_page()
        await page.goto(f"{base}/accounts/login/")
        await page.fill("#id_username", "ana")
        await page.fill("#id_password", PASSWORD)
        await page.click("form[action$='/accounts/login/'] button[type=submit]")
        await page.wait_for_url(f"{base}/")

        # 1. Navigation -> interactive; the first load warms the caches and is not counted.
        await page.goto(editor_url)
        await page.wait_for_function(INTERACTIVE, timeout=60_000)
        loads = []
        for _ in range(navigations):
            await page.goto(editor_url)
            handle = await page.wait_for_function(INTERACTIVE, polling="raf", timeout=60_000)
            loads.append(await handle.json_value())
        print(f"cards in the DOM: {await page.locator('.cell[data-entity=card] .item[data-id]').count()}")
        load_p50 = statistics.median(loads)
        print(f"1. navigation -> interactive over {navigations} loads: p50 {load_p50:.0f} ms, "
              f"max {max(loads):.0f} ms (all: {', '.join(f'{v:.0f}' for v in loads)}); "
              f"target <= {data['interactive_target']:.0f} ms: {verdict(max(loads) <= data['interactive_target'])}; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")

        # 2. Remote frame -> DOM, one edit at a time.
        delays = []
        cards = data["cards"]
        for i in range(edits):
            text = await asyncio.to_thread(remote.edit, cards[(i * 37) % len(cards)])
            handle = await page.wait_for_function(
                "(t) => window.__bench.applied[t] !== undefined && window.__bench.arrived[t] !== undefined"
                " && window.__bench.applied[t] - window.__bench.arrived[t]", arg=text, timeout=10_000)
            delays.append(await handle.json_value())
            await asyncio.sleep(0.03)
        p = percentiles(delays)
        print(f"2. remote ops frame -> DOM over {len(delays)} edits: p50 {p['p50']:.2f} ms, "
              f"p95 {p['p95']:.2f} ms, max {p['max']:.2f} ms; target p95 <= 16 ms: {verdict(p['p95'] <= 16)}")

        # 3. Typing in a card while remote edits arrive.
        own = page.locator(f".item[data-id='{cards[-1]}']")
        await own.scroll_into_view_if_needed()
        await own.click()
        await page.wait_for_selector(".inline-editor")
        await page.keyboard.press("End")
        stop = threading.Event()
        sent = [0]

        def pusher() -> None:
            start = time.monotonic()
            while not stop.is_set():
                due = start + sent[0] / rate
                if due > time.monotonic():
                    time.sleep(due - time.monotonic())
                remote.edit(cards[(sent[0] * 53) % (len(cards) - 1)])
                sent[0] += 1

        if trace:
            await browser.start_tracing(page=page, path=trace, categories=[
                "devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel"])
        window_start = await page.evaluate("() => performance.now()")
        thread = threading.Thread(target=pusher, daemon=True)
        thread.start()
        typed = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await page.keyboard.type("typing while others edit ", delay=40)
            typed += 25
        stop.set()
        await asyncio.to_thread(thread.join)
        await asyncio.sleep(0.5)
        window_end = await page.evaluate("() => performance.now()")
        if trace:
            await browser.stop_tracing()
        tasks = [t for t in await page.evaluate("() => window.__bench.longtasks")
                 if window_start <= t["start"] <= window_end]
        worst = max((t["duration"] for t in tasks), default=0.0)
        print(f"3. typing {typed} characters over {seconds:.0f} s while {sent[0]} remote edits arrived "
              f"({sent[0] / seconds:.1f}/s): {len(tasks)} long tasks, longest {worst:.0f} ms; "
              f"target none over 50 ms: {verdict(worst <= 50)}")
        if tasks:
            print("   long tasks (ms after the window opened, duration): "
                  + ", ".join(f"{t['start'] - window_start:.0f}/{t['duration']:.0f}" for t in tasks))
        if trace:
            summarise_trace(trace)
        await page.keyboard.press("Escape")

        # 4. The whole map as cell summaries.
        # To the second frame (what people wait for), then until every cell with
        # items has its summary (those off screen are built while the page is idle).
        took, summaries, all_took, cells = await page.evaluate("""async () => {
          const count = () => document.querySelectorAll('.board.is-overview .cell-summary').length;
          const t0 = performance.now();
          document.getElementById('zoom-fit').click();
          await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
          const took = performance.now() - t0;
          const shown = count();
          const cells = [...document.querySelectorAll('.board .cell')].filter((c) => c.querySelector('.item')).length;
          while (count() < cells && performance.now() - t0 < 20000) {
            await new Promise((done) => requestAnimationFrame(done));
          }
          return [took, shown, performance.now() - t0, cells];
        }""")
        scrolled = sorted(await page.evaluate(FRAME_GAPS, {"frames": SCROLL_FRAMES, "ms": 0}))
        stop.clear()
        sent[0] = 0
        thread = threading.Thread(target=pusher, daemon=True)
        thread.start()
        live = sorted(await page.evaluate(FRAME_GAPS, {"frames": 0, "ms": 5000}))
        stop.set()
        await asyncio.to_thread(thread.join)

        def frames(gaps: list[float], target: bool = True) -> str:
            p95 = gaps[int(0.95 * (len(gaps) - 1))]
            line = (f"median {statistics.median(gaps):.1f} ms ({1000 / statistics.median(gaps):.0f} fps), "
                    f"p95 {p95:.1f} ms, max {gaps[-1]:.1f} ms")
            return f"{line}; target p95 <= 17 ms: {verdict(p95 <= 17)}" if target else line

        print(f"4. whole map: {summaries} cell summaries shown in {took:.0f} ms (two frames), "
              f"all {cells} in {all_took:.0f} ms; "
              f"scrolling sideways: {frames(scrolled)}")
        print(f"   while {sent[0]} remote edits arrived over 5 s: {frames(live)}")
        plain = await context.new_page()
        await plain.set_content("<!doctype html><title>floor</title>")
        await plain.evaluate(PLAIN_GRID, {"columns": data["stages"], "rows": data["lanes"]})
        floor = sorted(await plain.evaluate(FRAME_GAPS, {"frames": SCROLL_FRAMES, "ms": 0}))
        print(f"   floor, a plain page of {data['stages'] * data['lanes']} boxes of text scrolled the same way: "
              f"{frames(floor, target=False)}")
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--navigations", type=int, default=5)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=20.0, help="remote edits per second in part 3")
    parser.add_argument("--trace", metavar="FILE", help="record a Chrome trace of part 3 and summarise it")
    parser.add_argument("--cards", type=int, default=CARDS, help="cards on the map (5000: the whole-map target)")
    parser.add_argument("--stages", type=int, default=STAGES)
    parser.add_argument("--lanes", type=int, default=LANES)
    parser.add_argument("--interactive-target", type=float, default=None,
                        help="ms; default 1500, or 2000 from 5,000 cards")
    args = parser.parse_args()

    data = setup(args.cards, args.stages, args.lanes)
    data["interactive_target"] = args.interactive_target or (2000 if args.cards >= 5000 else 1500)
    from tests.servers import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DEBUG="true", SECRET_KEY="bench-only-secret-key-0123456789")
    proc = subprocess.Popen([sys.executable, "-m", "daphne", "--websocket-max-message-size", "8388608", "-b", "127.0.0.1", "-p", str(port),
                             "journeymap.asgi:application"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"daphne pid {proc.pid} (DEBUG=true), map of {args.stages} stages x {args.lanes} lanes with {args.cards} cards",
          flush=True)
    try:
        wait_ready(base, proc)
        asyncio.run(run(base, data, args.navigations, args.edits, args.seconds, args.rate, args.trace))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
