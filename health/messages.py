"""What each check tells the reader, in their language: what it looks at, why it
matters and how to fix it. Whole sentences are translated (French word order
differs), with the counts in them."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

TITLES = {
    "company_voice": lambda: _("Stages in the customer’s words"),
    "no_persona": lambda: _("A persona to follow"),
    "emotion_gaps": lambda: _("A complete emotion curve"),
    "no_evidence": lambda: _("Evidence behind the findings"),
    "no_moments_of_truth": lambda: _("Moments of truth"),
    "irritants_unaddressed": lambda: _("A plan for every irritant"),
    "single_team": lambda: _("Several departments"),
    "empty_cells": lambda: _("Cells filled in"),
    "too_many_stages": lambda: _("Stages grouped in phases"),
    "stale": lambda: _("Reviewed recently"),
}


def title(code: str) -> str:
    return TITLES[code]()


def not_applicable(code: str, kind: str) -> str:
    if code == "no_evidence" and kind == "future_state":
        return _("A future state describes what does not exist yet: there is nothing to prove.")
    if code == "no_moments_of_truth" and kind == "day_in_the_life":
        return _("A day in the life looks beyond the brand: there is no moment of truth to mark.")
    return {
        "company_voice": _("No stages yet."),
        "emotion_gaps": _("This map has no emotion lane."),
        "no_evidence": _("No touchpoint or pain point to back up yet."),
        "no_moments_of_truth": _("No stages yet."),
        "irritants_unaddressed": _("No irritant or pain point on this map."),
        "single_team": _("Too little on the map yet to tell who took part."),
        "empty_cells": _("No lane to fill in yet."),
        "too_many_stages": _("No stages yet."),
    }.get(code, _("Does not apply to this map."))


def message(code: str, finding: dict[str, Any], open_items: list[dict[str, Any]]) -> str:
    """The sentence for one check, from what is still open."""
    count = len(open_items)
    total = finding.get("total") or 0
    if code == "company_voice":
        if not count:
            return _("Every stage is named from the customer’s side.")
        return ngettext(
            "%(count)d stage is named in the company’s words. A map shows what the customer goes through: name "
            "each stage by what they do (“Compare options”), not by a step of our process (“Lead qualification”).",
            "%(count)d stages are named in the company’s words. A map shows what the customer goes through: name "
            "each stage by what they do (“Compare options”), not by a step of our process (“Lead qualification”).",
            count) % {"count": count}
    if code == "no_persona":
        if not count:
            return _("The map follows a persona: the team maps a customer they can picture.")
        return _("This map follows no persona. Without one, the team maps an average customer nobody has met: "
                 "add the persona this journey is about from the Personas menu.")
    if code == "emotion_gaps":
        if not count:
            return _("Every stage has a feeling on the curve, for each persona.")
        return ngettext(
            "The emotion curve is missing on %(count)d stage. A curve with holes hides where the experience "
            "drops: give the stage a score, ideally derived from its touchpoints’ evaluations.",
            "The emotion curve is missing on %(count)d stages. A curve with holes hides where the experience "
            "drops: give each stage a score, ideally derived from its touchpoints’ evaluations.",
            count) % {"count": count}
    if code == "no_evidence":
        if not count:
            return _("Every touchpoint and pain point is backed by evidence.")
        return ngettext(
            "%(count)d touchpoint or pain point has no evidence. Without a survey, a recording, a screenshot or "
            "a customer’s words, a map states opinions: attach a link or a file.",
            "%(count)d touchpoints or pain points have no evidence. Without a survey, a recording, a screenshot "
            "or a customer’s words, a map states opinions: attach a link or a file to each.",
            count) % {"count": count}
    if code == "no_moments_of_truth":
        if not count:
            return _("Moments of truth are marked: they are what to fix and monitor first.")
        return _("No moment of truth is marked. They are where the relationship tips one way or the other, and "
                 "what to fix and monitor first: mark the two or three that matter most.")
    if code == "irritants_unaddressed":
        if not count:
            return _("Every irritant and pain point has a change that addresses it.")
        return ngettext(
            "%(count)d irritant or pain point has no opportunity that addresses it. A map is for action: link "
            "the pain point to the change that answers it, or add an opportunity at its stage.",
            "%(count)d irritants or pain points have no opportunity that addresses them. A map is for action: "
            "link each pain point to the change that answers it, or add an opportunity at its stage.",
            count) % {"count": count}
    if code == "single_team":
        if not count:
            return _("Several departments wrote on this map.")
        teams = open_items[0].get("teams") or []
        if teams:
            return _("Only %(team)s wrote on this map. The customer meets every department: invite the others "
                     "(sales, support, marketing…) to add what they see.") % {"team": teams[0]}
        return _("Nobody who wrote on this map belongs to a team, so nothing shows that several departments "
                 "took part. Put members in teams, and invite the departments the customer meets.")
    if code == "empty_cells":
        if not count:
            return _("Every cell that should say something does.")
        return ngettext(
            "%(count)d cell of %(total)d is empty. An empty cell is a question the workshop has not answered: "
            "fill it in, or accept it if there is truly nothing to say.",
            "%(count)d cells of %(total)d are empty. An empty cell is a question the workshop has not answered: "
            "fill them in, or accept those where there is truly nothing to say.",
            count) % {"count": count, "total": total}
    if code == "too_many_stages":
        if not count:
            return _("The stages are few enough, or grouped in phases, to read at a glance.")
        stages = open_items[0].get("stages", 0)
        return _("%(count)d stages sit outside any phase. Past twelve columns a map is hard to read and probably "
                 "covers several journeys: group the stages into phases, or split the map.") % {"count": stages}
    if code == "stale":
        return _stale_message(finding, count)
    return ""


def _day(value: str | None) -> str:
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(value) if value else None
    return date_format(moment, "DATE_FORMAT") if moment else "—"


def _stale_message(finding: dict[str, Any], count: int) -> str:
    values = {"date": _day(finding.get("reviewed_at")), "due": _day(finding.get("due_at"))}
    if not count:
        if finding.get("reviewed_at"):
            return _("Reviewed on %(date)s; the next review is due on %(due)s.") % values
        return _("Not reviewed yet; the first review is due on %(due)s.") % values
    if finding.get("reviewed_at"):
        return _("Last reviewed on %(date)s; a review was due on %(due)s. Journeys change: go over the map with "
                 "the teams every few months, then mark it reviewed.") % values
    return _("Never reviewed; a review was due on %(due)s. Journeys change: go over the map with the teams every "
             "few months, then mark it reviewed.") % values


def item_note(code: str, item: dict[str, Any]) -> str:
    """A short line under one item saying what is wrong with it."""
    if code == "company_voice":
        if item.get("words"):
            return ngettext("Company word: %(words)s", "Company words: %(words)s", len(item["words"])) % {
                "words": ", ".join(_("“%(word)s”") % {"word": w} for w in item["words"])}
        return _("A noun alone: say what the customer does.")
    if code == "emotion_gaps" and item.get("personas"):
        return _("No score for %(names)s") % {"names": ", ".join(item["personas"])}
    if code == "emotion_gaps":
        return _("No score on the curve")
    if code == "no_evidence":
        return _("No link or file")
    if code == "irritants_unaddressed":
        return _("No change addresses it")
    if code == "empty_cells":
        return _("Empty cell")
    return ""
