"""A PNG poster from parts: each part rasterises its slice a strip of rows at a
time into a deflate segment; the segments join into one PNG without the raw pixels."""

from __future__ import annotations

import math
import struct
import zlib
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from exports.printing.pdf import pdf_part

# Rows rasterised at a time for a PNG: a 7,600 px wide strip of 512 rows is 12 MB.
PNG_STRIP_ROWS = 512
# zlib level: most of a PNG's time is compression; 3 is several times faster than
# the default 6 for a few per cent more bytes on flat poster colours.
PNG_COMPRESS_LEVEL = 3


def png_part(html: str, base_url: str, scale: float, width_px: int, final: bool) -> dict[str, Any]:
    """Render a slice of the poster and rasterise its pages, one strip of rows at a time,
    into a raw deflate segment of the PNG's image data.

    Segments of all parts, concatenated in order, form one deflate stream: each ends
    on a byte boundary (a sync flush) and only the final part closes the stream.
    The Adler-32 checksums combine without the raw pixels (see ``adler32_combine``).
    """
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


def png_scale(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> tuple[int, float]:
    """The DPI to rasterise at (lowered so the image stays under ``max_pixels``) and its scale."""
    if (width_pt * dpi / 72) * (height_pt * dpi / 72) > max_pixels:
        dpi = max(int(72 * math.sqrt(max_pixels / (width_pt * height_pt))), 1)
    return dpi, dpi / 72
