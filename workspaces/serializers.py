"""Shapes of the workspace endpoints: workspaces, teams, members, the API token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeymap.serializers import StrictModelSerializer, StrictSerializer
from maps.models import Membership, Role, Team, Workspace


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class WorkspaceSerializer(StrictModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Workspace
        fields = ["id", "name", "role", "created_at", "updated_at"]
        read_only_fields = ["id", "role", "created_at", "updated_at"]
        extra_kwargs = {"name": {"max_length": 200, "allow_blank": False}}

    def get_role(self, obj: Workspace) -> str | None:
        roles = self.context.get("roles") or {}
        return roles.get(obj.id) or getattr(obj, "my_role", None)


class TeamSerializer(StrictModelSerializer):
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)

    class Meta:
        model = Team
        fields = ["id", "name", "color", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"name": {"max_length": 100}}
        # Uniqueness per workspace is checked by the service (the workspace is in the URL).
        validators: list = []


class MemberUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    team = serializers.UUIDField(source="team_id", allow_null=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "team", "created_at"]
        read_only_fields = fields

    @extend_schema_field(MemberUserSerializer)
    def get_user(self, obj: Membership) -> dict[str, Any]:
        user = obj.user
        return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name() or user.get_username()}


class MemberCreateSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.EDITOR)
    team = serializers.UUIDField(required=False, allow_null=True)

    def validate_username(self, value: str) -> Any:
        # A service token's account is no person to add: it belongs to its token.
        user = get_user_model().objects.filter(username=value, service_token__isnull=True).first()
        if user is None:
            raise serializers.ValidationError("No user with this username.")
        return user


class MemberUpdateSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    team = serializers.UUIDField(required=False, allow_null=True)
