"""Domain and framework errors to JSON, in one place: {code, message, fields}."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from maps.errors import OpError

_CODE_BY_STATUS = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, OpError):
        body = {"code": exc.code, "message": exc.message, "fields": {exc.field: [exc.message]} if exc.field else {}}
        if exc.op_index is not None:
            body["op_index"] = exc.op_index
        return Response(body, status=exc.http_status)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return Response({"code": "unauthenticated", "message": str(exc.detail), "fields": {}},
                        status=status.HTTP_401_UNAUTHORIZED, headers={"WWW-Authenticate": "Token"})
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = _CODE_BY_STATUS.get(response.status_code, "error")
    detail = response.data
    if isinstance(detail, dict) and "detail" not in detail:
        fields = detail
        message = "; ".join(f"{k}: {_first(v)}" for k, v in detail.items())
    elif isinstance(detail, list):
        fields = {"non_field_errors": detail}
        message = "; ".join(str(d) for d in detail)
    else:
        fields = {}
        message = str(detail.get("detail", "")) if isinstance(detail, dict) else str(detail)
    response.data = {"code": code, "message": message or code, "fields": fields}
    return response


def _first(value: Any) -> str:
    if isinstance(value, list) and value:
        return _first(value[0])
    if isinstance(value, dict) and value:
        return _first(next(iter(value.values())))
    return str(value)
