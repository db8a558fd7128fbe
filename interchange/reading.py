"""What every reader returns (``Reading``), the limits it reads within, and the
zip reading shared by bundles and XLSX files (a zip too)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from interchange.problems import ImportProblem


@dataclass
class Reading:
    document: dict[str, Any]
    source_format: str
    files: dict[str, bytes] = field(default_factory=dict)
    # item id -> (row, column) in the source, for messages about that item
    origins: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # The touchpoint-list columns the file has (a merge changes only those).
    columns: tuple[str, ...] = ()
    # Whether the map's title is a stand-in (the file had none): the file's name is better.
    default_title: bool = False


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_bundle_bytes: int
    max_rows: int
    max_cells: int
    max_items: int
    max_depth: int
    max_zip_members: int
    max_zip_ratio: int
    max_unzipped_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_BUNDLE_BYTES, settings.IMPORT_MAX_ROWS,
                   settings.IMPORT_MAX_CELLS, settings.IMPORT_MAX_ITEMS, settings.IMPORT_MAX_DEPTH,
                   settings.IMPORT_MAX_ZIP_MEMBERS, settings.IMPORT_MAX_ZIP_RATIO,
                   settings.IMPORT_MAX_UNZIPPED_BYTES)


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"


def safe_zip_members(data: bytes, limits: Limits, *, wanted: Any = None) -> dict[str, bytes]:
    """The members of a zip archive, refused before anything is inflated when they
    are too many, too large or compressed beyond ``max_zip_ratio`` (a zip bomb);
    ``wanted`` (a predicate on names) limits what is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportProblem(_("The file is not a valid zip archive.")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            raise ImportProblem(_("The archive holds more than %(limit)d files.") % {"limit": limits.max_zip_members})
        total = sum(info.file_size for info in infos)
        if total > limits.max_unzipped_bytes:
            raise ImportProblem(_("The archive unpacks to more than %(limit)s.")
                                % {"limit": mib(limits.max_unzipped_bytes)}, code="too_large")
        out: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir() or (wanted is not None and not wanted(info.filename)):
                continue
            if info.file_size > 1024 * 1024 and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
                raise ImportProblem(_("“%(name)s” is compressed more than %(ratio)d times: refused as a possible "
                                      "zip bomb.") % {"name": info.filename[:100], "ratio": limits.max_zip_ratio})
            try:
                with archive.open(info) as handle:
                    # Never trust the declared size: read one byte past it.
                    content = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise ImportProblem(_("“%(name)s” in the archive cannot be read.")
                                    % {"name": info.filename[:100]}) from None
            if len(content) > info.file_size:
                raise ImportProblem(_("“%(name)s” in the archive is larger than it says.")
                                    % {"name": info.filename[:100]})
            out[info.filename] = content
        return out
