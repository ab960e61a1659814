"""Prometheus and Pushgateway observations for checks: targets, loaded configuration, queries, pushed groups.

Everything goes through the HTTP APIs on the ports published on 127.0.0.1, so one set of checks grades
the Debian-built images and prom/prometheus / prom/pushgateway alike. Scrapes happen on an interval:
`Prometheus.settle()` waits (bounded) until every active target has been scraped since grading began,
so that target health and query results describe the state now, not a scrape from before the fix.
"""

from __future__ import annotations

import posixpath
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
import yaml

from ..context import LabContext
from ..errors import AltlabError

__all__ = ["PROMETHEUS_PORT", "PUSHGATEWAY_PORT", "Prometheus", "Pushgateway", "Settled", "Target", "fmt_labels"]

PROMETHEUS_PORT, PUSHGATEWAY_PORT = 9090, 9091
SD_SYNC = 11.0  # s after a (re)load by which every scrape pool has its discovered targets


def _host_port(lab: LabContext, service: str, port: int) -> int:
    __tracebackhide__ = True
    try:
        return lab.port(service, port)
    except AltlabError:
        raise AssertionError(f"the service '{service}' is not running or publishes no port {port}: "
                             f"`altlab status {lab.id}` shows it") from None


def _get_json(lab: LabContext, service: str, port: int, path: str, params: dict[str, str] | None = None,
              what: str = "") -> Any:
    """GET on an HTTP API that answers {"status": "success", "data": ...}: the data, or an assertion."""
    __tracebackhide__ = True
    url = f"http://{lab.host}:{_host_port(lab, service, port)}{path}"
    try:
        r = requests.get(url, params=params, timeout=10)
    except requests.RequestException as e:
        raise AssertionError(f"{what or service} does not answer on port {port} ({type(e).__name__}); "
                             f"is it running? `altlab status {lab.id}` and `altlab logs {lab.id} {service}`") from None
    try:
        body = r.json()
    except ValueError:
        body = None
    if r.status_code != 200 or not isinstance(body, dict) or body.get("status") != "success":
        err = body.get("error") if isinstance(body, dict) else r.text[:200]
        raise AssertionError(f"{what or service} answered HTTP {r.status_code} to GET {path}: {err}")
    return body.get("data")


@dataclass(frozen=True)
class Target:
    """One active scrape target as Prometheus sees it."""

    job: str  # the `job` label (the scrape config's job_name unless relabelled)
    pool: str  # the scrape config (job_name) it belongs to
    url: str  # the scrape URL
    address: str  # host:port
    health: str  # up | down | unknown
    last_error: str
    last_scrape: float  # Unix time of the last scrape start, 0 if never
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def describe(self) -> str:
        err = f" ({self.last_error})" if self.last_error else ""
        return f"{self.url} [job={self.job!r}, {self.health}{err}]"


@dataclass(frozen=True)
class Settled:
    """Active targets once each was scraped after `since` (or the wait ran out)."""

    since: float
    targets: tuple[Target, ...]
    waited: float

    def of_job(self, job: str) -> list[Target]:
        return [t for t in self.targets if t.job == job]

    def jobs(self) -> list[str]:
        return sorted({t.job for t in self.targets})

    def at_host(self, host: str) -> list[Target]:
        """Targets whose address is `host` (any port): e.g. every scrape of the service `pushgateway`."""
        return [t for t in self.targets if t.address.rsplit(":", 1)[0] == host]

    def describe(self) -> str:
        return "; ".join(t.describe() for t in self.targets) or "no targets at all"


def _parse_time(text: str) -> float:
    """RFC 3339 with nanoseconds ('2026-01-01T10:00:00.123456789Z') -> Unix time; 0 for the zero time."""
    if not text or text.startswith("0001-01-01"):
        return 0.0
    main, _, frac = text.rstrip("Z").partition(".")
    zone = ""
    for sep in ("+", "-"):
        if sep in frac:
            frac, zone = frac.split(sep, 1)[0], sep + frac.split(sep, 1)[1]
    if not frac and len(main) > 19:  # an offset right after the seconds
        main, zone = main[:19], main[19:]
    stamp = datetime.fromisoformat(main + (zone or "+00:00"))
    return stamp.timestamp() + (float("0." + frac) if frac.isdigit() else 0.0)


class Prometheus:
    """The Prometheus server of a lab. Every method only reads."""

    def __init__(self, lab: LabContext, service: str = "prometheus", port: int = PROMETHEUS_PORT) -> None:
        self.lab = lab
        self.service = service
        self.container_port = port

    def api(self, path: str, params: dict[str, str] | None = None) -> Any:
        __tracebackhide__ = True
        return _get_json(self.lab, self.service, self.container_port, "/api/v1" + path, params, "Prometheus")

    # --- targets ------------------------------------------------------------------------------

    def targets(self) -> list[Target]:
        """Active targets right now (targets appear up to ~5 s after a reload, health after their first scrape)."""
        __tracebackhide__ = True
        data = self.api("/targets", {"state": "active"})
        out = []
        for t in data.get("activeTargets") or []:
            labels = t.get("labels") or {}
            disc = t.get("discoveredLabels") or {}
            out.append(Target(
                job=labels.get("job", ""), pool=t.get("scrapePool", ""), url=t.get("scrapeUrl", ""),
                address=disc.get("__address__") or labels.get("instance", ""), health=t.get("health", ""),
                last_error=t.get("lastError", ""), last_scrape=_parse_time(t.get("lastScrape", "")), labels=labels))
        return out

    def settle(self, within: float = 20.0, down_grace: float = 6.0) -> Settled:
        """Wait until every active target was scraped since the first call of this grading and is up;
        a target still down `down_grace` s after all were fresh is taken as down (a service that just
        restarted gets that long), and nothing waits past `within` s. Once per grading generation
        (a restart starts a new one)."""
        __tracebackhide__ = True
        return self.lab.cached(("prometheus-settled", self.service), lambda: self._settle(within, down_grace))

    def _settle(self, within: float, down_grace: float) -> Settled:
        __tracebackhide__ = True
        since = time.time()
        deadline = time.monotonic() + within
        fresh_at: float | None = None
        while True:
            targets = self.targets()
            now = time.monotonic()
            if self._synced(targets) and targets and all(t.last_scrape >= since for t in targets):
                fresh_at = now if fresh_at is None else fresh_at
                if all(t.health == "up" for t in targets) or now - fresh_at >= down_grace:
                    break
            if now >= deadline:
                break
            time.sleep(0.5)
        return Settled(since, tuple(targets), time.time() - since)

    def _synced(self, targets: list[Target]) -> bool:
        """Whether the targets reflect the loaded configuration: after a reload or a start, new scrape
        pools get their targets only after service discovery's next sync (two 5 s tickers)."""
        __tracebackhide__ = True
        # Quick path: every job of the loaded configuration has targets already (jobs from
        # scrape_config_files are not in the status API: those wait for the sync time below).
        jobs = {sc.get("job_name") for sc in self.loaded_config().get("scrape_configs") or []}
        if not self.loaded_config().get("scrape_config_files") and jobs <= {t.pool for t in targets}:
            return True
        loaded = _parse_time(str(self.api("/status/runtimeinfo").get("lastConfigTime", "")))
        return time.time() - loaded >= SD_SYNC

    # --- configuration ------------------------------------------------------------------------

    def loaded_config(self) -> dict[str, Any]:
        """The configuration Prometheus is running with (not the file on disk), defaults filled in."""
        __tracebackhide__ = True

        def fetch() -> dict[str, Any]:
            data = self.api("/status/config")
            parsed = yaml.safe_load(data.get("yaml") or "") or {}
            return parsed if isinstance(parsed, dict) else {}

        return self.lab.cached(("prometheus-config", self.service), fetch)

    def flags(self) -> dict[str, str]:
        __tracebackhide__ = True
        data: dict[str, str] = self.lab.cached(("prometheus-flags", self.service), lambda: self.api("/status/flags"))
        return data

    def scrape_configs(self) -> list[dict[str, Any]]:
        """The scrape configs in effect: inline ones from the loaded config, plus those of the files named
        in `scrape_config_files` (the status API does not show those; read from the container)."""
        __tracebackhide__ = True
        cfg = self.loaded_config()
        out = list(cfg.get("scrape_configs") or [])
        patterns = cfg.get("scrape_config_files") or []
        if patterns:
            base = posixpath.dirname(self.flags().get("config.file", "/etc/prometheus/prometheus.yml"))
            for text in self._included_files([p if p.startswith("/") else posixpath.join(base, p) for p in patterns]):
                try:
                    doc = yaml.safe_load(text) or {}
                except yaml.YAMLError:
                    continue
                if isinstance(doc, dict):
                    out.extend(doc.get("scrape_configs") or [])
        return out

    def _included_files(self, patterns: list[str]) -> list[str]:
        """Texts of the files matching the glob patterns, read in the container in one exec."""
        sep = "----altlab-file----"
        script = (f'for p in "$@"; do for f in $p; do [ -f "$f" ] && {{ echo {sep}; cat "$f"; }}; done; done; true')
        res = self.lab.exec(self.service, ["sh", "-c", script, "sh", *patterns], timeout=30)
        return res.stdout.split(sep + "\n")[1:]

    def scrape_config(self, job: str) -> dict[str, Any] | None:
        __tracebackhide__ = True
        for sc in self.scrape_configs():
            if sc.get("job_name") == job:
                return sc
        return None

    # --- queries ------------------------------------------------------------------------------

    def query(self, expr: str) -> list[dict[str, Any]]:
        """An instant query's vector: [{'metric': {labels}, 'value': [ts, 'v']}, ...]."""
        __tracebackhide__ = True
        data = self.api("/query", {"query": expr})
        if data.get("resultType") != "vector":
            raise AssertionError(f"the query {expr!r} returned a {data.get('resultType')}, expected a vector")
        result: list[dict[str, Any]] = data.get("result") or []
        return result

    def fresh_series(self, expr: str, since: float, within: float = 4.0) -> list[dict[str, str]]:
        """Label sets of the series of `expr` that have a sample scraped at or after `since`: a series
        that is no longer exposed (or only has old samples) does not count. Polls up to `within` s."""
        __tracebackhide__ = True
        def probe() -> tuple[bool, list[dict[str, str]]]:
            rows = self.query(f"timestamp({expr})")
            fresh = [r["metric"] for r in rows if float(r["value"][1]) >= since - 0.001]
            return bool(fresh), fresh

        return self.lab.poll(probe, within, every=0.5)[1]

    def values(self, expr: str) -> list[tuple[dict[str, str], float]]:
        __tracebackhide__ = True
        return [(r["metric"], float(r["value"][1])) for r in self.query(expr)]


def fmt_labels(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


class Pushgateway:
    """A Pushgateway of a lab. Every method only reads."""

    def __init__(self, lab: LabContext, service: str = "pushgateway", port: int = PUSHGATEWAY_PORT) -> None:
        self.lab = lab
        self.service = service
        self.container_port = port

    def api(self, path: str) -> Any:
        __tracebackhide__ = True
        return _get_json(self.lab, self.service, self.container_port, "/api/v1" + path, None, "the Pushgateway")

    def status(self) -> dict[str, Any]:
        """flags (as the running process got them), start_time, build_information."""
        __tracebackhide__ = True
        data: dict[str, Any] = self.lab.cached(("pushgateway-status", self.service), lambda: self.api("/status"))
        return data

    def flag(self, name: str) -> str:
        __tracebackhide__ = True
        return str((self.status().get("flags") or {}).get(name, ""))

    def start_time(self) -> float:
        __tracebackhide__ = True
        return _parse_time(str(self.status().get("start_time", "")))

    def groups(self) -> list[dict[str, Any]]:
        """Pushed groups: [{'labels': {job, ...}, '<metric>': {'metrics': [{'labels', 'value'}], ...}}, ...]."""
        __tracebackhide__ = True
        data: list[dict[str, Any]] = self.lab.cached(("pushgateway-groups", self.service),
                                                     lambda: self.api("/metrics") or [])
        return data

    def pushed(self, metric: str, **grouping: str) -> list[tuple[dict[str, str], float]]:
        """(labels, value) of `metric` in every group whose grouping labels include `grouping`."""
        __tracebackhide__ = True
        out = []
        for g in self.groups():
            labels = g.get("labels") or {}
            if any(labels.get(k) != v for k, v in grouping.items()):
                continue
            fam = g.get(metric)
            if not isinstance(fam, dict):
                continue
            for m in fam.get("metrics") or []:
                try:
                    out.append(({**labels, **(m.get("labels") or {})}, float(m.get("value", "nan"))))
                except (TypeError, ValueError):
                    continue
        return out

    def group_labels(self) -> list[dict[str, str]]:
        __tracebackhide__ = True
        return [g.get("labels") or {} for g in self.groups()]

