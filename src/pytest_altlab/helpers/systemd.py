"""systemd observations for checks on a Linux host: unit properties, a process's limits and user, the journal."""

from __future__ import annotations

import re
import shlex
import time
from dataclasses import dataclass

from ..context import LabContext
from .container import Limit, parse_limits

__all__ = ["Account", "Systemd", "parse_show", "parse_rlimit"]

# The properties `systemctl show` reports for a service that the Linux-host labs judge.
UNIT_PROPS = ("LoadState", "ActiveState", "SubState", "Result", "MainPID", "NRestarts", "UnitFileState",
              "FragmentPath", "DropInPaths", "User", "Group", "DynamicUser", "Restart", "StandardOutput",
              "LimitNOFILE", "LimitNOFILESoft", "LimitMEMLOCK", "LimitMEMLOCKSoft", "WantedBy", "ExecStart")


def parse_show(text: str) -> dict[str, str]:
    """`systemctl show -p A,B UNIT` output (A=x lines) as a mapping."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key] = value
    return out


def parse_rlimit(value: str) -> int | None:
    """A limit as `systemctl show` prints it: a number, or 'infinity' (None)."""
    return None if value.strip() in ("infinity", "") else int(value)


@dataclass(frozen=True)
class Account:
    """A line of the user database (getent passwd)."""

    name: str
    uid: int
    gid: int
    home: str
    shell: str

    @property
    def can_log_in(self) -> bool:
        return not self.shell.endswith(("/nologin", "/false"))


class Systemd:
    """The system manager of one Linux-host service container; every method only reads."""

    def __init__(self, lab: LabContext, service: str = "host") -> None:
        self.lab = lab
        self.service = service

    def sh(self, script: str, what: str) -> str:
        """Run a read-only shell command in the host; a failure is the check's assertion, not an error."""
        __tracebackhide__ = True
        res = self.lab.exec(self.service, ["sh", "-c", script], timeout=60)
        assert res.ok, f"could not {what} in service '{self.service}': {(res.stderr or res.stdout).strip()[-300:]}"
        return res.stdout

    def show(self, unit: str, fresh: bool = False) -> dict[str, str]:
        """The unit's effective properties (`systemctl show`), as systemd has loaded them."""
        __tracebackhide__ = True

        def fetch() -> dict[str, str]:
            __tracebackhide__ = True
            return parse_show(self.sh(f"systemctl show --no-pager -p {','.join(UNIT_PROPS)} {shlex.quote(unit)}",
                                      f"read the properties of unit {unit}"))

        if fresh:
            return fetch()
        data: dict[str, str] = self.lab.cached(("systemd-show", self.service, unit), fetch)
        return data

    def main_pid(self, unit: str) -> int:
        """The unit's main process; an assertion when the unit runs none."""
        __tracebackhide__ = True
        props = self.show(unit)
        pid = int(props.get("MainPID") or 0)
        assert props.get("LoadState") == "loaded", (
            f"expected a loaded unit {unit}; systemd reports LoadState={props.get('LoadState')} "
            "(no unit file by that name, or `systemctl daemon-reload` not run since it was written)")
        assert pid > 0, (
            f"expected unit {unit} to run a main process; it is {props.get('ActiveState')}/{props.get('SubState')} "
            f"(Result={props.get('Result')}); see `systemctl status {unit}` and `journalctl -u {unit}`")
        return pid

    def process_limits(self, pid: int) -> dict[str, Limit]:
        __tracebackhide__ = True
        data: dict[str, Limit] = self.lab.cached(
            ("systemd-limits", self.service, pid),
            lambda: parse_limits(self.sh(f"cat /proc/{pid}/limits", f"read the limits of PID {pid}")))
        return data

    def process_uids(self, pid: int) -> tuple[int, ...]:
        """Real, effective, saved and filesystem user IDs of a process (/proc/<pid>/status Uid:)."""
        __tracebackhide__ = True
        status = self.sh(f"cat /proc/{pid}/status", f"read the status of PID {pid}")
        m = re.search(r"^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", status, re.MULTILINE)
        assert m, f"/proc/{pid}/status has no Uid line"
        return tuple(int(x) for x in m.groups())

    def process_command(self, pid: int) -> list[str]:
        """A process's command line (/proc/<pid>/cmdline; its exe link needs ptrace rights a container lacks)."""
        __tracebackhide__ = True
        return [a for a in self.sh(f"cat /proc/{pid}/cmdline", f"read the command of PID {pid}").split("\0") if a]

    def account(self, name: str) -> Account | None:
        res = self.lab.exec(self.service, ["getent", "passwd", name], timeout=30)
        if not res.ok or not res.stdout.strip():
            return None
        f = res.stdout.strip().split(":")
        return Account(name=f[0], uid=int(f[2]), gid=int(f[3]), home=f[5], shell=f[6])

    def account_of_uid(self, uid: int) -> str:
        res = self.lab.exec(self.service, ["getent", "passwd", str(uid)], timeout=30)
        return res.stdout.split(":", 1)[0] if res.ok and res.stdout.strip() else f"uid {uid}"

    def journal(self, unit: str, pid: int, lines: int = 200) -> str:
        """What the unit's process `pid` wrote to the journal (its own lines, not systemd's about it)."""
        __tracebackhide__ = True
        return self.sh(f"journalctl --no-pager -o cat -n {lines} _SYSTEMD_UNIT={shlex.quote(unit)} _PID={pid}",
                       f"read the journal of unit {unit}")

    def wait_for_new_pid(self, unit: str, old: int, timeout: float = 20) -> dict[str, str]:
        """After the main process died: the unit's properties once it runs a new one, or at the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            props = self.show(unit, fresh=True)
            pid = int(props.get("MainPID") or 0)
            if (pid not in (0, old) and props.get("ActiveState") == "active") or time.monotonic() > deadline:
                return props
            time.sleep(0.5)
