"""LDAP observations for checks: binds, searches and refused-write probes with ldap3 over the published port."""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass, field
from typing import Any

# ldap3 2.9 imports names that newer pyasn1 marks deprecated: not the candidate's business.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import ldap3
    import ldap3.utils.asn1  # noqa: F401  (the module that warns)
    from ldap3.core.exceptions import LDAPException

from ..context import LabContext

__all__ = ["LDAP", "Bind", "WriteProbe", "norm_dn"]

LDAP_PORT = 389
# Result codes that mean "the server refused this write": insufficientAccessRights, and
# unwillingToPerform (e.g. a database set to olcReadOnly).
_WRITE_REFUSED = {50: "insufficientAccessRights", 53: "unwillingToPerform"}


def norm_dn(dn: str) -> str:
    """A DN compared the way LDAP compares these: case and spaces around ',' and '=' do not count."""
    parts = []
    for rdn in dn.split(","):
        attr, _, value = rdn.partition("=")
        parts.append(f"{attr.strip().lower()}={value.strip().lower()}")
    return ",".join(parts)


@dataclass(frozen=True)
class Bind:
    ok: bool
    refused: bool  # the server answered and said no (as opposed to not answering)
    code: int | None  # LDAP result code, None where the server did not answer
    detail: str


@dataclass(frozen=True)
class WriteProbe:
    refused: bool | None  # True: write refused; False: write access exists; None: could not tell
    code: int | None
    detail: str


@dataclass
class Entry:
    dn: str
    attrs: dict[str, list[str]] = field(default_factory=dict)

    def values(self, name: str) -> list[str]:
        for k, v in self.attrs.items():
            if k.lower() == name.lower():
                return [str(x) for x in v]
        return []


class LDAP:
    def __init__(self, lab: LabContext, service: str = "ldap", port: int = LDAP_PORT) -> None:
        self.lab = lab
        self.service = service
        self.container_port = port

    @property
    def address(self) -> str:
        return f"{self.lab.host}:{self.lab.port(self.service, self.container_port)}"

    def _server(self) -> ldap3.Server:
        # get_info=NONE: no schema or root DSE reads, which a locked-down server may refuse.
        return ldap3.Server(self.lab.host, port=self.lab.port(self.service, self.container_port),
                            get_info=ldap3.NONE, connect_timeout=5)

    def _connection(self, dn: str | None, password: str | None) -> ldap3.Connection:
        auth = ldap3.SIMPLE if dn else ldap3.ANONYMOUS
        return ldap3.Connection(self._server(), user=dn or None, password=password or None, authentication=auth,
                                raise_exceptions=False, receive_timeout=10, auto_referrals=False)

    # --- binds -------------------------------------------------------------------------------------

    def try_bind(self, dn: str, password: str) -> Bind:
        """A simple bind as `dn` (an anonymous bind where dn is ""); never raises."""
        if dn and not password:
            # An empty password would make it an "unauthenticated" bind, which proves nothing.
            return Bind(False, False, None, "no password to bind with")
        conn = self._connection(dn, password)
        try:
            ok = conn.bind()
        except LDAPException as e:
            return Bind(False, False, None, f"no answer from the LDAP server at {self.address} ({type(e).__name__})")
        finally:
            _close(conn)
        res = conn.result or {}
        code = res.get("result")
        if ok:
            return Bind(True, False, code, "bound")
        text = res.get("description", "")
        if res.get("message"):
            text += f" ({res['message']})"
        return Bind(False, code is not None, code, f"refused: {text or 'no reason given'}")

    def connect(self, dn: str, password: str, who: str) -> ldap3.Connection:
        """A connection bound as `dn`; fails with a sentence naming `who` when the bind does not work."""
        __tracebackhide__ = True
        if not password:
            raise AssertionError(f"{who}: no password to bind with")
        conn = self._connection(dn, password)
        try:
            ok = conn.bind()
        except LDAPException as e:
            _close(conn)
            raise AssertionError(f"could not reach the LDAP server at {self.address} ({type(e).__name__}); "
                                 "is slapd running?") from None
        if not ok:
            res = conn.result or {}
            _close(conn)
            msg = f"{res.get('description', 'refused')}"
            if res.get("message"):
                msg += f": {res['message']}"
            hint = ""
            if res.get("result") == 49:
                hint = " (the entry does not exist, or has no userPassword matching the given password)"
            raise AssertionError(f"{who} cannot bind as '{dn}' with the given password: the server answered "
                                 f"{msg}{hint}")
        return conn

    def close(self, conn: ldap3.Connection) -> None:
        _close(conn)

    # --- reads -------------------------------------------------------------------------------------

    def search(self, conn: ldap3.Connection, base: str, filter: str = "(objectClass=*)", *,
               scope: str = "SUBTREE", attributes: list[str] | None = None) -> tuple[int | None, list[Entry]]:
        """(result code, entries). noSuchObject gives (32, []); no answer raises a candidate's sentence."""
        __tracebackhide__ = True
        scopes = {"BASE": ldap3.BASE, "LEVEL": ldap3.LEVEL, "SUBTREE": ldap3.SUBTREE}
        try:
            conn.search(base, filter, search_scope=scopes[scope], attributes=attributes or ["*"])
        except LDAPException as e:
            raise AssertionError(f"the LDAP server at {self.address} stopped answering during a search "
                                 f"({type(e).__name__})") from None
        code = (conn.result or {}).get("result")
        out = [Entry(r["dn"], {k: list(v) if isinstance(v, list) else [v] for k, v in r["attributes"].items()})
               for r in conn.response or [] if r.get("type") == "searchResEntry"]
        return code, out

    def entry(self, conn: ldap3.Connection, dn: str, attributes: list[str] | None = None) -> Entry | None:
        """The entry at `dn` (None where it does not exist or cannot be seen)."""
        __tracebackhide__ = True
        code, entries = self.search(conn, dn, scope="BASE", attributes=attributes)
        return entries[0] if code == 0 and entries else None

    def unbound_search(self, base: str) -> tuple[int | None, str, list[Entry]]:
        """A subtree search on a connection that never sent a bind: (code, description, entries)."""
        __tracebackhide__ = True
        conn = self._connection(None, None)
        try:
            conn.open()
            code, entries = self.search(conn, base)
            desc = (conn.result or {}).get("description", "")
            msg = (conn.result or {}).get("message", "")
            return code, f"{desc}: {msg}" if msg else desc, entries
        except LDAPException as e:
            raise AssertionError(f"could not reach the LDAP server at {self.address} ({type(e).__name__}); "
                                 "is slapd running?") from None
        finally:
            _close(conn)

    # --- write probe -------------------------------------------------------------------------------

    def write_probe(self, conn: ldap3.Connection, dn: str, attribute: str = "description") -> WriteProbe:
        """Can the bound identity write `attribute` of `dn`? Asked without changing anything: a modify that
        deletes a value the entry does not have. slapd checks the ACLs first (insufficientAccessRights if
        the identity may not write) and only then looks for the value (noSuchAttribute if it may): either
        way the entry stays as it was."""
        __tracebackhide__ = True
        token = f"altlab-probe-{uuid.uuid4().hex[:12]}"
        value = f"cn={token},{dn}" if attribute.lower() in ("member", "uniquemember", "owner") else token
        try:
            conn.modify(dn, {attribute: [(ldap3.MODIFY_DELETE, [value])]})
        except LDAPException as e:
            raise AssertionError(f"the LDAP server at {self.address} stopped answering during a write probe "
                                 f"({type(e).__name__})") from None
        res: dict[str, Any] = conn.result or {}
        code = res.get("result")
        desc = res.get("description", "")
        if code in _WRITE_REFUSED:
            return WriteProbe(True, code, f"refused with {desc}")
        if code in (0, 16):  # 16 noSuchAttribute: past the access check, so write access exists
            return WriteProbe(False, code, f"allowed (the server went past the access check: {desc})")
        return WriteProbe(None, code, f"could not tell: the server answered {desc or code} "
                                      f"{('(' + res['message'] + ')') if res.get('message') else ''}".rstrip())


def _close(conn: ldap3.Connection) -> None:
    try:
        conn.unbind()
    except (LDAPException, OSError):
        pass
