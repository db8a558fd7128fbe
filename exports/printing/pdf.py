"""One part's PDF (WeasyPrint) and the merge of the parts' PDFs (PDFium)."""

from __future__ import annotations

import contextlib
import gc
import io
import os
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium

_WARM_HTML = ('<html><body style="font-family: \'DejaVu Sans\'; font-size: 8pt">'
              '<p>Warm <b>up</b> <i>fonts</i> éàç</p></body></html>')

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
    # Imported on first use: WeasyPrint takes most of a second to import, which web
    # processes that only ask for exports (and read this package) never need to pay.
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url).render(font_config=_fonts())
    return document.write_pdf(zoom=zoom), len(document.pages)


def pdf_part(html: str, base_url: str, zoom: float = 1.0) -> tuple[bytes, int]:
    """One part's PDF and its number of pages; ``zoom`` scales pages and content
    alike (a page laid out at 365 mm prints at 420 mm with zoom 1.15)."""
    with _fewer_collections():
        return _pdf(html, base_url, zoom)


def merge_pdfs(parts: list[bytes]) -> bytes:
    """The parts' pages in order, in one PDF (the first part's metadata, e.g. its title)."""
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


def warm() -> int:
    """Import WeasyPrint and lay out a line of text, so the first export pays nothing
    for fonts; then move what is loaded out of the garbage collector's way (long-lived
    objects need no scanning: fewer, cheaper collections during renders)."""
    pdf_part(_WARM_HTML, ".")
    gc.collect()
    gc.freeze()
    return os.getpid()

