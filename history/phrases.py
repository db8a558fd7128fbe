"""The sentences of the activity, in the active language.

French needs the article and gender of each noun, so a thing is translated as a
whole phrase ("the card « … »" -> "la carte « … »") and verbs wrap it
("%(actor)s added %(things)s" -> "%(actor)s a ajouté %(things)s"); with avoir,
the past participle does not agree with an object that follows it, so this
composition stays correct French.

The tables hold the English text (marked for translation) and only the phrase
in use is translated: a page of entries asks for a few dozen phrases, not for
every phrase of every table.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

ONE = {
    "phase": gettext_noop("the phase « %(label)s »"),
    "stage": gettext_noop("the stage « %(label)s »"),
    "lane": gettext_noop("the lane « %(label)s »"),
    "card": gettext_noop("the card « %(label)s »"),
    "touchpoint": gettext_noop("the touchpoint « %(label)s »"),
    "moment": gettext_noop("the moment of truth « %(label)s »"),
    "persona_link": gettext_noop("the persona « %(label)s »"),
}

# ngettext needs both forms; makemessages finds them in these calls.
MANY = {
    "phase": lambda n: ngettext("%(count)d phase", "%(count)d phases", n),
    "stage": lambda n: ngettext("%(count)d stage", "%(count)d stages", n),
    "lane": lambda n: ngettext("%(count)d lane", "%(count)d lanes", n),
    "card": lambda n: ngettext("%(count)d card", "%(count)d cards", n),
    "touchpoint": lambda n: ngettext("%(count)d touchpoint", "%(count)d touchpoints", n),
    "moment": lambda n: ngettext("%(count)d moment of truth", "%(count)d moments of truth", n),
    "emotion": lambda n: ngettext("%(count)d emotion point", "%(count)d emotion points", n),
    "persona_link": lambda n: ngettext("%(count)d persona", "%(count)d personas", n),
    "map": lambda n: ngettext("%(count)d map", "%(count)d maps", n),
}

VERBS = {
    "create": gettext_noop("%(actor)s added %(things)s"),
    "update": gettext_noop("%(actor)s edited %(things)s"),
    "move": gettext_noop("%(actor)s moved %(things)s"),
    "delete": gettext_noop("%(actor)s deleted %(things)s"),
    "restore": gettext_noop("%(actor)s restored %(things)s"),
    "changed": gettext_noop("%(actor)s changed %(things)s"),
    "archive": gettext_noop("%(actor)s archived the map"),
    "unarchive": gettext_noop("%(actor)s took the map out of the archive"),
}


def one_thing(entity: str, label: str) -> str:
    """A single thing, with its article: "the stage « Purchase »"."""
    if entity == "map":
        return _("the map")
    if entity == "emotion":
        return _("the emotion of « %(label)s »") % {"label": label or _("All customers")}
    phrase = ONE.get(entity)
    return (_(phrase) if phrase else _("« %(label)s »")) % {"label": label or _("untitled")}


def many_things(entity: str, count: int) -> str:
    """Several things of one kind: "3 cards"."""
    phrase = MANY.get(entity)
    text = phrase(count) if phrase else ngettext("%(count)d item", "%(count)d items", count)
    return text % {"count": count}


def in_stage(things: str, stage: str) -> str:
    return _("%(things)s in « %(stage)s »") % {"things": things, "stage": stage or _("untitled")}


def listing(parts: list[str]) -> str:
    """"3 stages, 2 lanes and 12 cards"."""
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def sentence(verb: str, actor: str, things: str, *, to_stage: str | None = None, count: int = 0) -> str:
    """One entry's summary. ``verb`` is the op (create, update, move, delete,
    restore), ``changed`` for one kind of thing changed several ways, ``mixed`` for
    a batch of many kinds and ways (``count`` ops), ``archive``/``unarchive``."""
    values = {"actor": actor, "things": things, "stage": to_stage or "", "count": count}
    if verb == "move" and to_stage:
        return _("%(actor)s moved %(things)s to %(stage)s") % values
    if verb == "mixed":
        return ngettext("%(actor)s made %(count)d change", "%(actor)s made %(count)d changes", count) % values
    return _(VERBS[verb]) % values
