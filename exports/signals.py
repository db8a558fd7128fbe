"""The hook other apps attach to (webhooks): ``export_finished`` is sent inside
the transaction that marks an export done, with ``export`` (reloaded)."""

from __future__ import annotations

from django.dispatch import Signal

export_finished = Signal()
