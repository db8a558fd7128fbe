"""Automatic versions after a pause in editing, thinning by age, what they keep."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from maps.models import Operation
from versions.models import Reason, Snapshot, Version
from versions.selectors import version_document
from versions.services import KEEP_ALL, version_create, versions_autosave_idle, versions_thin


@pytest.mark.django_db
def test_a_version_is_saved_thirty_minutes_after_the_last_of_some_edits(clock, grid, owner):
    # The grid's own creation counts as an edit: nothing is saved for 30 minutes.
    assert versions_autosave_idle() == []
    clock.advance(minutes=10)
    grid.card(owner, text="first")
    clock.advance(minutes=29)
    assert versions_autosave_idle() == []
    clock.advance(minutes=1)
    saved = versions_autosave_idle()
    assert [(v.reason, v.auto, v.seq) for v in saved] == [(Reason.IDLE, True, grid.map.__class__.objects.get(
        id=grid.map.id).seq)]
    # A pause with no edits since the last version saves nothing more.
    clock.advance(hours=3)
    assert versions_autosave_idle() == []
    grid.card(owner, text="second")
    clock.advance(minutes=31)
    assert len(versions_autosave_idle()) == 1
    assert Version.objects.filter(map=grid.map, reason=Reason.IDLE).count() == 2


@pytest.mark.django_db
def test_thinning_keeps_named_versions_recent_ones_and_one_a_day(clock, grid, owner):
    named = version_create(journey_map=grid.map, user=owner, name="Workshop 1")
    autos = []
    for hour in range(72):  # three days of hourly automatic versions
        grid.card(owner, text=f"hour {hour}")
        autos.append(version_create(journey_map=grid.map, reason=Reason.IDLE))
        clock.advance(hours=1)
    versions_thin()
    kept = set(Version.objects.filter(map=grid.map).values_list("id", flat=True))
    assert named.id in kept
    recent = [v.id for v in autos if clock.now - v.created_at <= KEEP_ALL]
    assert set(recent) <= kept
    older = [v for v in autos if v.id not in recent]
    # One per calendar day among the older ones: the newest of each day.
    by_day = {}
    for version in older:
        by_day.setdefault(version.created_at.date(), []).append(version)
    assert {max(day, key=lambda v: v.created_at).id for day in by_day.values()} == kept - set(recent) - {named.id}
    # Every kept version still reads, and no snapshot is left that nothing uses.
    for version in Version.objects.filter(map=grid.map):
        assert version_document(version=version)["map"]["seq"] == version.seq
    assert not Snapshot.objects.filter(versions__isnull=True).exists()


@pytest.mark.django_db
def test_versions_outlive_the_pruned_op_log(clock, grid, owner, settings):
    grid.card(owner, text="before pruning")
    version = version_create(journey_map=grid.map, user=owner, name="Kept")
    wanted = version_document(version=version)
    clock.advance(days=settings.OPLOG_RETENTION_DAYS + 1)
    call_command("prune_oplog", stdout=io.StringIO())
    assert not Operation.objects.filter(map=grid.map).exists()
    assert version_document(version=Version.objects.get(id=version.id)) == wanted
    assert [c["text"] for c in wanted["cards"]] == ["before pruning"]


@pytest.mark.django_db
def test_a_version_is_a_delta_against_a_snapshot_and_never_a_chain(grid, owner):
    for i in range(30):
        grid.card(owner, text=f"card {i} " + "words " * 20)
    first = version_create(journey_map=grid.map, user=owner, name="full")
    assert first.delta is None
    for i in range(5):
        grid.card(owner, text=f"later {i}")
        later = version_create(journey_map=grid.map, user=owner, name=f"delta {i}")
        assert later.delta is not None and later.snapshot_id == first.snapshot_id
        assert later.stored_bytes < first.stored_bytes / 3
    texts = [c["text"] for c in version_document(version=later)["cards"]]
    assert texts.count("later 4") == 1 and len(texts) == 35
