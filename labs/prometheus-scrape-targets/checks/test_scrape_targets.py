"""Checks of prometheus-scrape-targets: 100 points. They only read, through the HTTP APIs."""

import pytest
import requests

from pytest_altlab.errors import AltlabError
from pytest_altlab.helpers.prometheus import fmt_labels


@pytest.mark.points(10)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`rabbitmq-plugins list` in the broker's shell; the plugin listens on 15692")
def test_rabbitmq_plugin_serves_metrics(lab):
    """RabbitMQ's Prometheus plugin serves metrics on port 15692"""
    try:
        url = lab.url("rabbitmq", 15692, "/metrics")
    except AltlabError:
        raise AssertionError("the broker is not running or does not publish port 15692: "
                             "`altlab status` shows it") from None
    try:
        r = requests.get(url, timeout=10)
    except requests.RequestException as e:
        raise AssertionError(f"nothing answers on the broker's port 15692 ({type(e).__name__}): "
                             "the rabbitmq_prometheus plugin is not running") from None
    assert r.status_code == 200 and "rabbitmq_" in r.text, (
        f"expected RabbitMQ metrics at :15692/metrics; got HTTP {r.status_code} {r.text[:80]!r}")


@pytest.mark.points(15)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("the Targets page (/targets) and `scrape_configs` in /etc/prometheus/prometheus.yml")
def test_rabbitmq_job_up(lab, prom):
    """Prometheus scrapes RabbitMQ under the job name asked for, and the target is up"""
    settled = prom.settle()
    job = lab.params.rabbitmq_job
    mine = settled.of_job(job)
    assert mine, (f"Prometheus has no target with job=\"{job}\"; its jobs now: {settled.jobs() or 'none'} "
                  f"(is the configuration reloaded?)")
    down = [t for t in mine if t.health != "up"]
    assert not down, f"the {job} job has targets that are not up: {'; '.join(t.describe() for t in down)}"


@pytest.mark.points(15)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("the Targets page (/targets) and `scrape_configs` in /etc/prometheus/prometheus.yml")
def test_pushgateway_job_up(lab, prom):
    """Prometheus scrapes the Pushgateway under the job name asked for, and the target is up"""
    settled = prom.settle()
    job = lab.params.pushgateway_job
    mine = settled.of_job(job)
    assert mine, (f"Prometheus has no target with job=\"{job}\"; its jobs now: {settled.jobs() or 'none'} "
                  f"(is the configuration reloaded?)")
    down = [t for t in mine if t.health != "up"]
    assert not down, f"the {job} job has targets that are not up: {'; '.join(t.describe() for t in down)}"
    assert all(t.address.rsplit(":", 1)[0] == "pushgateway" for t in mine), (
        f"the {job} job should scrape the Pushgateway (pushgateway:9091); it scrapes "
        f"{', '.join(t.url for t in mine)}")


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.look("Status -> Configuration (/config) shows the configuration Prometheus runs with")
def test_pushgateway_honors_labels(lab, prom):
    """The running configuration has honor_labels: true on the Pushgateway job"""
    job = lab.params.pushgateway_job
    sc = prom.scrape_config(job)
    names = [c.get("job_name") for c in prom.scrape_configs()]
    assert sc is not None, f"the running configuration has no job '{job}'; its jobs: {names}"
    assert sc.get("honor_labels") is True, (
        f"the job '{job}' runs with honor_labels: {sc.get('honor_labels', False)}; expected true")


@pytest.mark.points(10)
@pytest.mark.covers(1, 2)
@pytest.mark.persistent
@pytest.mark.depends("test_rabbitmq_job_up")
@pytest.mark.look("run the query in the Prometheus UI (/graph)")
def test_rabbitmq_metrics_queryable(lab, prom):
    """A query for RabbitMQ's metrics returns data with the job label asked for"""
    settled = prom.settle()
    expr = f'rabbitmq_identity_info{{job="{lab.params.rabbitmq_job}"}}'
    series = prom.fresh_series(expr, settled.since)
    assert series, f"the query {expr} returns no current data"


@pytest.mark.points(10)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_pushgateway_job_up")
@pytest.mark.look("query the pushed metric in the Prometheus UI and look at its job and exported_job labels")
def test_pushed_metric_keeps_its_job(lab, prom):
    """The metric pushed by the export job keeps its job label in Prometheus"""
    settled = prom.settle()
    p = lab.params
    expr = f'{p.pushed_metric}{{job="{p.pushed_job}"}}'
    series = prom.fresh_series(expr, settled.since)
    if not series:
        other = prom.fresh_series(p.pushed_metric, settled.since, within=0)
        found = ", ".join(fmt_labels(s) for s in other) or "no series at all"
        raise AssertionError(f"expected {expr} (the job label set by the pusher); found {found}")
    relabelled = [s for s in series if "exported_job" in s]
    assert not relabelled, f"the pushed series carry exported_job: {', '.join(fmt_labels(s) for s in relabelled)}"


@pytest.mark.points(5)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("the Targets page (/targets): a stale job with a wrong address stays down forever")
def test_every_target_up(prom):
    """The prometheus job is kept, and every configured scrape target is up (no stale or broken jobs left)"""
    settled = prom.settle()
    down = [t for t in settled.targets if t.health != "up"]
    assert settled.targets, "Prometheus has no scrape targets at all"
    # "Keep the prometheus job": removing it would also make every remaining target up.
    assert settled.of_job("prometheus"), (
        f"expected the job 'prometheus' (Prometheus scraping itself) to be kept; the running jobs are "
        f"{settled.jobs() or 'none'}")
    assert not down, f"targets not up: {'; '.join(t.describe() for t in down)}"


@pytest.mark.points(20)
@pytest.mark.covers(4)
@pytest.mark.after_restart
def test_survives_restart(restart_outcome):
    """Everything above still holds after Prometheus and the broker restart"""
    restart_outcome.assert_all_passed()
