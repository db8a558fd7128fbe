"""``POST /api/v1/maps/<id>/review/``: owners and editors mark a map reviewed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from journeymap.api_common import MAP_ID, WRITE_ERRORS, ApiView, errors, map_for, valid_body
from maps.errors import OpError
from maps.serializers import person_name
from reviews.selectors import map_review_due_at
from reviews.serializers import ReviewRequestSerializer, ReviewSerializer
from reviews.services import map_mark_reviewed

TAG = ["reviews"]


class MapReviewView(ApiView):
    @extend_schema(tags=TAG, operation_id="maps_review", parameters=[MAP_ID], request=ReviewRequestSerializer,
                   summary="Mark the map reviewed by the caller (owners and editors); saves an automatic version "
                           "and stops the review reminders until the next review is due",
                   responses={201: ReviewSerializer, **errors(*WRITE_ERRORS)})
    def post(self, request: Request, map_id: str) -> Response:
        journey_map, _role = map_for(request, map_id, write=True)
        data = valid_body(ReviewRequestSerializer, request)
        if journey_map.archived:
            raise OpError("gone", _("This map is archived: bring it back before reviewing it."))
        review = map_mark_reviewed(journey_map=journey_map, user=request.user, note=data["note"])
        reviewed = review.journey_map
        return Response(ReviewSerializer({
            "map": reviewed.id,
            "reviewed_at": reviewed.reviewed_at,
            "reviewed_by": {"id": request.user.pk, "name": person_name(request.user)},
            "review_every_months": reviewed.review_every_months,
            "review_due_at": map_review_due_at(reviewed),
            "version": review.version.id,
        }).data, status=status.HTTP_201_CREATED)
