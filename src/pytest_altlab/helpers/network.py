"""Reachability between a lab's containers: which ports of a host each client network can open, over TCP."""

from __future__ import annotations

import ipaddress
import shlex
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..context import LabContext

__all__ = ["Reach", "host_address", "network_subnets", "reachability"]

CONNECT_TIMEOUT = 2  # seconds: a connection on one Docker network opens in milliseconds; a dropped SYN never


@dataclass(frozen=True)
class Reach:
    """What one TCP connection attempt got: open, refused (a reset: rejected or nothing listening) or dropped."""

    outcome: str  # "open" | "refused" | "dropped"

    @property
    def open(self) -> bool:
        return self.outcome == "open"

    def __str__(self) -> str:
        return {"open": "connects", "refused": "is refused", "dropped": "gets no answer (dropped)"}[self.outcome]


def _networks(lab: LabContext, service: str) -> dict[str, dict[str, object]]:
    __tracebackhide__ = True
    nets = (lab.inspect(service).get("NetworkSettings") or {}).get("Networks") or {}
    prefix = f"{lab.state.project}_"
    return {k.removeprefix(prefix): v for k, v in nets.items()}


def host_address(lab: LabContext, service: str, network: str) -> str:
    """The service's IP address on one of the lab's networks (by its name in lab.yaml)."""
    __tracebackhide__ = True
    nets = _networks(lab, service)
    assert network in nets and nets[network].get("IPAddress"), (
        f"service '{service}' is not attached to network '{network}' (it is on: {', '.join(nets) or 'none'})")
    return str(nets[network]["IPAddress"])


def network_subnets(lab: LabContext, service: str) -> dict[str, tuple[str, str]]:
    """Each network of the service: (subnet, the service's own address on it)."""
    out = {}
    for name, ep in _networks(lab, service).items():
        addr = str(ep.get("IPAddress") or "")
        if addr:
            net = ipaddress.ip_interface(f"{addr}/{ep.get('IPPrefixLen')}").network
            out[name] = (str(net), addr)
    return out


def _probe_script(address: str, ports: tuple[int, ...]) -> str:
    # All ports at once: a dropped one costs CONNECT_TIMEOUT, not CONNECT_TIMEOUT per port.
    one = (f'(timeout {CONNECT_TIMEOUT} bash -c "</dev/tcp/{address}/$p" 2>/dev/null; echo "$p $?") &')
    return f"for p in {' '.join(map(str, ports))}; do {one} done; wait"


def reachability(lab: LabContext, clients: dict[str, str], target: str, ports: tuple[int, ...]
                 ) -> dict[tuple[str, int], Reach]:
    """From each client (network name -> client service on it): can it open each port of `target`?

    The clients connect to the target's address on their own network, so each result is one
    source network x port pair as the target's firewall sees it. Only connects; sends nothing."""
    __tracebackhide__ = True

    def probe(network: str, client: str) -> dict[tuple[str, int], Reach]:
        __tracebackhide__ = True
        address = host_address(lab, target, network)
        res = lab.exec(client, ["bash", "-c", _probe_script(shlex.quote(address), ports)], timeout=60)
        assert res.ok, f"could not probe from service '{client}': {(res.stderr or res.stdout).strip()[-200:]}"
        out = {}
        for line in res.stdout.split("\n"):
            port, _, rc = line.partition(" ")
            if rc:
                outcome = "open" if rc == "0" else "dropped" if rc == "124" else "refused"
                out[(network, int(port))] = Reach(outcome)
        return out

    def fetch() -> dict[tuple[str, int], Reach]:
        __tracebackhide__ = True
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            parts = list(pool.map(lambda kv: probe(*kv), clients.items()))
        found = {k: v for part in parts for k, v in part.items()}
        lab.record("reachability", target=target, results={f"{n} -> {p}": r.outcome for (n, p), r in found.items()})
        return found

    data: dict[tuple[str, int], Reach] = lab.cached(("reachability", target, tuple(sorted(clients.items())), ports),
                                                    fetch)
    return data
