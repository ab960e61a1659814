"""Checks of postgres-market-db: 100 points. Logins from the host through the published port (what the
app sees), catalog reads with psql inside the container. Nothing here changes the server's state."""

import pytest


@pytest.mark.points(20)
@pytest.mark.covers(1, 3, 4)
@pytest.mark.persistent
@pytest.mark.look("`SHOW listen_addresses` (postgresql.conf, needs a restart); pg_hba_file_rules; the server log")
def test_app_logs_in(lab, pg):
    """The market role logs in to the market database from outside the container"""
    p = lab.params
    with pg.connect(p.app_role, p.app_password, p.db_name) as conn:
        user, db = conn.execute("SELECT current_user, current_database()").fetchone()
    assert (user, db) == (p.app_role, p.db_name), (
        f"expected to be '{p.app_role}' on database '{p.db_name}'; the server says '{user}' on '{db}'")


@pytest.mark.points(10)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("`\\l` in psql (the Owner column); the CREATE DATABASE docs")
def test_database_owned_by_market(lab, pg):
    """The market database exists and is owned by the market role"""
    p = lab.params
    owner = pg.value("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'db'", db=p.db_name)
    assert owner is not None, (f"database '{p.db_name}' does not exist; existing: "
                               + ", ".join(pg.databases()))
    assert owner == p.app_role, f"expected database '{p.db_name}' to be owned by '{p.app_role}'; its owner is '{owner}'"


@pytest.mark.points(10)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`SHOW password_encryption` when the password is set; rolpassword in pg_authid")
def test_password_stored_as_scram(lab, pg):
    """The market role's password is stored as a SCRAM-SHA-256 verifier"""
    p = lab.params
    rows = pg.query("SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = :'r'", r=p.app_role)
    assert rows, f"role '{p.app_role}' does not exist"
    stored = rows[0]["rolpassword"]
    assert stored, f"role '{p.app_role}' has no password at all"
    kind = "SCRAM-SHA-256" if stored.startswith("SCRAM-SHA-256$") else (
        "an md5 hash" if stored.startswith("md5") else "an unknown form")
    assert kind == "SCRAM-SHA-256", (
        f"expected the password of '{p.app_role}' to be stored as a SCRAM-SHA-256 verifier; it is stored as {kind} "
        "(a password is hashed with the password_encryption in force when it is set)")


@pytest.mark.points(10)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends("test_app_logs_in")
@pytest.mark.look("the METHOD column of the pg_hba.conf line that matches (`SELECT * FROM pg_hba_file_rules`)")
def test_network_login_uses_scram(lab, pg):
    """The market role's network login is authenticated with SCRAM-SHA-256, not another password method"""
    # Graded by the method the server asks for, not by the stored hash: a client that insists on SCRAM
    # (libpq require_auth=scram-sha-256) hangs up on `password` (cleartext over the network) or anything else.
    p = lab.params
    got = pg.login(p.app_role, p.app_password, p.db_name, require_auth="scram-sha-256")
    assert got.ok, ("expected the server to authenticate the app with SCRAM-SHA-256; a client that requires it "
                    "(libpq require_auth=scram-sha-256) is turned away: " + pg.explain(got, p.app_role, p.db_name))


@pytest.mark.points(10)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends("test_app_logs_in")
@pytest.mark.look("the auth method of the pg_hba.conf line that matches (`SELECT * FROM pg_hba_file_rules`)")
def test_wrong_password_refused(lab, pg):
    """A wrong password for the market role is refused"""
    p = lab.params
    pg.assert_refused(p.app_role, "not-the-" + p.app_password, p.db_name,
                      "the password must be checked (not trust)")


@pytest.mark.points(15)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends("test_app_logs_in")
@pytest.mark.look("every host line of pg_hba.conf (first match wins): its database and user columns")
def test_only_market_role_reaches_market(lab, pg):
    """From the network, only the market role gets in, and only into the market database"""
    # "Nothing else from the network": every login role x every database (postgres and template1 too),
    # not a few samples. A superuser ignores CONNECT, so for it only pg_hba.conf can say no.
    p = lab.params
    known = {"postgres": pg.superuser_password(), p.other_role: p.other_password, p.app_role: p.app_password}
    through = pg.network_reach(known, allowed={(p.app_role, p.db_name)})
    assert not through, (f"expected the server to refuse every network login but '{p.app_role}' into "
                         f"'{p.db_name}'; these got in from outside the container: " + ", ".join(through))


@pytest.mark.points(10)
@pytest.mark.covers(5)
@pytest.mark.persistent
@pytest.mark.look("`\\l` in psql (the Access privileges column); the GRANT docs on database privileges")
def test_connect_revoked_from_public(lab, pg):
    """CONNECT on the market database is revoked from PUBLIC"""
    p = lab.params
    rows = pg.query("SELECT has_database_privilege('public', datname, 'CONNECT') AS public_connect, "
                    "coalesce(datacl::text, '(default privileges)') AS acl FROM pg_database WHERE datname = :'db'",
                    db=p.db_name)
    assert rows, f"database '{p.db_name}' does not exist"
    assert not rows[0]["public_connect"], (
        f"PUBLIC (every role) still has CONNECT on database '{p.db_name}'; its privileges are {rows[0]['acl']}")


@pytest.mark.points(15)
@pytest.mark.covers(6)
@pytest.mark.after_restart
def test_survives_restart(restart_outcome):
    """Everything above still holds after a restart of the server"""
    restart_outcome.assert_all_passed()

