"""REST side of the socket: one-use tickets for API clients (``maps.live.tickets``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.api_common import MAP_ID, errors, parse_id
from maps.live import tickets
from maps.selectors import map_role


class WsTicketApi(APIView):
    """A ticket for one websocket connection to a map: 60 seconds, one use.

    API clients send no Origin and no cookie on the socket, so they authenticate
    here (token or session) and put the ticket in the socket URL:
    ``/ws/maps/<map_id>/?ticket=<ticket>``.
    """

    @extend_schema(
        parameters=[MAP_ID],
        request=None,
        responses={201: inline_serializer("WsTicket", {"ticket": serializers.CharField(),
                                                       "expires_in": serializers.IntegerField()}),
                   **errors(401, 404)},
    )
    def post(self, request: Request, map_id: Any) -> Response:
        # A path id that is no UUID names no map: the API's JSON 404, not Django's page.
        journey_map, role = map_role(user=request.user, map_id=parse_id(map_id, "map"))
        if journey_map is None:
            raise NotFound("no such map")
        ticket = tickets.issue(tickets.make_payload(map_id=journey_map.id, user_id=request.user.pk, role=role))
        return Response({"ticket": ticket, "expires_in": tickets.ttl_seconds()}, status=201)
