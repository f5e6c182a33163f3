"""The open data of a large plan: the CSV files are read for themselves (reports.opendata) and streamed, with
exactly the rows the Relazione would give, in a number of queries that does not grow with the plan; a plan whose
open data would take longer than a request should goes to a worker's job instead (reports.sizing)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from plans.models import Area, Indicator, IndicatorTarget, Measurement, Objective, Plan
from plans.models.indicator import ParsedValue
from plans.parsing import parse_value
from reports import opendata
from reports.models import ReportExport
from reports.relazione import build_relazione
from reports.render.opendata import render_csv, stream_csv
from reports.render.opendata_it import render_csv_it, stream_csv_it
from tests.workflow.world import World

PROGRAMMES = ("Disabili", "Anziani", "Minori")
VALUES = ("10", "=>4", "75%", "si", "8")


def add_varied_objectives(plan: Plan, areas: list[Area], count: int, prefix: str = "G") -> None:
    """`count` objectives over three programmes, with and without a number, under one area, two (in either order
    of creation) or none; each with one to three indicators whose targets and values of 2026 differ."""
    groupings: list[list[Area]] = [[areas[0]], [areas[1]], [areas[1], areas[0]], []]
    for n in range(count):
        objective = Objective.objects.create(
            plan=plan,
            code=f"{prefix}-{count - n:03d}",  # codes against creation order, so that the sort shows
            number=None if n % 5 == 0 else n % 7,
            programme=PROGRAMMES[n % 3],
            title=f"Obiettivo generato {n}",
        )
        objective.areas.add(*groupings[n % 4])
        for position in range(1, n % 3 + 2):
            indicator = Indicator.objects.create(
                objective=objective, position=position, name=f"Indicatore {n}.{position}"
            )
            target, value = VALUES[(n + position) % 5], VALUES[n % 5]
            IndicatorTarget.objects.create(
                indicator=indicator, year=2026, **ParsedValue.spec_values(parse_value(target))
            )
            if position != 2:  # some indicators have no value yet
                Measurement.objects.create(
                    indicator=indicator, year=2026, **ParsedValue.spec_values(parse_value(value))
                )


def streamed(plan: Plan, fmt: str) -> bytes:
    """The file as reports.opendata reads it and the renderer streams it."""
    stream = {"csv": stream_csv, "it.csv": stream_csv_it}[fmt]
    return b"".join(stream(opendata.open_data_head(plan, 2026), opendata.open_data_objectives(plan, 2026)))


def diana(world: World) -> Client:
    client = Client()
    client.force_login(world.diana)
    return client


def test_a_large_plans_csv_files_have_the_relazione_rows_byte_for_byte(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_varied_objectives(world.plan, [world.social, world.technical], 60)
    monkeypatch.setattr(opendata, "CHUNK", 7)  # many chunks, one of them partial
    plan = Plan.objects.select_related("organization").get(pk=world.plan.pk)
    relazione = build_relazione(plan=plan, year=2026)
    assert streamed(plan, "csv") == render_csv(relazione)
    assert streamed(plan, "it.csv") == render_csv_it(relazione)
    rows = list(csv.DictReader(io.StringIO(streamed(plan, "csv").decode("utf-8"))))
    assert len(rows) == Indicator.objects.filter(objective__plan=plan).count() == 1 + 120
    assert {row["areas"] for row in rows} == {"SOC", "TEC", "SOC;TEC", ""}


def test_the_streamed_download_is_the_relazione_csv(world: World) -> None:
    add_varied_objectives(world.plan, [world.social, world.technical], 12)
    relazione = build_relazione(plan=Plan.objects.select_related("organization").get(pk=world.plan.pk), year=2026)
    for fmt, render in (("csv", render_csv), ("it.csv", render_csv_it)):
        response = diana(world).get(reverse("reports:opendata", args=[world.plan.pk, 2026, fmt]))
        assert response.status_code == 200 and response.streaming
        assert response.getvalue() == render(relazione)


def test_the_csv_queries_do_not_grow_with_the_plan(world: World) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            streamed(Plan.objects.select_related("organization").get(pk=world.plan.pk), "csv")
        return len(captured)

    add_varied_objectives(world.plan, [world.social, world.technical], 4)
    small = queries()
    add_varied_objectives(world.plan, [world.social, world.technical], 40, prefix="H")
    assert queries() == small


@pytest.mark.parametrize("fmt", ["csv", "it.csv", "json"])
def test_open_data_too_long_for_the_request_becomes_one_job(world: World, settings: Settings, fmt: str) -> None:
    settings.REPORT_INLINE_MAX_SECONDS = 0  # every open data file of the world's plan counts as long
    url = reverse("reports:opendata", args=[world.plan.pk, 2026, fmt])
    first = diana(world).get(url, follow=True)
    job = ReportExport.objects.defer("content").get()
    assert (job.kind, job.fmt, job.year, job.requested_by) == (ReportExport.Kind.OPEN_DATA, fmt, 2026, world.diana)
    assert first.redirect_chain == [(reverse("reports:document_job", args=[world.plan.pk, job.pk]), 302)]
    assert f"Dati aperti in {fmt.upper()} in preparazione." in first.text
    assert "Dati aperti della Relazione sulla Performance 2026" in first.text
    again = diana(world).get(url, follow=True)
    assert again.redirect_chain == first.redirect_chain
    assert "Questo documento è già in preparazione: attendi che sia pronto." in again.text
    assert ReportExport.objects.count() == 1


def test_small_open_data_stay_in_the_request(world: World) -> None:
    for fmt in ("csv", "it.csv", "json"):
        assert diana(world).get(reverse("reports:opendata", args=[world.plan.pk, 2026, fmt])).status_code == 200
    assert not ReportExport.objects.exists()
