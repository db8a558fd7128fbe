"""What a file is, read from its bytes: the kinds a touchpoint may carry.

Attachments are checked by content, never trusted by name or by the browser's
claim: a file is accepted only when its bytes are one of the kinds below, and
its declared type and file-name extension (when given) agree with them. Pure
Python and the standard library (``zipfile`` for the Office Open XML and
OpenDocument containers); no external sniffing library.

SVG and HTML are never accepted: both can carry scripts.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileKind:
    content_type: str  # the type the file is served with
    extensions: tuple[str, ...]  # the first is used when a name has none
    group: str  # image | pdf | document | spreadsheet | presentation | audio | video
    # Other declared types browsers and systems use for the same bytes.
    aliases: tuple[str, ...] = ()


KINDS: dict[str, FileKind] = {kind.content_type: kind for kind in [
    FileKind("image/png", ("png",), "image"),
    FileKind("image/jpeg", ("jpg", "jpeg", "jpe"), "image", ("image/jpg", "image/pjpeg")),
    FileKind("image/gif", ("gif",), "image"),
    FileKind("image/webp", ("webp",), "image"),
    FileKind("application/pdf", ("pdf",), "pdf", ("application/x-pdf",)),
    FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), "document"),
    FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), "spreadsheet"),
    FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",),
             "presentation"),
    FileKind("application/vnd.oasis.opendocument.text", ("odt",), "document"),
    FileKind("application/vnd.oasis.opendocument.spreadsheet", ("ods",), "spreadsheet"),
    FileKind("application/vnd.oasis.opendocument.presentation", ("odp",), "presentation"),
    FileKind("application/msword", ("doc",), "document"),
    FileKind("application/vnd.ms-excel", ("xls",), "spreadsheet"),
    FileKind("application/vnd.ms-powerpoint", ("ppt",), "presentation", ("application/mspowerpoint",)),
    FileKind("audio/mpeg", ("mp3",), "audio", ("audio/mp3", "audio/x-mp3", "audio/mpeg3")),
    FileKind("audio/mp4", ("m4a", "m4b"), "audio", ("audio/x-m4a", "audio/m4a", "audio/aac")),
    FileKind("video/mp4", ("mp4", "m4v"), "video", ("video/x-m4v",)),
    FileKind("video/quicktime", ("mov",), "video"),
    FileKind("audio/wav", ("wav",), "audio", ("audio/x-wav", "audio/wave", "audio/vnd.wave")),
    FileKind("audio/ogg", ("ogg", "oga", "opus"), "audio", ("application/ogg", "audio/opus", "video/ogg")),
    FileKind("video/ogg", ("ogv",), "video", ("application/ogg",)),
    FileKind("video/webm", ("webm",), "video", ("audio/webm",)),
]}

# What a browser sends when it does not know (or will not say): no claim at all.
NO_CLAIM = {"", "application/octet-stream", "binary/octet-stream", "application/x-download"}
# Only these many bytes of the head are looked at, plus a ZIP's directory.
HEAD_BYTES = 4096
OOXML_MAIN = {
    "wordprocessingml.document.main+xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "spreadsheetml.sheet.main+xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "presentationml.presentation.main+xml":
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# The names of the main stream of a legacy (OLE2 compound file) Office document.
OLE_STREAMS = {
    "WordDocument": "application/msword",
    "Workbook": "application/vnd.ms-excel",
    "Book": "application/vnd.ms-excel",
    "PowerPoint Document": "application/vnd.ms-powerpoint",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}


class NotAccepted(ValueError):
    """The content is not a kind we accept, or not the kind it claims to be."""


def sniff(handle: IO[bytes]) -> str | None:
    """The content type the bytes of ``handle`` show, or None; the handle is rewound."""
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    try:
        return _sniff(head, handle)
    finally:
        handle.seek(0)


def sniff_image(head: bytes) -> str | None:
    """The raster image type (PNG, JPEG, GIF, WebP) the first bytes show, or None.
    Persona pictures accept these only; 16 bytes are enough."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _sniff(head: bytes, handle: IO[bytes]) -> str | None:
    image = sniff_image(head)
    if image is not None:
        return image
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    # PDF readers accept the header anywhere in the first KiB.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_document(handle)
    if head.startswith(OLE_MAGIC):
        return _ole_document(handle)
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in MP4_AUDIO_BRANDS:
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if head.startswith(b"OggS"):
        # The first page names the codec: Theora is video, the rest (Vorbis, Opus, FLAC) audio.
        return "video/ogg" if b"\x80theora" in head[:512] else "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: WebM says so in its DocType (Matroska proper is not accepted).
        return "video/webm" if b"\x42\x82" in head[:64] and b"webm" in head[:64] else None
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return "audio/mpeg"
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG-1/2 Layer III frame header at the start (an MP3 without an ID3 tag)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 0b1111) and sample_rate != 0b11


def _zip_document(handle: IO[bytes]) -> str | None:
    """An Office Open XML or OpenDocument file, by what its package declares.

    Only the package's small declaration entry is read (at most 64 KiB), so a
    ZIP bomb costs nothing. Macro-enabled Office files declare another main part
    and are not accepted.
    """
    try:
        with zipfile.ZipFile(handle) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" in names:
                with package.open("[Content_Types].xml") as entry:
                    types = entry.read(65536).decode("utf-8", "replace")
                for main, content_type in OOXML_MAIN.items():
                    if re.search(r'ContentType="application/vnd\.openxmlformats-officedocument\.'
                                 + re.escape(main) + '"', types):
                        return content_type
                return None
            if "mimetype" in names:
                with package.open("mimetype") as entry:
                    declared = entry.read(100).decode("ascii", "replace").strip()
                return declared if declared in KINDS and declared.startswith("application/vnd.oasis") else None
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return None
    return None


def _ole_document(handle: IO[bytes]) -> str | None:
    """A legacy Word, Excel or PowerPoint file, by the name of its main stream.

    Directory entries of a compound file are 128-byte records at 128-byte offsets
    after the 512-byte header: a UTF-16 name, then its length in bytes (with the
    terminating NUL) and the entry type (2: a stream). Reading them where they
    sit avoids walking the allocation table.
    """
    handle.seek(0)
    data = handle.read()
    for name, content_type in OLE_STREAMS.items():
        encoded = name.encode("utf-16-le")
        start = 0
        while True:
            at = data.find(encoded + b"\x00\x00", start)
            if at < 0:
                break
            start = at + 1
            if at < 512 or (at - 512) % 128:
                continue
            length = int.from_bytes(data[at + 64:at + 66], "little")
            if length == len(encoded) + 2 and data[at + 66] == 2:
                return content_type
    return None


def canonical(declared: str) -> str | None:
    """The accepted type a declared content type stands for (None: no claim)."""
    declared = (declared or "").split(";")[0].strip().lower()
    if declared in NO_CLAIM:
        return None
    if declared in KINDS:
        return declared
    for kind in KINDS.values():
        if declared in kind.aliases:
            return kind.content_type
    return declared


def extension(name: str) -> str:
    stem, dot, ext = (name or "").rpartition(".")
    return ext.lower() if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,8}", ext) else ""


def accepted_kind(handle: IO[bytes], *, name: str, declared: str) -> FileKind:
    """The kind of an uploaded file, after checking that its bytes, its declared
    type and its name's extension agree; raises ``NotAccepted`` saying why."""
    found = sniff(handle)
    if found is None:
        raise NotAccepted("its content is not a kind of file that can be attached (images: PNG, JPEG, GIF, "
                          "WebP; PDF; Word, Excel, PowerPoint or OpenDocument files; MP3, M4A, WAV, Ogg "
                          "audio; MP4, MOV, WebM, Ogg video)")
    kind = KINDS[found]
    claim = canonical(declared)
    if claim is not None and claim != found and claim not in kind.aliases:
        raise NotAccepted(f"its content is {describe(found)}, not {claim} as declared")
    ext = extension(name)
    if ext and ext not in kind.extensions:
        raise NotAccepted(f"its content is {describe(found)}, which does not match the name's .{ext} extension")
    return kind


def describe(content_type: str) -> str:
    labels = {
        "image/png": "a PNG image", "image/jpeg": "a JPEG image", "image/gif": "a GIF image",
        "image/webp": "a WebP image", "application/pdf": "a PDF document",
        "application/msword": "a Word document", "application/vnd.ms-excel": "an Excel workbook",
        "application/vnd.ms-powerpoint": "a PowerPoint presentation", "audio/mpeg": "MP3 audio",
        "audio/mp4": "M4A audio", "video/mp4": "an MP4 video", "video/quicktime": "a QuickTime video",
        "audio/wav": "WAV audio", "audio/ogg": "Ogg audio", "video/ogg": "an Ogg video", "video/webm": "a WebM video",
    }
    if content_type in labels:
        return labels[content_type]
    kind = KINDS.get(content_type)
    return f"a {kind.group} ({kind.extensions[0].upper()})" if kind else content_type


# --- image dimensions, from the header -------------------------------------------------------

# A JPEG's frame header follows its metadata segments (EXIF, ICC profiles): look
# this far for it, segment by segment, without decoding anything.
JPEG_SCAN_BYTES = 1024 * 1024
# Start-of-frame markers (C4 DHT, C8 JPG and CC DAC share the range but are not frames).
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_dimensions(handle: IO[bytes]) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image read from its header, or
    None when the header does not say. Nothing is decoded: a file of a few KiB can
    declare 30,000 x 30,000 pixels, and its size must be refused before any decoder
    (ours, a browser's, the PDF renderer's) allocates for it. The handle is rewound."""
    handle.seek(0)
    try:
        head = handle.read(64)
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
            return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
            return _gif_dimensions(handle, head)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp_dimensions(head)
        if head.startswith(b"\xff\xd8"):
            handle.seek(0)
            return _jpeg_dimensions(handle.read(JPEG_SCAN_BYTES))
        return None
    finally:
        handle.seek(0)


def _gif_dimensions(handle: IO[bytes], head: bytes) -> tuple[int, int] | None:
    """The logical screen, widened by the first frame if it reaches past it
    (decoders allocate for the frames they draw)."""
    width, height = int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    handle.seek(0)
    data = handle.read(JPEG_SCAN_BYTES)
    at = 13 + (3 << ((data[10] & 0x07) + 1) if data[10] & 0x80 else 0)
    while at < len(data):
        block = data[at]
        if block == 0x21:  # an extension: label, then sub-blocks up to an empty one
            at += 2
            while at < len(data) and data[at]:
                at += data[at] + 1
            at += 1
        elif block == 0x2C and at + 9 <= len(data):  # the first image descriptor
            left, top, w, h = (int.from_bytes(data[at + 1 + 2 * i:at + 3 + 2 * i], "little") for i in range(4))
            return max(width, left + w), max(height, top + h)
        else:
            break
    return width, height


def _webp_dimensions(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(head[26:28], "little") & 0x3FFF, int.from_bytes(head[28:30], "little") & 0x3FFF
    return None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # no length
            at += 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if marker in _JPEG_FRAMES:
            if at + 9 > len(data):
                return None
            return int.from_bytes(data[at + 7:at + 9], "big"), int.from_bytes(data[at + 5:at + 7], "big")
        if marker in (0xD9, 0xDA) or length < 2:  # end of image or scan data before any frame header
            return None
        at += 2 + length
    return None


def megapixels(pixels: int) -> str:
    """Millions of pixels, to three significant digits at most ("900", "2.5", "0.003")."""
    return f"{pixels / 1_000_000:.3g}" if pixels < 1_000_000_000 else f"{pixels / 1_000_000:.0f}"
