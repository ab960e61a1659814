"""Benchmark: the portal with N candidates typing, against `docker exec -it` from a local pty, in the same run.

Starts N candidates of the probe exam (a small Debian box each), serves `altlab portal` in its own
process, logs every candidate in and opens one terminal each (timed), then all N type at once:
keystroke-to-echo latency through the portal (browser-equivalent WebSocket client) vs `docker exec -it
CONTAINER bash -l` on a local pty, the portal process's CPU and memory. Prints p50/p95 and ratios. Usage:
  .venv/bin/python bench/bench_portal.py [--candidates 20] [--keys 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websockets

ROOT = Path(__file__).resolve().parents[1]
EXAM = ROOT / "tests" / "exams" / "probe-exam.yaml"
LABS = ROOT / "tests" / "labs"
PROMPT = re.compile(rb"[#$] $")


def altlab(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest_altlab.cli", "--lab-dir", str(LABS), *args],
                          capture_output=True, text=True, timeout=1800)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def proc_stats(pid: int) -> tuple[float, float]:
    """(CPU seconds so far, resident MiB) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = next(int(x.split()[1]) for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS"))
    return cpu, rss / 1024


async def portal_terminal(url: str, who: str, token: str) -> tuple[websockets.ClientConnection, float]:
    """Log in with the link and open the candidate's terminal; returns (socket, seconds until the prompt)."""
    t0 = time.perf_counter()
    s = requests.Session()
    s.get(f"{url}/login?t={token}", timeout=60).raise_for_status()
    cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())
    ws = await websockets.connect(f"{url.replace('http', 'ws')}/ws/c/{who}/probe/box",
                                  additional_headers={"Cookie": cookie, "Origin": url}, open_timeout=60)
    buf = b""
    while not PROMPT.search(buf):
        m = await asyncio.wait_for(ws.recv(), 60)
        buf += m if isinstance(m, bytes) else b""
    return ws, time.perf_counter() - t0


async def type_portal(ws: websockets.ClientConnection, keys: int) -> list[float]:
    out = []
    for i in range(keys):
        ch = "abcdefghij"[i % 10]
        t0 = time.perf_counter()
        await ws.send(json.dumps({"t": "i", "d": ch}))
        got = b""
        while ch.encode() not in got:
            m = await asyncio.wait_for(ws.recv(), 30)
            got += m if isinstance(m, bytes) else b""
        out.append(time.perf_counter() - t0)
        await asyncio.sleep(0.05)  # a fast typist: 20 keys per second
    await ws.send(json.dumps({"t": "i", "d": "\x15"}))  # Ctrl-U: clear the typed line
    return out


async def type_pty(container: str, keys: int) -> list[float]:
    """The baseline: `docker exec -it` on a local pty, the way `altlab shell` runs."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("docker", ["docker", "exec", "-it", container, "bash", "-l"])
    loop = asyncio.get_running_loop()
    q: asyncio.Queue[bytes] = asyncio.Queue()
    loop.add_reader(fd, lambda: q.put_nowait(os.read(fd, 65536)))
    buf = b""
    while not PROMPT.search(buf):
        buf += await asyncio.wait_for(q.get(), 60)
    out = []
    for i in range(keys):
        ch = "abcdefghij"[i % 10].encode()
        t0 = time.perf_counter()
        os.write(fd, ch)
        got = b""
        while ch not in got:
            got += await asyncio.wait_for(q.get(), 30)
        out.append(time.perf_counter() - t0)
        await asyncio.sleep(0.05)
    loop.remove_reader(fd)
    os.write(fd, b"\x15exit\r")
    os.close(fd)
    os.waitpid(pid, 0)
    return out


async def run(url: str, tokens: dict[str, str], containers: dict[str, str], keys: int, portal_pid: int) -> None:
    t0 = time.perf_counter()
    opened = await asyncio.gather(*(portal_terminal(url, c, t) for c, t in tokens.items()))
    total_open = time.perf_counter() - t0
    cpu0, rss0 = proc_stats(portal_pid)
    t1 = time.perf_counter()
    lat_portal = await asyncio.gather(*(type_portal(ws, keys) for ws, _ in opened))
    wall = time.perf_counter() - t1
    cpu1, rss1 = proc_stats(portal_pid)
    for ws, _ in opened:
        await ws.close()
    lat_pty = await asyncio.gather(*(type_pty(containers[c], keys) for c in tokens))
    p = [x * 1000 for xs in lat_portal for x in xs]
    d = [x * 1000 for xs in lat_pty for x in xs]
    n = len(tokens)
    print(f"\n{n} candidates, {keys} keystrokes each, all typing at once (20 keys/s each)")
    print(f"login + open {n} terminals (to the prompt), concurrently: {total_open:.2f} s total; "
          f"per candidate p50 {statistics.median([o for _, o in opened]):.2f} s")
    print(f"keystroke -> echo  portal:         p50 {statistics.median(p):6.1f} ms  p95 {pct(p, 95):6.1f} ms")
    print(f"keystroke -> echo  docker exec -it: p50 {statistics.median(d):6.1f} ms  p95 {pct(d, 95):6.1f} ms")
    print(f"ratio portal / docker exec: p50 x{statistics.median(p) / statistics.median(d):.2f}, "
          f"p95 x{pct(p, 95) / pct(d, 95):.2f}")
    print(f"portal process while {n} typed: CPU {100 * (cpu1 - cpu0) / wall:.0f}% of one core, "
          f"RSS {rss1:.0f} MiB (before typing {rss0:.0f} MiB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=20)
    ap.add_argument("--keys", type=int, default=40)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="altlab-portal-bench-"))
    os.environ["ALTLAB_HOME"] = str(home)
    names = [f"c{i:02d}" for i in range(1, args.candidates + 1)]
    portal = None
    try:
        t0 = time.perf_counter()
        res = altlab("exam", "start", str(EXAM), "--candidates", ",".join(names), "--parallel", "6")
        tokens = dict(re.findall(r"^\s+(c\d+): \S+/login\?t=(\S+)$", res.stdout, re.M))
        if not tokens:
            sys.exit(res.stdout + res.stderr)
        # On a shared engine a start can fail (e.g. no free network pool): measure the ones that are ready.
        print(f"{len(tokens)} of {args.candidates} probe environments ready in {time.perf_counter() - t0:.1f} s")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        portal = subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", "--lab-dir", str(LABS), "portal",
                                   "--exam", str(EXAM), "--port", str(port)], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                requests.get(url, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        sys.path.insert(0, str(ROOT / "src"))
        from pytest_altlab.portal.engine import Engine

        eng = Engine(str(EXAM), [str(LABS)])
        containers = {c: eng.container(c, "probe", "box") for c in tokens}
        asyncio.run(run(url, tokens, containers, args.keys, portal.pid))
    finally:
        if portal:
            portal.terminate()
            portal.wait(timeout=30)
        altlab("exam", "stop", str(EXAM), "--all")
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
