"""Strict text at the HTTP boundary (``journeymap.strict`` does the checking).

- REST bodies: the DRF parsers below (set as ``DEFAULT_PARSER_CLASSES``) refuse
  invalid JSON, JSON deeper than 64 levels, ``NaN``/``Infinity``, lone
  surrogates, NUL and control characters in any key or string, form field values
  and uploaded file names, with the API's 400 JSON naming the field.
- Paths and query strings of every request, and the form fields of page posts:
  ``StrictInputMiddleware`` (a path like that answers 404: it names nothing).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from rest_framework import exceptions
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser

from journeymap.strict import InvalidInput, bad_text, check_text
from journeymap.strict import loads as strict_loads

API_PREFIX = "/api/"


class InvalidBody(exceptions.ParseError):
    """A body refused by the strict parsers: 400 ``invalid``, naming the field."""

    def __init__(self, error: InvalidInput) -> None:
        detail: Any = error.as_fields() if error.field else [f"The body {error.message}."]
        super().__init__(detail)


def check_form(data: Any, files: Any = None) -> None:
    """Every key and value of a form (a ``QueryDict``), and the names of its files."""
    for key, values in data.lists():
        check_text(key, "")
        for value in values:
            if isinstance(value, str):
                check_text(value, key)
    if files is not None:
        for key, uploads in files.lists():
            check_text(key, "")
            for upload in uploads:
                check_text(upload.name or "", key)


class StrictJSONParser(JSONParser):
    """JSON bodies through ``journeymap.strict.loads`` (UTF-8, as RFC 8259 requires)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = stream.read() if stream is not None else b""
        try:
            return strict_loads(data)
        except InvalidInput as error:
            raise InvalidBody(error) from None


class StrictFormParser(FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        try:
            check_form(data)
        except InvalidInput as error:
            raise InvalidBody(error) from None
        return data


class _FileNames(FileUploadHandler):
    """First of the upload handlers: refuses a file whose name the parser found
    wanting, naming the form field (only a handler is told the field's name)."""

    def __init__(self, parser: _StrictDjangoMultiPartParser) -> None:
        super().__init__()
        self.parser = parser

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        if self.parser.file_name_problem is not None:
            raise InvalidInput(f"file name {self.parser.file_name_problem}", field_name)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class _StrictDjangoMultiPartParser(DjangoMultiPartParser):
    def __init__(self, meta: Any, input_data: Any, upload_handlers: list[Any], encoding: str | None = None) -> None:
        super().__init__(meta, input_data, [_FileNames(self), *upload_handlers], encoding)
        self.file_name_problem: str | None = None

    def sanitize_file_name(self, file_name: str) -> str | None:
        # Django quietly drops what is not printable; a name like that is refused instead.
        self.file_name_problem = bad_text(file_name) or bad_text(html.unescape(file_name))
        return super().sanitize_file_name(file_name) or ("refused" if self.file_name_problem else None)


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        encoding = parser_context.get("encoding", "utf-8")
        try:
            parser = _StrictDjangoMultiPartParser(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
            check_form(data, files)
        except InvalidInput as error:
            raise InvalidBody(error) from None
        except MultiPartParserError as exc:
            raise exceptions.ParseError(f"Multipart form parse error - {exc}") from None
        return DataAndFiles(data, files)


# --- every request -----------------------------------------------------------------------

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_problem(request: HttpRequest) -> InvalidInput | None:
    """What is wrong with the path, query string or (for pages) form fields, if anything."""
    try:
        check_text(request.path, "path")
        if request.META.get("QUERY_STRING"):
            check_form(request.GET)
        if (request.method == "POST" and not request.path.startswith(API_PREFIX)
                and request.content_type in _FORM_TYPES):
            check_form(request.POST, request.FILES)
    except InvalidInput as error:
        return error
    return None


class StrictInputMiddleware:
    """Refuses a request whose path, query string or page form carries text the app
    never accepts (API bodies are checked by the DRF parsers, which name the field)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is None:
            return self.get_response(request)
        api = request.path.startswith(API_PREFIX)
        if problem.field == "path":
            # A path like that names nothing: the 404 of any unknown page or id.
            if api:
                return JsonResponse({"code": "not_found", "message": "Not found.", "fields": {}}, status=404)
            raise Http404
        field = problem.field or "non_field_errors"
        if api:
            return JsonResponse({"code": "invalid", "message": f"{field}: {problem.message}",
                                 "fields": problem.as_fields()}, status=400)
        # A page form (a pasted invisible character, say): a page that says what to do.
        return render(request, "errors/invalid_input.html", {"field": field, "back": request.path}, status=400)
