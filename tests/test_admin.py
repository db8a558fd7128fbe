from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin

APPS = ("maps", "personas", "touchpoints", "templates_lib", "exports")


@pytest.mark.parametrize("model", [m for a in APPS for m in apps.get_app_config(a).get_models()],
                         ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    assert model in admin.site._registry


def test_admin_changelists_render_for_a_superuser(admin_client, grid, editor):
    grid.card(editor, text="A card in the admin")
    for model in admin.site._registry:
        if model._meta.app_label in APPS:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert admin_client.get(url).status_code == 200, url
