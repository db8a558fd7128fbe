"""The WeasyPrint/PDFium side: helper processes, PNG assembly, splitting work into parts.

Helpers import functions by module path, so this module imports nothing heavy.
"""

from __future__ import annotations

import os
import random
import time
import zlib

from exports.printing import pdf, png, pool


def die_in_a_helper(parent: int, value: int) -> int:
    """Kills the helper process that runs it (as the OOM killer would); harmless here."""
    if os.getpid() != parent and value == 1:
        os._exit(1)
    return value


def test_adler32_of_joined_data_comes_from_the_parts():
    rng = random.Random(3)
    for _ in range(50):
        a = rng.randbytes(rng.randint(0, 70_000))
        b = rng.randbytes(rng.randint(0, 70_000))
        assert png.adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def test_a_png_joins_deflate_segments_compressed_apart():
    import io

    from PIL import Image

    width, rows = 5, [3, 4, 2]
    raw_parts, segments = [], []
    for index, count in enumerate(rows):
        raw = b"".join(b"\x00" + bytes([index * 80, 255 - index * 80, y * 20] * width) for y in range(count))
        compressor = zlib.compressobj(3, zlib.DEFLATED, -15)
        final = index == len(rows) - 1
        data = compressor.compress(raw) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)
        segments.append({"deflate": data, "adler": zlib.adler32(raw), "raw_length": len(raw), "rows": count})
        raw_parts.append(raw)
    data, height = png.assemble_png(segments, width, 96)
    image = Image.open(io.BytesIO(data))
    image.load()
    assert (image.width, image.height, height) == (width, sum(rows), sum(rows))
    assert image.getpixel((0, 0)) == (0, 255, 0) and image.getpixel((4, 8)) == (160, 95, 20)
    assert round(image.info["dpi"][0]) == 96


def test_work_is_cut_into_runs_of_about_equal_cost_in_order():
    assert pool.balanced_splits([1, 1, 1, 1], 2) == [(0, 2), (2, 4)]
    assert pool.balanced_splits([10, 1, 1, 1, 1], 2) == [(0, 1), (1, 5)]
    assert pool.balanced_splits([1, 1], 4) == [(0, 1), (1, 2)]
    assert pool.balanced_splits([5], 3) == [(0, 1)]
    runs = pool.balanced_splits([random.Random(1).random() for _ in range(40)], 4)
    assert len(runs) == 4 and runs[0][0] == 0 and runs[-1][1] == 40
    assert all(a < b for a, b in runs) and all(runs[i][1] == runs[i + 1][0] for i in range(3))


def test_a_helper_that_dies_leaves_its_part_to_the_worker_and_the_helpers_come_back():
    helpers = pool.RenderPool()
    helpers.start(2, wait_ready=True)
    try:
        first = helpers.pids()
        assert len(first) == 2
        results = dict(helpers.run(die_in_a_helper, [(os.getpid(), value) for value in range(4)]))
        assert results == {0: 0, 1: 1, 2: 2, 3: 3}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(helpers.pids()) < 2:
            time.sleep(0.2)
        assert helpers.size == 2
        assert dict(helpers.run(die_in_a_helper, [(os.getpid(), 7)])) == {0: 7}
        assert set(helpers.pids()).isdisjoint(first)  # new helpers
    finally:
        helpers.stop()


def test_a_forked_process_does_not_use_its_parents_helpers():
    helpers = pool.RenderPool()
    helpers.start(2)
    try:
        executor = helpers._executor
        helpers._owner = -1  # as seen from a child forked after the helpers started
        assert helpers.size == 0 and helpers._executor is None
        assert dict(helpers.run(die_in_a_helper, [(os.getpid(), 1)])) == {0: 1}  # here, not in the parent's helpers
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        helpers.stop()


def test_a_render_leaves_no_garbage_behind_for_a_later_collection():
    """WeasyPrint's boxes form cycles: each part ends with a full collection, or the
    helpers' memory grows with every export."""
    import gc

    html = "<p>" + "Le colis arrive en retard. " * 400 + "</p>" + "<div><b>Carte</b> n°1</div>" * 300
    data, pages = pdf.pdf_part(html, ".")
    assert data.startswith(b"%PDF") and pages >= 1
    assert gc.collect() < 500
