"""Exports: the service entry points (jobs) and the renderer behind them."""

from __future__ import annotations

from exports.services.jobs import (
    clean_options,
    content_hash,
    download_path,
    enqueue,
    export_request,
    frame,
    prune_exports,
    reap_expired,
    run_export,
)
from exports.services.render import RENDERER_VERSION, ExportOptions

__all__ = [
    "RENDERER_VERSION",
    "ExportOptions",
    "clean_options",
    "content_hash",
    "download_path",
    "enqueue",
    "export_request",
    "frame",
    "prune_exports",
    "reap_expired",
    "run_export",
]
