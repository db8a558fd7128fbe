"""WeasyPrint and PDFium work, without Django: runs in the worker or in helper processes.

A print job is cut into parts (runs of pages, or horizontal slices of the poster)
whose HTML is complete on its own, so helper processes can lay the parts out in
parallel; the worker then merges the PDFs (PDFium copies pages, about 20 ms for 40
pages) or stitches the PNG. Layout is single-threaded Python in WeasyPrint, so this
is the only way to use more than one core for one export.

The helpers are spawned (not forked: the worker has threads and open database
connections), import only WeasyPrint and PDFium, warm their fonts once and keep a
font configuration for every later render. They exit at once when their parent
dies (a parent-death signal, and a thread woken by the pipe to the parent closing),
so a SIGKILLed worker leaves no orphan behind.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import math
import multiprocessing
import os
import signal
import struct
import sys
import threading
import time
import types
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

logger = logging.getLogger(__name__)

# Rows rasterised at a time for a PNG: a 7,600 px wide strip of 512 rows is 12 MB.
PNG_STRIP_ROWS = 512
# zlib level: most of a PNG's time is compression; 3 is several times faster than
# the default 6 for a few per cent more bytes on flat poster colours.
PNG_COMPRESS_LEVEL = 3

_WARM_HTML = ('<html><body style="font-family: \'DejaVu Sans\'; font-size: 8pt">'
              '<p>Warm <b>up</b> <i>fonts</i> éàç</p></body></html>')

# ----------------------------------------------------------------------------- rendering (any process)

_font_config: Any = None


def _fonts() -> Any:
    """One font configuration per process: building it (fontconfig, Pango font map)
    costs about 0.1 s per render otherwise. We use no @font-face, so nothing in it
    depends on the document."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """A layout allocates millions of objects, and the default thresholds ran the
    cycle collector hundreds of times per render (10-20 % of its time here, against
    2 % with these). Its boxes point at each other, so once the render is done one
    full collection frees them; without it the garbage of every render piled up
    until the next rare full collection (helpers grew past 400 MB)."""
    before = gc.get_threshold()
    gc.set_threshold(20_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.collect()


def _pdf(html: str, base_url: str, zoom: float) -> tuple[bytes, int]:
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url).render(font_config=_fonts())
    return document.write_pdf(zoom=zoom), len(document.pages)


def pdf_part(html: str, base_url: str, zoom: float = 1.0) -> tuple[bytes, int]:
    """One part's PDF and its number of pages; ``zoom`` scales pages and content
    alike (a page laid out at 365 mm prints at 420 mm with zoom 1.15)."""
    with _fewer_collections():
        return _pdf(html, base_url, zoom)


def png_part(html: str, base_url: str, scale: float, width_px: int, final: bool) -> dict[str, Any]:
    """Render a slice of the poster and rasterise its pages, one strip of rows at a time,
    into a raw deflate segment of the PNG's image data.

    Segments of all parts, concatenated in order, form one deflate stream: each ends
    on a byte boundary (a sync flush) and only the final part closes the stream.
    The Adler-32 checksums combine without the raw pixels (see ``adler32_combine``).
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf, _pages = pdf_part(html, base_url)
    document = pdfium.PdfDocument(pdf)
    compressor = zlib.compressobj(PNG_COMPRESS_LEVEL, zlib.DEFLATED, -15)
    out: list[bytes] = []
    adler, raw_length, rows_total = 1, 0, 0
    row_bytes = width_px * 3
    try:
        for index in range(len(document)):
            page = document[index]
            height_px = round(page.get_height() * scale)
            for top in range(0, height_px, PNG_STRIP_ROWS):
                rows = min(PNG_STRIP_ROWS, height_px - top)
                bitmap = pdfium.PdfBitmap.new_native(width_px, rows, pdfium_c.FPDFBitmap_BGR, rev_byteorder=True)
                bitmap.fill_rect((255, 255, 255, 255), 0, 0, width_px, rows)
                # The whole page's transform, shifted up: PDFium draws only our rows.
                pdfium_c.FPDF_RenderPageBitmap(bitmap.raw, page.raw, 0, -top, width_px, height_px, 0,
                                               pdfium_c.FPDF_REVERSE_BYTE_ORDER)
                buffer = memoryview(bitmap.buffer).cast("B")
                stride = bitmap.stride
                # Filter type 0 (none) before each scanline: other filters cost
                # more Python time than they save in bytes here.
                scanlines = b"".join(b"\x00" + buffer[r * stride:r * stride + row_bytes] for r in range(rows))
                adler = zlib.adler32(scanlines, adler)
                raw_length += len(scanlines)
                out.append(compressor.compress(scanlines))
                del buffer, scanlines
                bitmap.close()
                rows_total += rows
            page.close()
    finally:
        document.close()
    out.append(compressor.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH))
    return {"deflate": b"".join(out), "adler": adler, "raw_length": raw_length, "rows": rows_total}


def merge_pdfs(parts: list[bytes]) -> bytes:
    """The parts' pages in order, in one PDF (the first part's metadata, e.g. its title)."""
    import io

    import pypdfium2 as pdfium

    if len(parts) == 1:
        return parts[0]
    merged = pdfium.PdfDocument(parts[0])
    others = []
    try:
        for data in parts[1:]:
            other = pdfium.PdfDocument(data)
            others.append(other)
            merged.import_pages(other)
        buffer = io.BytesIO()
        merged.save(buffer)
        return buffer.getvalue()
    finally:
        for other in others:
            other.close()
        merged.close()


def stack_pages(slices: list[bytes], appendix: list[bytes]) -> bytes:
    """The one-page poster from its slices (one page each, rendered apart), stacked
    top to bottom as form XObjects so that text stays text; then the appendix
    pages. Built inside the first slice's document to keep its metadata."""
    import io

    import pypdfium2 as pdfium

    if len(slices) == 1:
        return merge_pdfs([slices[0], *appendix])
    first = pdfium.PdfDocument(slices[0])
    others = [pdfium.PdfDocument(data) for data in slices[1:]]
    extra = [pdfium.PdfDocument(data) for data in appendix]
    try:
        pages = [(first, 0), *((doc, 0) for doc in others)]
        heights = [doc[index].get_height() for doc, index in pages]
        width = first[0].get_width()
        total = sum(heights)
        poster = first.new_page(width, total, index=0)
        top = 0.0
        for (doc, index), height in zip(pages, heights, strict=True):
            # The first slice moved to index 1 when the poster page went in front.
            placed = doc.page_as_xobject(index + 1 if doc is first else index, first).as_pageobject()
            placed.transform(pdfium.PdfMatrix().translate(0, total - top - height))
            poster.insert_obj(placed)
            top += height
        poster.gen_content()
        poster.close()
        first.del_page(1)
        for doc in extra:
            first.import_pages(doc)
        buffer = io.BytesIO()
        first.save(buffer)
        return buffer.getvalue()
    finally:
        for doc in [*others, *extra]:
            doc.close()
        first.close()


# ----------------------------------------------------------------------------- PNG assembly


def adler32_combine(adler1: int, adler2: int, length2: int) -> int:
    """Adler-32 of A+B from those of A and B and the length of B (zlib's adler32_combine)."""
    base = 65521
    remainder = length2 % base
    sum1 = adler1 & 0xFFFF
    sum2 = (remainder * sum1) % base
    sum1 += (adler2 & 0xFFFF) + base - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + base - remainder
    if sum1 >= base:
        sum1 -= base
    if sum1 >= base:
        sum1 -= base
    if sum2 >= base << 1:
        sum2 -= base << 1
    if sum2 >= base:
        sum2 -= base
    return sum1 | (sum2 << 16)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(kind)))


def assemble_png(segments: list[dict[str, Any]], width: int, dpi: int) -> tuple[bytes, int]:
    """An 8-bit RGB PNG from the parts' deflate segments; returns it and its height."""
    height = sum(s["rows"] for s in segments)
    adler = 1
    for segment in segments:
        adler = adler32_combine(adler, segment["adler"], segment["raw_length"])
    # zlib header: deflate, 32 KB window, no preset dictionary (0x78 0x01 passes the check).
    data = b"\x78\x01" + b"".join(s["deflate"] for s in segments) + struct.pack(">I", adler)
    per_metre = round(dpi / 0.0254)
    png = [b"\x89PNG\r\n\x1a\n",
           _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
           _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))]
    step = 1 << 20
    png += [_chunk(b"IDAT", data[i:i + step]) for i in range(0, len(data), step)]
    png.append(_chunk(b"IEND", b""))
    return b"".join(png), height


# ----------------------------------------------------------------------------- helper processes


# How often a helper also checks its parent's pid (the sentinel below normally
# tells at once; this covers a parent that left the pipe open in another child).
PARENT_POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGKILL to this process when the thread that spawned
    it exits (the pool spawns from long-lived threads only: a worker's main or task
    thread, never a passing one)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not glibc/musl: the watchers below still work
        logger.debug("prctl(PR_SET_PDEATHSIG) unavailable", exc_info=True)


def _watch_parent(parent: int) -> None:
    """Exit as soon as the worker is gone: its end of the pipe we were spawned with
    closes when it dies (however it dies), which wakes this thread at once; the pid
    check is a fallback."""
    import multiprocessing.connection

    sentinel = getattr(multiprocessing.parent_process(), "sentinel", None)
    while True:
        if sentinel is not None:
            if multiprocessing.connection.wait([sentinel], timeout=PARENT_POLL_SECONDS):
                os._exit(0)  # the worker died (SIGKILL): nobody will ask for our result
        else:
            time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def _helper_start(parent: int) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # the worker died before the line above took effect
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    warm()


def warm() -> int:
    """Import WeasyPrint and lay out a line of text, so the first export pays nothing
    for fonts; then move what is loaded out of the garbage collector's way (long-lived
    objects need no scanning: fewer, cheaper collections during renders)."""
    pdf_part(_WARM_HTML, ".")
    gc.collect()
    gc.freeze()
    return os.getpid()


@contextlib.contextmanager
def _plain_main() -> Iterator[None]:
    """Spawned children re-import the parent's ``__main__`` (a script, ``celery``'s
    entry point...), which costs time and memory and runs unguarded scripts again;
    the helpers need none of it, so hide it while they are spawned (only ``submit``
    spawns)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class RenderPool:
    """Helper processes for one worker. ``run`` hands out calls and yields results as
    they finish; with no helpers (or when they break) it runs them here, in order."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._size = 0
        self._lock = threading.Lock()
        self._owner = os.getpid()

    def _forked(self) -> bool:
        """In a forked child (a prefork worker's pool process) the helpers belong to
        the parent: forget them (without shutting them down) and start our own."""
        if self._owner == os.getpid():
            return False
        self._executor, self._size, self._owner = None, 0, os.getpid()
        self._lock = threading.Lock()
        return True

    def start(self, processes: int, *, wait_ready: bool = False) -> None:
        """Spawn ``processes`` helpers (and warm them); 0 or 1: render in this process."""
        self._forked()
        with self._lock:
            if processes <= 1:
                self._shutdown_locked()
                return
            if self._executor is not None and self._size == processes:
                return
            self._shutdown_locked()
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=processes, mp_context=context,
                                                 initializer=_helper_start, initargs=(os.getpid(),))
            self._size = processes
            # One call per helper so that every helper starts now, not at the first export.
            with _plain_main():
                started = [self._executor.submit(os.getpid) for _ in range(processes)]
        if wait_ready:
            for future in started:
                future.result(timeout=120)

    @property
    def size(self) -> int:
        self._forked()
        return self._size if self._executor is not None else 0

    def pids(self) -> list[int]:
        executor = self._executor
        if executor is None:
            return []
        return [p.pid for p in list(getattr(executor, "_processes", {}).values()) if p.pid]

    def stop(self) -> None:
        with self._lock:
            self._shutdown_locked()

    def _shutdown_locked(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor, self._size = None, 0

    def run(self, function: Callable[..., Any], calls: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, Any]]:
        """(index, result) for each call, in the order they finish. ``calls`` may be a
        generator: each call goes to a helper as soon as it is made, so helpers start
        on the first part while this process writes the next one."""
        self._forked()
        executor = self._executor
        if executor is None:
            for index, args in enumerate(calls):
                yield index, function(*args)
            return
        made: list[tuple[Any, ...]] = []
        futures: dict[Future[Any], int] = {}
        broken = False
        for index, args in enumerate(calls):
            made.append(args)
            if broken:
                continue
            try:
                with _plain_main():
                    futures[executor.submit(function, *args)] = index
            except (BrokenProcessPool, RuntimeError):
                broken = True
        pending = set(futures)
        done: set[int] = set()
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = futures[future]
                    result = future.result()
                    done.add(index)
                    yield index, result
        except BrokenProcessPool:
            broken = True
        if broken:
            # A helper died (out of memory, killed): finish here, and start afresh.
            logger.warning("an export render helper died; rendering the rest in the worker")
            size = self._size
            self.stop()
            for future in pending:
                future.cancel()
            # Spawned from this (long-lived) thread, not a passing one: a helper's
            # parent-death signal follows the thread that spawned it.
            self.start(size)
        for index, args in enumerate(made):
            if index not in done:
                yield index, function(*args)


POOL = RenderPool()


def balanced_splits(costs: list[float], parts: int) -> list[tuple[int, int]]:
    """Cut ``costs`` (in order) into at most ``parts`` contiguous runs of about equal
    total; returns (start, end) index pairs, none empty."""
    count = len(costs)
    parts = max(1, min(parts, count))
    total = sum(costs) or 1.0
    bounds = [0]
    running = 0.0
    for index, cost in enumerate(costs):
        running += cost
        remaining_parts = parts - len(bounds)
        if remaining_parts <= 0:
            break
        # Close a run when it holds its share, but leave one item per run still to come.
        if running >= total * len(bounds) / parts and count - (index + 1) >= remaining_parts:
            bounds.append(index + 1)
    bounds.append(count)
    runs = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    return runs


def png_scale(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> tuple[int, float]:
    """The DPI to rasterise at (lowered so the image stays under ``max_pixels``) and its scale."""
    if (width_pt * dpi / 72) * (height_pt * dpi / 72) > max_pixels:
        dpi = max(int(72 * math.sqrt(max_pixels / (width_pt * height_pt))), 1)
    return dpi, dpi / 72
