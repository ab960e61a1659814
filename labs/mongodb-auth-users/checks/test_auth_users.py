"""Checks of mongodb-auth-users: 100 points. They only read: logins, finds, usersInfo, connectionStatus, the file.

Every user x database pair is probed twice: a real `find` (read allowed or refused by the server) and the
privileges the server computed for the login (connectionStatus showPrivileges: insert/update/remove).
"""

import pytest
import yaml

from pytest_altlab.helpers.mongodb import actions_on

CONFIG_FILE = "/data/configdb/mongod.conf"
ACCOUNTS = {"acc_acme": "acme_app", "acc_globex": "globex_app"}  # account database -> its application user
WRITE = {"insert", "update", "remove"}
# Probed for every user: both accounts, admin, and an account database that does not exist yet (a role
# over "any database" would reach it; the roles asked for must not).
DATABASES = (*ACCOUNTS, "admin", "acc_initech")


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(5)
@pytest.mark.look("security.authorization in mongod.conf; mongod reads it only when it starts")
def test_unauthenticated_client_refused(mongo):
    """A client without a login is refused: no database list, no account data"""
    problems = []
    for db in ACCOUNTS:
        allowed, _ = mongo.can_read(None, None, "admin", db, "campaigns")
        if allowed:
            problems.append(f"read {db}.campaigns")
    assert not problems, ("a client without a login " + ", ".join(problems)
                          + ": expected the server to refuse it (authorization is not in force)")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(5)
@pytest.mark.look("the `security:` section of /data/configdb/mongod.conf (YAML: indentation, spelling)")
def test_authorization_in_config_file(lab):
    """mongod.conf sets security.authorization: enabled"""
    text = lab.read_file("db", CONFIG_FILE)
    assert text is not None, f"{CONFIG_FILE} does not exist in the service 'db'"
    try:
        conf = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise AssertionError(f"{CONFIG_FILE} is not valid YAML (mongod would not start): {e}") from None
    found = (conf.get("security") or {}).get("authorization") if isinstance(conf, dict) else None
    assert found == "enabled", f"expected security.authorization: enabled in {CONFIG_FILE}; found {found!r}"


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`db.getSiblingDB('admin').getUser(...)`: the user's database and roles")
def test_admin_is_root(lab, mongo):
    """The administrator logs in on admin with SCRAM-SHA-256 and holds root"""
    p = lab.params
    ok, why = mongo.login(p.admin_user, p.admin_password, "admin")
    assert ok, f"'{p.admin_user}' could not log in on 'admin' with SCRAM-SHA-256: {why}"
    info = mongo.admin_command(p.admin_user, p.admin_password, {"usersInfo": p.admin_user})
    roles = {(r["role"], r["db"]) for u in info.get("users", []) for r in u.get("roles", [])}
    assert ("root", "admin") in roles, f"expected '{p.admin_user}' to have root on admin; found {sorted(roles)}"


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.look("each application user's roles, and the database it is defined in (--authenticationDatabase)")
def test_account_users_access_matrix(mongo, users):
    """Each application user reads and writes its own account database and nothing else"""
    problems = []
    for own, user in ACCOUNTS.items():
        source, password = users[user]
        ok, why = mongo.login(user, password, own)
        if not ok:
            problems.append(f"'{user}' cannot log in on '{own}' (its own database): {why}")
            continue
        privileges = mongo.privileges(user, password, own)
        for db in DATABASES:
            read, _ = mongo.can_read(user, password, own, db, "campaigns")
            writes = WRITE & actions_on(privileges, db)
            if db == own and not (read and writes == WRITE):
                problems.append(f"'{user}' on {db}: expected read and write; found "
                                f"read {'allowed' if read else 'refused'}, write actions {sorted(writes) or 'none'}")
            if db != own and (read or writes):
                problems.append(f"'{user}' on {db}: expected no access; found "
                                f"read {'allowed' if read else 'refused'}, write actions {sorted(writes) or 'none'}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("the reporting user's roles: `read` per database, not a role over every database")
def test_reporting_user_reads_only_the_accounts(lab, mongo):
    """The reporting user reads both account databases, writes nowhere, sees nothing else"""
    p = lab.params
    ok, why = mongo.login(p.report_user, p.report_password, "admin")
    assert ok, f"'{p.report_user}' could not log in on 'admin': {why}"
    privileges = mongo.privileges(p.report_user, p.report_password, "admin")
    problems = []
    for db in DATABASES:
        read, _ = mongo.can_read(p.report_user, p.report_password, "admin", db, "campaigns")
        writes = WRITE & actions_on(privileges, db)
        want_read = db in ACCOUNTS
        if read != want_read or writes:
            problems.append(f"{db}: expected read {'allowed' if want_read else 'refused'} and no writes; found "
                            f"read {'allowed' if read else 'refused'}, write actions {sorted(writes) or 'none'}")
    assert not problems, f"'{p.report_user}': " + "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(1, 2, 3)
@pytest.mark.look("`db.getUsers()` in admin, acc_acme and acc_globex: where each user lives, which roles")
def test_roles_exactly_as_asked(lab, mongo, users):
    """Each user is defined where asked and holds exactly the roles asked (least privilege)"""
    p = lab.params
    want = {p.admin_user: {("root", "admin")}, "acme_app": {("readWrite", "acc_acme")},
            "globex_app": {("readWrite", "acc_globex")},
            p.report_user: {("read", "acc_acme"), ("read", "acc_globex")}}
    found = _all_users(mongo, p)
    problems = []
    for user, roles in want.items():
        where = users[user][0]
        got = found.get((where, user))
        if got is None:
            elsewhere = [db for (db, u) in found if u == user]
            also = f" (found in {', '.join(elsewhere)})" if elsewhere else ""
            problems.append(f"no user '{user}' in '{where}'{also}")
        elif got["roles"] != roles:
            problems.append(f"'{user}' ({where}) has roles {_fmt(got['roles'])}, expected {_fmt(roles)}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.look("the `mechanisms` of each user (usersInfo); `updateUser` with `pwd` and `mechanisms`")
def test_scram_sha_256_only(lab, mongo, users):
    """Every user has SCRAM-SHA-256 credentials only: a SCRAM-SHA-1 login is refused"""
    p = lab.params
    found = _all_users(mongo, p)
    problems = []
    for user, (where, password) in users.items():
        got = found.get((where, user))
        if got is None:
            problems.append(f"no user '{user}' in '{where}'")
            continue
        if got["mechanisms"] != ["SCRAM-SHA-256"]:
            problems.append(f"'{user}' has mechanisms {got['mechanisms']}, expected only SCRAM-SHA-256")
        sha1, _ = mongo.login(user, password, where, mechanism="SCRAM-SHA-1")
        if sha1:
            problems.append(f"'{user}' logged in with SCRAM-SHA-1")
    assert not problems, "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.after_restart
@pytest.mark.covers(5)
def test_survives_restart(restart_outcome):
    """Everything above still holds after mongod restarts"""
    restart_outcome.assert_all_passed()


def _all_users(mongo, p):
    """(database, user) -> {"roles": {(role, db)}, "mechanisms": [...]}, read as the administrator."""
    info = mongo.lab.cached("mongo-users", lambda: mongo.admin_command(
        p.admin_user, p.admin_password, {"usersInfo": {"forAllDBs": True}}))
    return {(u["db"], u["user"]): {"roles": {(r["role"], r["db"]) for r in u.get("roles", [])},
                                   "mechanisms": sorted(u.get("mechanisms", []))} for u in info.get("users", [])}


def _fmt(roles):
    return ", ".join(f"{r}@{d}" for r, d in sorted(roles)) or "none"
