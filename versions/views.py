"""The compare page and its PDF: any two of a version, now, or the related map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions

from journeymap.downloads import content_disposition
from maps.selectors import map_role
from versions import presentation
from versions.selectors import related_maps, versions_of_map
from versions.sides import compare_with_documents


def _context(request: HttpRequest, map_id: Any) -> dict[str, Any]:
    journey_map, role = map_role(user=request.user, map_id=map_id)
    if journey_map is None:
        raise Http404
    from_side = request.GET.get("from") or ""
    to_side = request.GET.get("to") or "current"
    versions = list(versions_of_map(map_id=journey_map.id)[:200])
    if not from_side:
        from_side = str(versions[0].id) if versions else "current"
    options = [("current", _("Now"))]
    for other in related_maps(journey_map=journey_map):
        kind = _("Current state") if other.id == journey_map.based_on_id else _("Future state")
        options.append((f"map:{other.id}", f"{kind}: {other.title}"))
    for version in versions:
        when = formats.date_format(timezone.localtime(version.created_at), "SHORT_DATETIME_FORMAT")
        options.append((str(version.id), f"{version.name or version.get_reason_display()} · {when}"))
    pickers = [{"name": name, "label": label,
                "options": [{"value": v, "label": text, "selected": v == chosen} for v, text in options]}
               for name, label, chosen in (("from", _("From"), from_side), ("to", _("To"), to_side))]
    context: dict[str, Any] = {
        "map": journey_map, "role": role, "from_side": from_side, "to_side": to_side, "pickers": pickers,
        "error": None,
    }
    try:
        result, from_doc, to_doc = compare_with_documents(journey_map=journey_map, user=request.user,
                                                          from_side=from_side, to_side=to_side)
    except exceptions.APIException as error:
        context["error"] = _("These two cannot be compared: choose a version, now, or the related map.")
        context["error_detail"] = str(getattr(error, "detail", ""))
        return context
    left, right = presentation.marks(result)
    context.update(
        result=result,
        chart=presentation.chart(result),
        summary=presentation.summary(result["counts"]),
        lines=presentation.change_lines(result),
        sides=[(result["sides"]["from"], presentation.grid(from_doc, left)),
               (result["sides"]["to"], presentation.grid(to_doc, right))],
    )
    return context


@login_required
def compare_page(request: HttpRequest, map_id: Any) -> HttpResponse:
    return render(request, "versions/compare.html", _context(request, map_id))


@login_required
def compare_pdf(request: HttpRequest, map_id: Any) -> HttpResponse:
    from weasyprint import HTML

    context = _context(request, map_id)
    if context.get("error"):
        raise Http404
    css = Path(finders.find("css/versions.css")).read_text()
    html = render_to_string("versions/compare_print.html", {**context, "css": css}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _("Comparison")
    response["Content-Disposition"] = content_disposition(f"{context['map'].title} - {name}.pdf")
    return response
