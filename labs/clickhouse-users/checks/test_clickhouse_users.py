"""Checks of clickhouse-users: 100 points. They only read: logins, SELECTs and probes that change nothing.

Logins come from the host (the Docker gateway's address) and, for "from any address", from other
source addresses inside the server's container.

Write access is proven without writing. The issue asks to check that the app user can create a
table; a check that creates (and drops) one would change the candidate's state, and on current
servers a dropped table lingers in an Atomic database for minutes. Instead:
- an INSERT that carries no rows: the server checks the user's rights first, then inserts nothing;
- CREATE TABLE <db>.altlab_probe_<random> AS <db>.altlab_absent_<random>: the server checks the
  CREATE right first, so "table doesn't exist" proves the right (and nothing is created), while
  "access denied" / "readonly mode" proves its absence. The same on 18.16 and on 24.x.
"""

import pytest


def _login_failed(user: str, rep) -> str:
    if not rep.answered:
        return rep.text
    if rep.auth_failed:
        # 18.16 names the cause by its code; current servers say 516 for all of them.
        cause = {192: "the server does not know the user: is its block loaded (XML errors in "
                      "clickhouse-server.err.log, the root element, the file's place)?",
                 193: "the password does not match the one in the user's block",
                 195: "the user's <networks> does not admit the address the login comes from"}.get(
            rep.code, "check the password and the user's <networks>")
        return f"user '{user}' cannot log in with the password from the task over the network ({rep.error}): {cause}"
    return f"user '{user}' could not run SELECT 1: {rep.error}"


@pytest.mark.points(10)
@pytest.mark.covers(1, 3)
@pytest.mark.persistent
@pytest.mark.look("users.d/altcraft.xml: <password> and <networks>; clickhouse-server.err.log for XML errors")
def test_app_user_logs_in(lab, ch):
    """The app user logs in with its password"""
    p = lab.params
    rep = ch.login(p.app_user, p.app_password)
    assert rep.ok, _login_failed(p.app_user, rep)


@pytest.mark.points(20)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.depends("test_app_user_logs_in")
@pytest.mark.look("the user's <profile> (readonly must be 0) and <allow_databases>")
def test_app_user_can_create_tables(lab, ch):
    """The app user may read, write and create tables in its own database"""
    p = lab.params
    where = f"{p.app_db}.{p.app_table}"
    sel = ch.query(f"SELECT count() FROM {where}", p.app_user, p.app_password)
    assert sel.ok, f"'{p.app_user}' must be able to read {where}; {sel.describe()}"
    ins = ch.probe_insert(p.app_user, p.app_password, p.app_db, p.app_table)
    assert ins.ok, f"'{p.app_user}' must be able to INSERT into {where}; {ins.describe()}"
    cr = ch.probe_create(p.app_user, p.app_password, p.app_db)
    assert cr.ok, f"'{p.app_user}' must be able to CREATE TABLE in {p.app_db}; {cr.describe()}"


@pytest.mark.points(20)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.depends("test_app_user_logs_in")
@pytest.mark.look("<allow_databases><database>...</database></allow_databases> in the user's block")
def test_app_user_denied_other_databases(lab, ch):
    """The app user is refused in every other database"""
    p = lab.params
    where = f"{p.other_db}.{p.other_table}"
    sel = ch.query(f"SELECT count() FROM {where}", p.app_user, p.app_password)
    assert not sel.ok, (f"'{p.app_user}' can still read {where} ({sel.text.strip()} rows); it must be "
                        f"limited to the database {p.app_db}")
    assert sel.denied, f"expected 'access denied' for '{p.app_user}' reading {where}; {sel.describe()}"
    cr = ch.probe_create(p.app_user, p.app_password, "default")
    assert cr.denied, (f"expected '{p.app_user}' to be refused creating a table in the database 'default'; "
                       f"{cr.describe()}")


@pytest.mark.points(10)
@pytest.mark.covers(2, 3)
@pytest.mark.persistent
@pytest.mark.look("a users.d file for grafana: <password>, <networks>, <profile>, <quota>")
def test_grafana_logs_in_and_reads(lab, ch):
    """The Grafana user logs in and can read the platform's tables"""
    p = lab.params
    rep = ch.login(p.grafana_user, p.grafana_password)
    assert rep.ok, _login_failed(p.grafana_user, rep)
    where = f"{p.app_db}.{p.app_table}"
    sel = ch.query(f"SELECT count() FROM {where}", p.grafana_user, p.grafana_password)
    assert sel.ok, f"'{p.grafana_user}' must be able to read {where} for the dashboards; {sel.describe()}"


@pytest.mark.points(15)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.depends("test_grafana_logs_in_and_reads")
@pytest.mark.look("grafana's <profile>: the readonly profile in users.xml, or one with <readonly>1</readonly> or 2")
def test_grafana_is_read_only(lab, ch):
    """The Grafana user cannot INSERT or CREATE anything"""
    p = lab.params
    where = f"{p.app_db}.{p.app_table}"
    ins = ch.probe_insert(p.grafana_user, p.grafana_password, p.app_db, p.app_table)
    assert not ins.ok, (f"'{p.grafana_user}' is allowed to INSERT into {where}; a read-only user must be refused "
                        "(look at its profile)")
    assert ins.denied, f"expected an INSERT by '{p.grafana_user}' to be refused as read-only; {ins.describe()}"
    cr = ch.probe_create(p.grafana_user, p.grafana_password, p.app_db)
    assert cr.denied, (f"expected CREATE TABLE by '{p.grafana_user}' in {p.app_db} to be refused as read-only; "
                       f"{cr.describe()}")


@pytest.mark.points(10)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_app_user_logs_in", "test_grafana_logs_in_and_reads")
@pytest.mark.look("each user's <networks>: which client addresses it admits")
def test_users_log_in_from_any_address(lab, ch):
    """Both users also log in from client addresses other than the one the host's probes come from"""
    # Every probe from the host reaches the server from one address, the Docker gateway, so a <networks>
    # with the gateway (and loopback) would pass them all. These come from inside the server's container:
    # from its own address on the lab network (another host of that network) and from a loopback alias.
    p = lab.params
    sources = [(ch.network_address(), None, "its own address on the lab network"),
               ("127.0.0.2", "127.0.0.1", "the loopback alias 127.0.0.2")]
    bad = []
    for user, password in ((p.app_user, p.app_password), (p.grafana_user, p.grafana_password)):
        for source, dest, what in sources:
            rep = ch.query_from(source, "SELECT 1", user, password, dest)
            if not rep.answered:
                raise AssertionError(f"cannot tell whether '{user}' may log in from {source}: {rep.text}")
            if not rep.ok:
                bad.append(f"'{user}' from {source} ({what}): {rep.error}")
    assert not bad, ("expected both users to log in from any address; refused: " + "; ".join(bad)
                     + ". Look at which addresses each user's <networks> admits")


@pytest.mark.points(15)
@pytest.mark.covers(4)
@pytest.mark.after_restart
def test_users_survive_restart(restart_outcome):
    """Everything above still holds after a server restart"""
    restart_outcome.assert_all_passed()
