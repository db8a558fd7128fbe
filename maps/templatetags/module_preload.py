"""``{% module_preloads "js/editor.js" %}``: a ``<link rel="modulepreload">`` for every
module an entry module imports, directly or not (static and dynamic imports).

Without them the browser finds the editor's sixty modules one level of imports at a
time, a round trip per level before the first line runs. The links point where the
imports themselves resolve: next to the entry module's URL, by their relative paths
(with hashed static names in production, the imports still name the plain files)."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html_join

register = template.Library()

IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")


@lru_cache(maxsize=8)
def imported_modules(entry: str) -> tuple[str, ...]:
    """The static paths of every module ``entry`` imports, in the order found."""
    seen: dict[str, None] = {}
    pending = [entry]
    while pending:
        path = pending.pop(0)
        found = finders.find(path)
        if not found:
            continue
        with open(found, encoding="utf-8") as source:
            text = source.read()
        for relative in IMPORT.findall(text):
            module = posixpath.normpath(posixpath.join(posixpath.dirname(path), relative))
            if module != entry and module not in seen:
                seen[module] = None
                pending.append(module)
    return tuple(seen)


@register.simple_tag
def module_preloads(entry: str) -> str:
    base = posixpath.dirname(static(entry))
    root = posixpath.dirname(entry)
    return format_html_join(
        "\n", '<link rel="modulepreload" href="{}">',
        ((f"{base}/{posixpath.relpath(module, root)}",) for module in imported_modules(entry)),
    )
