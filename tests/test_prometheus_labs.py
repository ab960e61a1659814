"""The Prometheus labs: the helper's parsing, and grading that reads without changing anything."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests

from pytest_altlab.helpers.prometheus import Settled, Target, _parse_time, fmt_labels
from pytest_altlab.lab import LabRunner

from .conftest import assert_grading_changes_nothing

LABS = ["prometheus-scrape-targets", "pushgateway-persistence"]



@pytest.mark.parametrize(("text", "want"), [
    ("2026-01-02T03:04:05Z", 1767323045.0),
    ("2026-01-02T03:04:05.5Z", 1767323045.5),
    ("2026-01-02T03:04:05.123456789Z", 1767323045.123456789),
    ("2026-01-02T04:04:05+01:00", 1767323045.0),
    ("2026-01-02T02:04:05.25-01:00", 1767323045.25),
    ("0001-01-01T00:00:00Z", 0.0),  # a target never scraped
    ("", 0.0),
])
def test_api_times_parse(text: str, want: float) -> None:
    assert _parse_time(text) == pytest.approx(want, abs=1e-6)


def test_settled_targets_by_job_and_host() -> None:
    def t(job: str, address: str, health: str = "up") -> Target:
        return Target(job=job, pool=job, url=f"http://{address}/metrics", address=address, health=health,
                      last_error="" if health == "up" else "connection refused", last_scrape=1.0)

    s = Settled(0.0, (t("prometheus", "localhost:9090"), t("pushgw", "pushgateway:9091"),
                      t("rabbitmq", "rabbitmq:15692", "down")), 1.0)
    assert s.jobs() == ["prometheus", "pushgw", "rabbitmq"]
    assert [x.job for x in s.at_host("pushgateway")] == ["pushgw"]
    assert s.of_job("rabbitmq")[0].describe() == (
        "http://rabbitmq:15692/metrics [job='rabbitmq', down (connection refused)]")
    assert fmt_labels({"job": "mongodump", "exported_job": "x"}) == '{exported_job="x", job="mongodump"}'


def digest(r: LabRunner) -> str:
    """What a candidate configures: Prometheus' file and running config, the gateway's groups and flags
    file, the broker's plugin list where the lab has a broker. Not the persistence file: the gateway itself
    writes it at shutdown."""
    ctx = r.context()
    names = {s.name for s in r.manifest.services}
    parts = [ctx.exec("prometheus", ["cat", "/etc/prometheus/prometheus.yml"]).stdout]
    for path in ("/api/v1/status/config", "/api/v1/status/flags"):
        parts.append(json.dumps(_get(ctx.url("prometheus", 9090, path)), sort_keys=True))
    parts.append(json.dumps(_get(ctx.url("pushgateway", 9091, "/api/v1/metrics")), sort_keys=True))
    parts.append(ctx.exec("pushgateway", ["sh", "-c", "cat /etc/pushgateway/* 2>/dev/null"]).stdout)
    if "rabbitmq" in names:
        parts.append(ctx.exec("rabbitmq", ["cat", "/etc/rabbitmq/enabled_plugins"]).stdout)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _get(url: str) -> object:
    return requests.get(url, timeout=10).json()


@pytest.mark.docker
@pytest.mark.parametrize("lab_id", LABS)
def test_grading_changes_nothing(lab_id: str) -> None:
    assert_grading_changes_nothing(lab_id, digest)
