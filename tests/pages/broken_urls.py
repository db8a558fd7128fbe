"""The app's URLs plus one view that fails, to see the page people get on a 500."""

from __future__ import annotations

from django.urls import path

from journeymap.urls import urlpatterns as app_urlpatterns


def broken(request):
    raise RuntimeError("a bug on purpose")


urlpatterns = [path("broken/", broken), *app_urlpatterns]
