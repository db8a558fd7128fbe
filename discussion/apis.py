"""Comments REST API: ``/api/v1/maps/<id>/comments/`` (the README, "Comments").

Anyone with a role on the map's workspace reads and writes comments, viewers too;
share-link visitors are no API users. Thin views: the services decide who may
change what.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from discussion import selectors, services
from discussion.models import AnchorType, ThreadStatus
from discussion.serializers import CommentCreateSerializer, CommentSerializer, CommentUpdateSerializer
from journeymap.api_common import (
    MAP_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiView,
    errors,
    map_for,
    parse_id,
    path_id,
    valid_body,
)

COMMENT_ID = path_id("comment_id", "The comment.")
TAGS = ["comments"]
FLAGS = {"true": True, "1": True, "false": False, "0": False}


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return False
    if raw.lower() not in FLAGS:
        raise exceptions.ValidationError({name: ["Must be true or false."]})
    return FLAGS[raw.lower()]


def _choice(request: Request, name: str, choices: list[str]) -> str | None:
    raw = request.query_params.get(name) or None
    if raw is not None and raw not in choices:
        raise exceptions.ValidationError({name: [f"Must be one of {', '.join(choices)}."]})
    return raw


class CommentListView(ApiView):
    @extend_schema(
        tags=TAGS, operation_id="maps_comments_list", parameters=[
            MAP_ID,
            OpenApiParameter("anchor_type", OpenApiTypes.STR, enum=AnchorType.values,
                             description="Only threads on this kind of thing."),
            OpenApiParameter("anchor_id", OpenApiTypes.UUID,
                             description="Only threads on this stage, lane, card, touchpoint or moment "
                                         "(a stage or lane also matches the cells it crosses)."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ThreadStatus.values),
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="Threads you wrote in."),
            OpenApiParameter("mentioning_me", OpenApiTypes.BOOL, description="Threads that mention you."),
        ],
        summary="The map's comment threads, each first comment followed by its replies, oldest thread first",
        description="Threads on deleted items are left out until the item is restored; a deleted first "
                    "comment with replies is a placeholder (`deleted`: true, no text).",
        responses={200: CommentSerializer(many=True), **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        anchor_id = request.query_params.get("anchor_id") or None
        if anchor_id is not None:
            try:
                anchor_id = str(parse_id(anchor_id))
            except exceptions.NotFound:
                raise exceptions.ValidationError({"anchor_id": ["Must be a UUID."]}) from None
        comments = selectors.map_comments(
            journey_map=journey_map, user=request.user,
            anchor_type=_choice(request, "anchor_type", AnchorType.values), anchor_id=anchor_id,
            status=_choice(request, "status", ThreadStatus.values),
            mine=_flag(request, "mine"), mentioning_me=_flag(request, "mentioning_me"))
        return Response(CommentSerializer(comments, many=True).data)

    @extend_schema(
        tags=TAGS, operation_id="maps_comments_create", parameters=[MAP_ID],
        summary="Start a thread on the map or something in it, or reply in a thread (any member, viewers too)",
        description="`@username` mentions a member of the map's workspace (anyone else stays plain text). "
                    "A deleted anchor answers 409 `gone`; another map's item 404.",
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        valid_body(CommentCreateSerializer, request)
        data = request.data
        comment = services.comment_create(journey_map=journey_map, user=request.user, anchor=data.get("anchor"),
                                          body=data.get("body"), parent_id=data.get("parent"))
        return Response(_shown(comment), status=status.HTTP_201_CREATED)


class CommentDetailView(ApiView):
    @extend_schema(
        tags=TAGS, operation_id="maps_comments_partial_update", parameters=[MAP_ID, COMMENT_ID],
        summary="Edit a comment's text (its author) or resolve / reopen its thread (the author, editors, owners)",
        request=CommentUpdateSerializer,
        responses={200: CommentSerializer, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: Request, map_id: str, comment_id: str) -> Response:
        journey_map, role = map_for(request, map_id)
        valid_body(CommentUpdateSerializer, request)
        comment = services.comment_update(journey_map=journey_map, user=request.user, role=role,
                                          comment_id=parse_id(comment_id, "comment"),
                                          body=request.data.get("body"), status=request.data.get("status"))
        return Response(_shown(comment))

    @extend_schema(
        tags=TAGS, operation_id="maps_comments_destroy", parameters=[MAP_ID, COMMENT_ID],
        summary="Delete a comment (its author or an owner); a thread keeps a placeholder above its replies",
        responses={204: OpenApiResponse(description="Deleted."), **errors(*WRITE_ERRORS)},
    )
    def delete(self, request: Request, map_id: str, comment_id: str) -> Response:
        journey_map, role = map_for(request, map_id)
        services.comment_delete(journey_map=journey_map, user=request.user, role=role,
                                comment_id=parse_id(comment_id, "comment"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentReadView(ApiView):
    @extend_schema(
        tags=TAGS, operation_id="maps_comments_read", parameters=[MAP_ID, COMMENT_ID], request=None,
        summary="Mark the thread of this comment read for you (it is no longer `unread` until someone writes in it)",
        responses={204: OpenApiResponse(description="Marked read."), **errors(*READ_ERRORS)},
    )
    def post(self, request: Request, map_id: str, comment_id: str) -> Response:
        journey_map, _ = map_for(request, map_id)
        services.thread_mark_read(journey_map=journey_map, user=request.user,
                                  comment_id=parse_id(comment_id, "comment"))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _shown(comment) -> dict:
    thread_status = comment.parent.status if comment.parent_id else None
    replies = 0 if comment.parent_id else selectors.thread_replies_count(thread_id=comment.id)
    return CommentSerializer(selectors.comment_data(comment, thread_status=thread_status,
                                                    replies_count=replies)).data
