"""The error the map client raises."""

from __future__ import annotations


class MapClientError(Exception):
    pass
