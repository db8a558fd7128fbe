"""What every app's API views share: the body cap, id parsing, the workspace and
map role checks, and the documented error answers."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from journeymap.serializers import ErrorSerializer
from maps.models import JourneyMap, Role, Workspace
from maps.selectors import map_role, workspace_role

# Larger than any valid write (a batch of ops, a 10,000-character card) and below
# Django's own DATA_UPLOAD_MAX_MEMORY_SIZE, so an oversized body is refused here,
# as JSON, before anything parses it.
MAX_BODY_BYTES = 2 * 1024 * 1024
WRITE_ROLES = {Role.OWNER, Role.EDITOR}


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "Gone."
    default_code = "gone"


class ApiView(APIView):
    max_body_bytes = MAX_BODY_BYTES

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            raise TooLarge(f"The request body is larger than {self.max_body_bytes} bytes.")
        super().initial(request, *args, **kwargs)


def parse_id(value: Any, what: str = "object") -> str:
    """A path id; anything that is not a UUID names nothing (404, never 500)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise exceptions.NotFound(f"No such {what}.") from None


def body_object(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    return dict(data)


def valid_body(serializer_class: type[Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    """The request body as ``serializer_class`` accepts it; otherwise a 400 that
    names each refused field (``kwargs``: an instance, ``partial``, a context)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def row_or_404(rows: QuerySet, item_id: Any, what: str) -> Any:
    """The row of ``rows`` a path id names; a 404 for anything else (a malformed id,
    another workspace's row)."""
    row = rows.filter(id=parse_id(item_id, what)).first()
    if row is None:
        raise exceptions.NotFound(f"No such {what}.")
    return row


def map_for(request: Request, map_id: Any, *, write: bool = False) -> tuple[JourneyMap, str]:
    """The map and the caller's role; 404 for outsiders, 403 for viewers writing."""
    journey_map, role = map_role(user=request.user, map_id=parse_id(map_id, "map"))
    if journey_map is None or role is None:
        raise exceptions.NotFound("No such map.")
    if write and role not in WRITE_ROLES:
        raise exceptions.PermissionDenied("Viewers cannot change this map.")
    return journey_map, role


def workspace_for(request: Request, workspace_id: Any, *, write: bool = False,
                  owner: bool = False) -> tuple[Workspace, str]:
    workspace_id = parse_id(workspace_id, "workspace")
    workspace, role = workspace_role(user=request.user, workspace_id=workspace_id)
    if workspace is None or role is None:
        raise exceptions.NotFound("No such workspace.")
    if owner and role != Role.OWNER:
        raise exceptions.PermissionDenied("Only owners can do this.")
    if write and role not in WRITE_ROLES:
        raise exceptions.PermissionDenied("Viewers cannot change this workspace.")
    return workspace, role


_DESCRIPTIONS = {
    400: "Invalid input (code `invalid`): wrong type, length, unknown field, bad UUID; text with a lone "
         "surrogate, NUL or a control character other than tab, newline and CR, in the body or the query "
         "string; JSON nested deeper than 64 levels, NaN or Infinity. `fields` names the field.",
    401: "Not authenticated (code `unauthenticated`).",
    403: "Forbidden (code `forbidden`): viewers cannot write; some calls are for owners.",
    404: "Not found (code `not_found`), including another workspace's objects.",
    409: "Conflict (`gone`, `parent_deleted`, `version_conflict`, `batch_id_reused`).",
    410: "Gone: older than the retained op log; reload the document.",
    413: "Body too large (code `too_large`).",
    429: "Too many attempts from this address (code `rate_limited`); see Retry-After.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    # Any call can be refused for text the API never accepts (journeymap.strict), if
    # only in its query string: 400 is documented everywhere.
    codes = tuple(sorted({400, *codes}))
    return {code: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]) for code in codes}


READ_ERRORS = (401, 404)
WRITE_ERRORS = (400, 401, 403, 404, 409, 413)


def path_id(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


MAP_ID = path_id("map_id", "The map.")
WORKSPACE_ID = path_id("workspace_id", "The workspace.")
ITEM_ID = path_id("item_id", "The item.")
