"""A real terminal for tests: a tmux session of a given size that runs one command and returns its screen."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

__all__ = ["Tmux", "display_width"]

DONE = "__altlab_test_done__"


def display_width(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


class Tmux:
    """One private tmux server (its own socket) with a WIDTH x HEIGHT window; `run` types nothing, it starts
    the command as the window's program so that its stdout is the terminal itself."""

    def __init__(self, width: int, height: int, tmp: Path) -> None:
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is not installed")
        self.width, self.height = width, height
        self.socket = f"altlab-test-{uuid.uuid4().hex[:8]}"
        self.conf = tmp / "tmux.conf"
        # exit-empty off: the server outlives each run's session (else the next run may reach a server still
        # exiting after the last session was killed: "server exited unexpectedly"); close() ends it.
        self.conf.write_text("set -g history-limit 20000\nset -g remain-on-exit on\nset -g status off\n"
                             "set -s exit-empty off\n")
        self.n = 0

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.socket, "-f", str(self.conf), *args], capture_output=True,
                              text=True, timeout=30)

    def run(self, argv: list[str], env: dict[str, str], timeout: float = 300) -> list[str]:
        """Run `altlab ARGV` in a fresh window; the lines it left (scroll-back included, wrapped lines joined)."""
        self.n += 1
        name = f"w{self.n}"
        envs = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        cmd = (f"env -u COLUMNS -u LINES {envs} {shlex.quote(sys.executable)} -m pytest_altlab.cli "
               f"{' '.join(shlex.quote(a) for a in argv)}; echo {DONE}$?")
        res = self._tmux("new-session", "-d", "-s", name, "-x", str(self.width), "-y", str(self.height), cmd)
        assert res.returncode == 0, res.stderr
        deadline = time.monotonic() + timeout
        while True:
            # -J joins a line the terminal wrapped: a line wider than the window comes back as one long line.
            screen = self._tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", name).stdout
            if DONE in screen or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self._tmux("kill-session", "-t", name)
        lines = screen.split("\n")
        ends = [i for i, ln in enumerate(lines) if ln.startswith(DONE)]
        assert ends, f"`altlab {' '.join(argv)}` did not finish:\n{screen}"
        self.last_rc = int(lines[ends[-1]].removeprefix(DONE) or 1)
        return [ln.rstrip() for ln in lines[:ends[-1]]]

    def close(self) -> None:
        self._tmux("kill-server")
        # tmux leaves its socket file behind: one per test window would pile up in /tmp
        (Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / self.socket).unlink(missing_ok=True)


def base_env() -> dict[str, str]:
    keep = ("ALTLAB_HOME", "PATH", "HOME", "DOCKER_HOST", "ALTLAB_FLAVOUR")
    return {k: os.environ[k] for k in keep if k in os.environ}
