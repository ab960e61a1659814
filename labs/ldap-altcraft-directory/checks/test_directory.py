"""Checks of ldap-altcraft-directory: 100 points. They only read: binds, searches, and write probes that
are refused or fail on a value that does not exist, so nothing in the directory ever changes."""

import pytest

from pytest_altlab.helpers.ldap import norm_dn


def _classes(entry):
    return {c.lower() for c in entry.values("objectClass")}


@pytest.mark.points(8)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`ldapsearch -x -H ldap://127.0.0.1 -D cn=admin,BASE -W -b BASE -s one`; organizationalUnit entries")
def test_people_and_groups_ous(ldap, names, admin_conn):
    """ou=people and ou=groups exist under the base DN as organizationalUnit entries"""
    conn = admin_conn()
    for dn in (names.people, names.groups):
        e = ldap.entry(conn, dn, ["objectClass"])
        assert e is not None, f"'{dn}' does not exist"
        assert "organizationalunit" in _classes(e), (
            f"'{dn}' exists but is not an organizationalUnit (objectClass: {', '.join(e.values('objectClass'))})")


@pytest.mark.points(14)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("the users' entries under ou=people (inetOrgPerson, uid, userPassword); `ldapwhoami -x -D DN -W`")
def test_users_can_bind(ldap, names, admin_conn):
    """Every user is an inetOrgPerson under ou=people and binds with the given password"""
    conn = admin_conn()
    problems = []
    for uid, (dn, password) in names.users.items():
        e = ldap.entry(conn, dn, ["objectClass", "uid"])
        if e is None:
            problems.append(f"'{dn}' does not exist")
            continue
        if "inetorgperson" not in _classes(e):
            problems.append(f"'{dn}' is not an inetOrgPerson (objectClass: {', '.join(e.values('objectClass'))})")
        if uid not in e.values("uid"):
            problems.append(f"'{dn}' has no uid attribute '{uid}' (found {e.values('uid') or 'none'})")
        b = ldap.try_bind(dn, password)
        if not b.ok:
            problems.append(f"'{dn}' cannot bind with the given password: {b.detail}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(12)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.look("the service account's entry and userPassword; the read rights of the ACLs (olcAccess)")
def test_service_account_binds_and_reads(lab, ldap, names):
    """The service account binds, finds every user by uid under ou=people and reads the group's members"""
    conn = ldap.connect(names.svc, lab.params.svc_password, "the service account")
    try:
        code, found = ldap.search(conn, names.base, "(objectClass=*)", scope="BASE", attributes=["objectClass"])
        assert code == 0 and found, (
            f"the service account cannot read the base entry '{names.base}' (result code {code})")
        problems = []
        for uid, (dn, _pw) in names.users.items():
            code, found = ldap.search(conn, names.people, f"(uid={uid})", attributes=["uid"])
            dns = [e.dn for e in found]
            if [norm_dn(d) for d in dns] != [norm_dn(dn)]:
                problems.append(f"a search for (uid={uid}) under '{names.people}' finds "
                                f"{', '.join(repr(d) for d in dns) or 'nothing'} (result code {code}); "
                                f"expected exactly '{dn}'")
        g = ldap.entry(conn, names.group, ["member"])
        if g is None:
            problems.append(f"the service account cannot see the group '{names.group}'")
        elif not g.values("member"):
            problems.append(f"the service account sees the group '{names.group}' but not its member attribute")
        assert not problems, "; ".join(problems)
    finally:
        ldap.close(conn)


@pytest.mark.points(16)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.look("`ldapsearch ... -b cn=altcraft-admins,ou=groups,BASE member`; groupOfNames")
def test_admins_group_members_exact(ldap, names, admin_conn):
    """cn=altcraft-admins,ou=groups is a groupOfNames whose members are exactly the two admins"""
    g = ldap.entry(admin_conn(), names.group, ["objectClass", "member"])
    assert g is not None, f"the group '{names.group}' does not exist"
    assert "groupofnames" in _classes(g), (
        f"'{names.group}' is not a groupOfNames (objectClass: {', '.join(g.values('objectClass'))})")
    want = {norm_dn(names.users[u][0]): names.users[u][0] for u in names.admins}
    got = {norm_dn(m): m for m in g.values("member")}
    missing = [want[k] for k in want if k not in got]
    extra = [got[k] for k in got if k not in want]
    assert not missing and not extra, (
        f"members of '{names.group}' must be exactly {', '.join(repr(v) for v in want.values())}; "
        + (f"missing: {', '.join(repr(m) for m in missing)}" if missing else "")
        + ("; " if missing and extra else "")
        + (f"must not be members: {', '.join(repr(m) for m in extra)}" if extra else ""))


@pytest.mark.points(12)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends("test_service_account_binds_and_reads")
@pytest.mark.look("the write rights in the database's olcAccess rules (`by users write`, `by dn=... write`)")
def test_service_account_read_only(lab, ldap, names):
    """The service account cannot write: not the group, not a user, not the base entry"""
    conn = ldap.connect(names.svc, lab.params.svc_password, "the service account")
    try:
        user_dn = names.users[lab.params.user3][0]
        problems = []
        for dn, attr in [(names.group, "member"), (user_dn, "description"), (names.base, "description")]:
            probe = ldap.write_probe(conn, dn, attr)
            if probe.refused is False:
                problems.append(f"it may change '{attr}' of '{dn}' ({probe.detail})")
            elif probe.refused is None:
                problems.append(f"a write to '{attr}' of '{dn}': {probe.detail}")
        assert not problems, "the service account must be read-only, but " + "; ".join(problems)
    finally:
        ldap.close(conn)


@pytest.mark.points(8)
@pytest.mark.covers(5)
@pytest.mark.persistent
@pytest.mark.depends("test_users_can_bind")
@pytest.mark.look("the write rights in the database's olcAccess rules: who may write which entries")
def test_users_cannot_change_admin_group(ldap, names, admin_conn):
    """No user, admin or not, can change the members of altcraft-admins, nor any other entry (own password aside)"""
    # "Only the directory admin may change entries": the group is the case the task names, not the only one.
    # Each user probes the group, its own entry, another user's entry and the base entry (not userPassword).
    assert ldap.entry(admin_conn(), names.group, ["cn"]) is not None, (
        f"the group '{names.group}' does not exist, so who may change it cannot be checked")
    problems = []
    uids = list(names.users)
    for i, (uid, (dn, password)) in enumerate(names.users.items()):
        other = names.users[uids[(i + 1) % len(uids)]][0]
        targets = [(names.group, "member"), (dn, "description"), (other, "description"), (names.base, "description")]
        conn = ldap.connect(dn, password, f"user '{uid}'")
        try:
            probes = [(t, attr, ldap.write_probe(conn, t, attr)) for t, attr in targets]
        finally:
            ldap.close(conn)
        for target, attr, probe in probes:
            whose = "its own entry" if target == dn else f"'{target}'"
            if probe.refused is False:
                problems.append(f"'{uid}' may change '{attr}' of {whose} ({probe.detail})")
            elif probe.refused is None:
                problems.append(f"a write by '{uid}' to '{attr}' of {whose}: {probe.detail}")
    assert not problems, ("only the directory admin may change entries (users: their own password only), but "
                          + "; ".join(problems))


@pytest.mark.points(12)
@pytest.mark.covers(6)
@pytest.mark.persistent
@pytest.mark.look("`olcDisallows` in cn=config (slapd-config(5))")
def test_anonymous_bind_refused(ldap):
    """An anonymous bind is refused"""
    b = ldap.try_bind("", "")
    assert not b.ok, "an anonymous bind (empty DN and password) is still accepted"
    assert b.refused, f"could not tell: {b.detail}"


@pytest.mark.points(10)
@pytest.mark.covers(6)
@pytest.mark.persistent
@pytest.mark.look("what a client that never binds may do: `olcRequires` (slapd-config(5)), `by anonymous` in olcAccess")
def test_anonymous_reads_nothing(ldap, names):
    """A client that never binds reads no entry of the directory"""
    code, desc, entries = ldap.unbound_search(names.base)
    assert not entries, (
        f"a client that sends no bind at all still reads {len(entries)} "
        f"{'entry' if len(entries) == 1 else 'entries'} under '{names.base}' "
        f"(e.g. {', '.join(repr(e.dn) for e in entries[:3])}); refusing anonymous binds does not stop "
        f"unauthenticated operations")


@pytest.mark.points(8)
@pytest.mark.covers(7)
@pytest.mark.after_restart
def test_directory_survives_restart(restart_outcome):
    """Everything above still holds after slapd restarts"""
    restart_outcome.assert_all_passed()
