"""REST: a map's share links (list, create, revoke). Owners and editors manage
them; viewers get 403; people outside the workspace get 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import (
    MAP_ID,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiView,
    errors,
    map_for,
    parse_id,
    path_id,
)
from maps.models import ShareLink
from sharing import links as sharing

LINK_ID = path_id("link_id", "The share link.")


class ShareLinkCreateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=sharing.MAX_LABEL, allow_blank=True, required=False, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    hidden_lanes = serializers.ListField(child=serializers.UUIDField(), required=False, default=list,
                                         max_length=sharing.MAX_HIDDEN_LANES)
    highlight_team = serializers.UUIDField(required=False, allow_null=True, default=None)
    allow_pdf = serializers.BooleanField(required=False, default=False)
    show_presence = serializers.BooleanField(
        required=False, default=False,
        help_text="Visitors see who of the team is on the map (names, avatars). Off by default.")


class ShareLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.CharField(allow_null=True, help_text="The link, with its token: only in the answer to "
                                "its creation, never again.")
    label = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField()
    hidden_lanes = serializers.ListField(child=serializers.UUIDField())
    highlight_team = serializers.UUIDField(allow_null=True)
    allow_pdf = serializers.BooleanField()
    show_presence = serializers.BooleanField()
    created_at = serializers.DateTimeField()


def link_data(link: ShareLink, url: str | None = None) -> dict[str, Any]:
    return {
        "id": link.id,
        "url": url,
        "label": link.label,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "active": sharing.is_active(link),
        "hidden_lanes": list(link.hidden_lanes or []),
        "highlight_team": link.highlight_team_id,
        "allow_pdf": link.allow_pdf,
        "show_presence": link.show_presence,
        "created_at": link.created_at,
    }


class ShareLinkListView(ApiView):
    @extend_schema(tags=["share links"], operation_id="map_share_links_list", parameters=[MAP_ID],
                   summary="List a map's share links (tokens are never shown again)",
                   responses={200: ShareLinkSerializer(many=True), **errors(*READ_ERRORS, 403)})
    def get(self, request: Request, map_id: Any) -> Response:
        journey_map, _ = map_for(request, map_id, write=True)
        links = sharing.share_links_for_map(map=journey_map)
        return Response(ShareLinkSerializer([link_data(link) for link in links], many=True).data)

    @extend_schema(tags=["share links"], operation_id="map_share_links_create", parameters=[MAP_ID],
                   summary="Create a read-only share link; the answer's url carries the token, shown once",
                   request=ShareLinkCreateSerializer,
                   responses={201: ShareLinkSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: Any) -> Response:
        journey_map, _ = map_for(request, map_id, write=True)
        serializer = ShareLinkCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = sharing.share_link_create(
            map=journey_map, created_by=request.user, label=data["label"], expires_at=data["expires_at"],
            hidden_lanes=[str(lane) for lane in data["hidden_lanes"]], highlight_team=data["highlight_team"],
            allow_pdf=data["allow_pdf"], show_presence=data["show_presence"],
        )
        url = request.build_absolute_uri(created.path)
        return Response(ShareLinkSerializer(link_data(created.link, url)).data, status=status.HTTP_201_CREATED)


class ShareLinkDetailView(ApiView):
    @extend_schema(tags=["share links"], operation_id="map_share_links_revoke", parameters=[MAP_ID, LINK_ID],
                   summary="Revoke a share link: its page and open sockets close within seconds",
                   request=None, responses={204: None, **errors(401, 403, 404)})
    def delete(self, request: Request, map_id: Any, link_id: Any) -> Response:
        journey_map, _ = map_for(request, map_id, write=True)
        link = ShareLink.objects.filter(map=journey_map, id=parse_id(link_id, "share link")).first()
        if link is None:
            raise exceptions.NotFound("No such share link.")
        sharing.share_link_revoke(link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
