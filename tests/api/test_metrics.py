"""Metric series over REST: each call for each role, the happy path, idempotent
reposts, the 10,000-point limit, bad rows (named, nothing written), CSV files as
French Excel writes them, service tokens, and the op log entry."""

from __future__ import annotations

import json
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from integrations.tokens import token_create
from maps.models import Operation as OpLog
from metrics.models import MetricKey, MetricPoint
from tests.api.test_permissions import expect
from touchpoints.models import Touchpoint

ROLES = ("owner", "editor", "viewer", "outsider", "anonymous")


def metrics_url(world, query=""):
    return f"/api/v1/maps/{world.map.id}/metrics/{query}"


def keys_url(world):
    return f"/api/v1/workspaces/{world.workspace.id}/metric-keys/"


def point(world, **fields):
    return {"touchpoint": world.ids["touchpoint"], "metric": "csat", "period": "2026-03", "value": 81.5, **fields}


def upload(text: str, name: str = "metrics.csv", encoding: str = "utf-8-sig") -> dict:
    return {"file": SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")}


CALLS = [
    ("series", "get", lambda w: metrics_url(w), None, "read", 200),
    ("post points", "post", lambda w: metrics_url(w), lambda w: {"points": [point(w)]}, "write", 200),
    ("post csv", "post", lambda w: metrics_url(w), "csv", "write", 200),
    ("metric keys", "get", lambda w: keys_url(w), None, "read", 200),
    ("declare a key", "post", lambda w: keys_url(w), lambda w: {"key": "wait_minutes", "label": "Wait"}, "owner", 201),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "kind", "ok"), CALLS, ids=[c[0] for c in CALLS])
def test_each_metrics_call_answers_each_role_as_documented(world, role, name, method, path, body, kind, ok):
    client = world.client(role)
    if body == "csv":
        response = client.post(path(world), upload(f"touchpoint,metric,period,value\n{world.ids['touchpoint']},"
                                                   "nps,2026-03,12\n"), format="multipart")
    else:
        response = getattr(client, method)(path(world), body(world) if body else None, format="json")
    assert response.status_code == expect(kind, ok)[role], (name, role, response.content[:300])
    if response.status_code >= 400:
        assert set(response.json()) >= {"code", "message", "fields"}
        assert not MetricPoint.objects.exists()


@pytest.mark.django_db
def test_points_are_stored_and_the_latest_reaches_the_touchpoint_in_one_logged_batch(world):
    client = world.client("editor")
    seq_before = world.map.__class__.objects.get(id=world.map.id).seq
    points = [point(world, period="2026-01", value=70), point(world, period="2026-03", value=82.5),
              point(world, period="2026-02", value=75), point(world, metric="nps", period="2026-03", value=-12),
              point(world, metric="ces", period="2026-03-14", value=5.5),
              point(world, metric="volume_count", period="2026-03", value=1200),
              point(world, touchpoint={"stage": "Discover", "name": "website"}, metric="volume_share",
                    period="2026-03", value=35)]
    response = client.post(metrics_url(world), {"points": points}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["points"] == 7 and response.json()["touchpoints"] == 1
    tp = Touchpoint.objects.get(id=world.ids["touchpoint"])
    assert (tp.csat, tp.nps, tp.ces, tp.volume_count, tp.volume_share) == (82.5, -12, 5.5, 1200, 35)
    assert tp.metrics["csat"] == {"value": 82.5, "period": "2026-03"}
    assert tp.metrics["ces"] == {"value": 5.5, "period": "2026-03-14"}
    # One batch, attributed to the caller, in the op log.
    logged = OpLog.objects.filter(map_id=world.map.id, seq__gt=seq_before)
    assert logged.count() == 1
    entry = logged.get()
    assert entry.seq == response.json()["seq"] and entry.actor_id == world.users["editor"].id
    assert [op["id"] for op in entry.ops] == [world.ids["touchpoint"]]

    series = client.get(metrics_url(world, f"?touchpoint={world.ids['touchpoint']}&metric=csat")).json()
    assert series["series"] == [{"touchpoint": world.ids["touchpoint"], "metric": "csat", "points": [
        {"period": "2026-01", "value": 70.0}, {"period": "2026-02", "value": 75.0},
        {"period": "2026-03", "value": 82.5}]}]
    assert {m["key"] for m in series["metrics"]} >= {"csat", "nps", "ces", "volume_share", "volume_count"}


@pytest.mark.django_db
def test_posting_the_same_period_again_replaces_its_value_and_an_unchanged_repost_writes_no_batch(world):
    client = world.client("owner")
    assert client.post(metrics_url(world), {"points": [point(world, value=60)]}, format="json").status_code == 200
    again = client.post(metrics_url(world), {"points": [point(world, value=64)]}, format="json").json()
    assert MetricPoint.objects.get().value == 64 and again["touchpoints"] == 1
    assert Touchpoint.objects.get(id=world.ids["touchpoint"]).csat == 64
    seq = world.map.__class__.objects.get(id=world.map.id).seq
    same = client.post(metrics_url(world), {"points": [point(world, value=64)]}, format="json").json()
    assert same == {"points": 1, "touchpoints": 0, "seq": None}
    assert world.map.__class__.objects.get(id=world.map.id).seq == seq
    assert MetricPoint.objects.count() == 1


@pytest.mark.django_db
def test_an_older_period_does_not_replace_the_latest_reading(world):
    client = world.client("owner")
    client.post(metrics_url(world), {"points": [point(world, period="2026-05", value=90)]}, format="json")
    client.post(metrics_url(world), {"points": [point(world, period="2025-12", value=10)]}, format="json")
    tp = Touchpoint.objects.get(id=world.ids["touchpoint"])
    assert tp.csat == 90 and tp.metrics["csat"]["period"] == "2026-05"


@pytest.mark.django_db
def test_ten_thousand_points_are_taken_and_one_more_is_refused_whole(world):
    client = world.client("editor")
    months = [f"{year}-{month:02d}" for year in range(1200, 2200) for month in range(1, 13)]
    points = [point(world, period=p, value=50) for p in months[:10_000]]
    assert client.post(metrics_url(world), {"points": points}, format="json").json()["points"] == 10_000
    MetricPoint.objects.all().delete()
    over = client.post(metrics_url(world), {"points": [point(world, period=p, value=50) for p in months[:10_001]]},
                       format="json")
    assert over.status_code == 413 and over.json()["code"] == "too_large"
    assert "10,000" in over.json()["message"] and "10,001" in over.json()["message"]
    assert not MetricPoint.objects.exists()


def _bad_rows(world):
    return [
        ("unknown touchpoint", {"touchpoint": "00000000-0000-4000-8000-000000000000"}, "touchpoint", "no touchpoint"),
        ("unknown name", {"touchpoint": {"stage": "Discover", "name": "Kiosk"}}, "touchpoint", "no touchpoint named"),
        ("other workspace", {"touchpoint": world.other["touchpoint"]}, "touchpoint", "no touchpoint"),
        ("bad period", {"period": "2026-13"}, "period", "YYYY-MM"),
        ("no such day", {"period": "2026-02-30"}, "period", "not a day"),
        ("out of range", {"value": 101}, "value", "between 0 and 100"),
        ("nps fraction", {"metric": "nps", "value": 10.5}, "value", "whole number"),
        ("ces range", {"metric": "ces", "value": 0}, "value", "between 1 and 7"),
        ("huge", {"metric": "volume_count", "value": 10**400}, "value", "finite"),
        ("text value", {"value": "80"}, "value", "must be a number"),
        ("unknown metric", {"metric": "happiness"}, "metric", "unknown metric"),
        ("extra field", {"note": "hi"}, "note", "not a field"),
    ]


@pytest.mark.django_db
def test_a_bad_point_is_named_by_index_and_field_and_nothing_is_written(world):
    client = world.client("owner")
    for name, change, field, words in _bad_rows(world):
        good = point(world, period="2026-01")
        response = client.post(metrics_url(world), {"points": [good, point(world, **change)]}, format="json")
        assert response.status_code == 400, (name, response.content)
        body = response.json()
        assert body["code"] == "invalid", name
        assert body["fields"]["points"]["index"] == 1 and body["fields"]["points"]["field"] == field, (name, body)
        assert words in body["fields"]["points"]["message"], (name, body)
        assert "Point 1" in body["message"], name
    assert not MetricPoint.objects.exists()
    assert Touchpoint.objects.get(id=world.ids["touchpoint"]).csat is None


@pytest.mark.django_db
def test_nan_and_infinity_are_refused_by_the_json_reader(world):
    client = world.client("owner")
    for literal in ("NaN", "Infinity", "-Infinity"):
        body = json.dumps({"points": [point(world, value=0)]}).replace(" 0}", f" {literal}}}")
        assert literal in body
        response = client.post(metrics_url(world), body, content_type="application/json")
        assert response.status_code == 400 and response.json()["code"] == "invalid", literal
    assert not MetricPoint.objects.exists()


@pytest.mark.django_db
def test_a_deleted_touchpoint_takes_no_points(world):
    Touchpoint.objects.filter(id=world.ids["touchpoint"]).update(deleted_by_seq=1)
    response = world.client("owner").post(metrics_url(world), {"points": [point(world)]}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["points"]["field"] == "touchpoint"


@pytest.mark.django_db
def test_a_french_excel_csv_is_read_and_names_repeat_only_with_a_stage(world):
    from maps.services import map_edit

    # A second "Website" in another stage: the name alone no longer says which.
    map_edit(world.map, world.users["owner"], [{"op": "create", "entity": "touchpoint",
                                                "id": "11111111-1111-4111-8111-111111111111",
                                                "fields": {"stage": world.ids["stage2"], "lane": world.ids["tp_lane"],
                                                           "title": "Website"}}])
    client = world.client("editor")
    ambiguous = client.post(metrics_url(world), upload("point de contact;métrique;période;valeur\n"
                                                       "Website;csat;2026-03;81,5\n"), format="multipart")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["fields"]["points"]["row"] == 2
    assert "stage" in ambiguous.json()["fields"]["points"]["message"]
    text = ("étape;point de contact;métrique;période;valeur\n"
            "Discover;Website;CSAT;2026-03;81,5\n"
            "Buy;Website;volume_count;2026-03;1 234\n"
            "\n")
    response = client.post(metrics_url(world), upload(text), format="multipart")
    assert response.status_code == 200, response.content
    assert Touchpoint.objects.get(id=world.ids["touchpoint"]).csat == 81.5
    assert Touchpoint.objects.get(id="11111111-1111-4111-8111-111111111111").volume_count == 1234


@pytest.mark.django_db
def test_a_bad_csv_row_is_named_by_its_row_in_the_readers_language(world):
    client = world.client("owner")
    text = (f"touchpoint,metric,period,value\n{world.ids['touchpoint']},csat,2026-01,80\n"
            f"{world.ids['touchpoint']},csat,2026-02,nan\n")
    english = client.post(metrics_url(world), upload(text), format="multipart")
    assert english.status_code == 400
    assert english.json()["message"].startswith("Row 3, value:"), english.json()
    french = client.post(metrics_url(world), upload(text.replace("2026-02,nan", "2026-02,150")), format="multipart",
                         HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 400
    assert french.json()["message"].startswith("Ligne 3, value"), french.json()
    assert "entre 0 et 100" in french.json()["message"]
    missing = client.post(metrics_url(world), upload("touchpoint,value\nx,1\n"), format="multipart")
    assert missing.status_code == 400 and "metric" in missing.json()["message"]
    assert not MetricPoint.objects.exists()


@pytest.mark.django_db
def test_custom_keys_are_declared_by_owners_and_keep_their_range(world):
    owner = world.client("owner")
    made = owner.post(keys_url(world), {"key": "wait_minutes", "label": "Wait (min)", "min": 0, "max": 120},
                      format="json")
    assert made.status_code == 201 and made.json()["builtin"] is False
    assert owner.post(keys_url(world), {"key": "wait_minutes", "label": "Again"}, format="json").status_code == 400
    assert owner.post(keys_url(world), {"key": "csat", "label": "Mine"}, format="json").status_code == 400
    assert owner.post(keys_url(world), {"key": "Bad Key", "label": "x"}, format="json").status_code == 400
    assert owner.post(keys_url(world), {"key": "k", "label": "x", "min": 5, "max": 1}, format="json").status_code == 400
    client = world.client("editor")
    refused = client.post(metrics_url(world), {"points": [point(world, metric="wait_minutes", value=500)]},
                          format="json")
    assert refused.status_code == 400 and "between 0 and 120" in refused.json()["message"]
    taken = client.post(metrics_url(world), {"points": [point(world, metric="wait_minutes", value=12.5)]},
                        format="json")
    assert taken.status_code == 200
    tp = Touchpoint.objects.get(id=world.ids["touchpoint"])
    assert tp.metrics == {"wait_minutes": {"value": 12.5, "period": "2026-03"}} and tp.csat is None
    # Another workspace's key is not this workspace's metric.
    MetricKey.objects.create(workspace_id=world.other["workspace"], key="theirs", label="Theirs")
    other = client.post(metrics_url(world), {"points": [point(world, metric="theirs", value=1)]}, format="json")
    assert other.status_code == 400 and other.json()["fields"]["points"]["field"] == "metric"


@pytest.mark.django_db
def test_an_owner_renames_a_metric_and_changes_its_range_but_not_below_stored_readings(world):
    owner = world.client("owner")
    owner.post(keys_url(world), {"key": "wait_minutes", "label": "Wait", "min": 0, "max": 120}, format="json")
    world.client("editor").post(metrics_url(world), {"points": [point(world, metric="wait_minutes", value=45)]},
                                format="json")
    url = f"{keys_url(world)}wait_minutes/"
    renamed = owner.patch(url, {"label": "Waiting time (min)", "max": 90}, format="json")
    assert renamed.status_code == 200, renamed.content
    assert renamed.json() == {**renamed.json(), "label": "Waiting time (min)", "min": 0, "max": 90}
    narrow = owner.patch(url, {"max": 30}, format="json")
    assert narrow.status_code == 400 and "1 readings already stored are outside" in narrow.json()["message"]
    assert narrow.json()["fields"] == {"max": [narrow.json()["fields"]["max"][0]]}
    assert owner.patch(url, {"min": 100}, format="json").status_code == 400  # above max
    assert owner.patch(url, {"key": "other"}, format="json").status_code == 400  # the key never changes
    assert owner.patch(f"{keys_url(world)}csat/", {"label": "x"}, format="json").status_code == 400
    assert owner.patch(f"{keys_url(world)}nothing/", {"label": "x"}, format="json").status_code == 404
    assert world.client("editor").patch(url, {"label": "x"}, format="json").status_code == 403
    row = MetricKey.objects.get(workspace=world.workspace, key="wait_minutes")
    assert (row.label, row.min_value, row.max_value) == ("Waiting time (min)", 0, 90)


@pytest.mark.django_db
def test_removing_a_metric_takes_its_readings_off_the_touchpoints_through_the_write_path(world):
    owner = world.client("owner")
    owner.post(keys_url(world), {"key": "wait_minutes", "label": "Wait"}, format="json")
    world.client("editor").post(metrics_url(world), {"points": [
        point(world, metric="wait_minutes", value=45), point(world, metric="csat", value=80)]}, format="json")
    before = OpLog.objects.filter(map_id=world.map.id).count()
    url = f"{keys_url(world)}wait_minutes/"
    assert world.client("editor").delete(url).status_code == 403
    assert owner.delete(url).status_code == 204
    tp = Touchpoint.objects.get(id=world.ids["touchpoint"])
    assert set(tp.metrics) == {"csat"} and tp.csat == 80
    assert not MetricPoint.objects.filter(metric="wait_minutes").exists()
    assert MetricPoint.objects.filter(metric="csat").count() == 1
    assert not MetricKey.objects.filter(workspace=world.workspace, key="wait_minutes").exists()
    batch = OpLog.objects.filter(map_id=world.map.id).order_by("-seq").first()
    assert OpLog.objects.filter(map_id=world.map.id).count() == before + 1
    assert batch.ops[0]["fields"]["metrics"] == {"csat": {"value": 80.0, "period": "2026-03"}}
    assert owner.delete(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "wanted"), [("editor", 200), ("viewer", 403)])
def test_a_service_token_posts_points_as_its_role_and_its_name(world, role, wanted):
    row, token = token_create(workspace=world.workspace, name="Survey sync", role=role,
                              created_by=world.users["owner"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(metrics_url(world), {"points": [point(world)]}, format="json")
    assert response.status_code == wanted, response.content
    assert client.get(metrics_url(world)).status_code == 200
    if wanted == 200:
        entry = OpLog.objects.get(map_id=world.map.id, seq=response.json()["seq"])
        assert entry.actor_id == row.user_id and entry.actor_name == "Survey sync"


@pytest.mark.django_db
def test_the_series_hides_deleted_touchpoints_and_other_filters(world):
    client = world.client("owner")
    client.post(metrics_url(world), {"points": [point(world), point(world, metric="nps", value=5)]}, format="json")
    assert len(client.get(metrics_url(world, "?metric=nps")).json()["series"]) == 1
    assert client.get(metrics_url(world, "?touchpoint=not-a-uuid")).status_code == 404
    Touchpoint.objects.filter(id=world.ids["touchpoint"]).update(deleted_by_seq=1)
    assert client.get(metrics_url(world)).json()["series"] == []


def test_values_are_finite_numbers_in_the_series_catalog():
    from metrics.catalog import BUILTINS

    assert BUILTINS["ces"].lo == 1 and BUILTINS["ces"].hi == 7
    assert BUILTINS["nps"].integer and BUILTINS["volume_count"].integer and not BUILTINS["csat"].integer
    assert BUILTINS["csat"].problem(math.inf) is not None and BUILTINS["csat"].problem(50) is None


@pytest.mark.django_db
def test_a_file_without_a_touchpoint_column_is_about_the_touchpoint_the_panel_names(world):
    client = world.client("editor")
    text = "metric;period;value\ncsat;2026-01;70\ncsat;2026-02;72,5\n"
    data = {**upload(text), "touchpoint": world.ids["touchpoint"]}
    response = client.post(metrics_url(world), data, format="multipart")
    assert response.status_code == 200 and response.json()["points"] == 2, response.content
    assert Touchpoint.objects.get(id=world.ids["touchpoint"]).metrics["csat"] == {"value": 72.5, "period": "2026-02"}
    # Without it, the column is required and its absence is said.
    missing = client.post(metrics_url(world), upload(text), format="multipart")
    assert missing.status_code == 400 and "touchpoint" in missing.json()["message"]
    # Another workspace's touchpoint named by the form field is no touchpoint of this map.
    other = client.post(metrics_url(world), {**upload(text), "touchpoint": world.other["touchpoint"]},
                        format="multipart")
    assert other.status_code == 400 and other.json()["fields"]["points"]["field"] == "touchpoint"
    assert MetricPoint.objects.count() == 2
