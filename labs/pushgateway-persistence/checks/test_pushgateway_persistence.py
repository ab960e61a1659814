"""Checks of pushgateway-persistence: 100 points. They only read, through the HTTP APIs of both servers."""

import pytest

from pytest_altlab.helpers.prometheus import fmt_labels

PLAUSIBLE = 1_500_000_000  # a Unix time after 2017: the job pushed a real timestamp


@pytest.mark.points(15)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("the gateway's flags: /api/v1/status on port 9091, or the Status page of its UI")
def test_persistence_enabled(lab, gateway):
    """The running Pushgateway writes its metrics to a persistence file"""
    path = gateway.flag("persistence.file")
    assert path, ("the running Pushgateway has no --persistence.file: pushed metrics live only in its memory "
                  f"(flags are read at start: {lab.params.args_file}, then restart the gateway)")


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_persistence_enabled")
@pytest.mark.look("the gateway's UI or /api/v1/metrics on port 9091: the groups it holds")
def test_metric_on_gateway(lab, gateway):
    """The persistent Pushgateway holds the backup job's metric in the group job="mongodump\""""
    p = lab.params
    got = gateway.pushed(p.metric, job=p.job)
    groups = ", ".join(fmt_labels(g) for g in gateway.group_labels()) or "none"
    assert got, f"the Pushgateway has no {p.metric} in a group with job=\"{p.job}\"; its groups: {groups}"
    labels, value = got[0]
    assert value > PLAUSIBLE, f"{p.metric}{fmt_labels(labels)} is {value:g}; expected the Unix time of the backup"


@pytest.mark.points(25)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("the Targets page (/targets) and Status -> Configuration (/config) of Prometheus")
def test_gateway_scraped_with_honor_labels(prom):
    """Prometheus scrapes the Pushgateway (target up) with honor_labels: true"""
    settled = prom.settle()
    mine = settled.at_host("pushgateway")
    assert mine, f"Prometheus has no target at pushgateway:9091; its targets: {settled.describe()}"
    down = [t for t in mine if t.health != "up"]
    assert not down, f"the Pushgateway target is not up: {'; '.join(t.describe() for t in down)}"
    for pool in sorted({t.pool for t in mine}):
        sc = prom.scrape_config(pool)
        assert sc is not None, f"the running configuration has no job '{pool}' (is it reloaded?)"
        assert sc.get("honor_labels") is True, (
            f"the job '{pool}' that scrapes the Pushgateway runs with honor_labels: "
            f"{sc.get('honor_labels', False)}; expected true")


@pytest.mark.points(25)
@pytest.mark.covers(2, 3)
@pytest.mark.persistent
@pytest.mark.look("query the metric in the Prometheus UI (/graph): look at its job and exported_job labels")
def test_metric_in_prometheus_with_its_job(lab, prom, gateway):
    """Prometheus has the backup metric, freshly scraped, with job="mongodump" and no exported_job"""
    settled = prom.settle()
    p = lab.params
    expr = f'{p.metric}{{job="{p.job}"}}'
    series = prom.fresh_series(expr, settled.since)
    if not series:
        other = prom.fresh_series(p.metric, settled.since, within=0)
        found = ", ".join(fmt_labels(s) for s in other) or "no current series at all"
        raise AssertionError(f"expected {expr} in Prometheus (the job label the backup job pushed); found {found}")
    relabelled = [s for s in series if "exported_job" in s]
    assert not relabelled, f"the series carry exported_job: {', '.join(fmt_labels(s) for s in relabelled)}"
    on_gateway = {v for _, v in gateway.pushed(p.metric, job=p.job)}
    in_prom = {v for _, v in prom.values(expr)}
    assert not on_gateway or in_prom & on_gateway, (
        f"Prometheus has {p.metric} = {sorted(in_prom)} but the gateway holds {sorted(on_gateway)}")


@pytest.mark.points(20)
@pytest.mark.covers(1, 3)
@pytest.mark.after_restart
def test_survives_gateway_restart(restart_outcome):
    """After a restart of the Pushgateway and Prometheus - with nobody pushing again - all of the above holds"""
    restart_outcome.assert_all_passed()
