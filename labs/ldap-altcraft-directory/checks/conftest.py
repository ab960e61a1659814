from dataclasses import dataclass

import pytest

from pytest_altlab.helpers.ldap import LDAP


@dataclass(frozen=True)
class Names:
    base: str
    admin: str      # the rootdn
    people: str
    groups: str
    group: str      # cn=altcraft-admins
    svc: str
    users: dict      # uid -> (dn, password)
    admins: tuple    # uids that belong in altcraft-admins


@pytest.fixture
def ldap(lab):
    return LDAP(lab, "ldap")


@pytest.fixture
def names(lab):
    p = lab.params
    base = p.base_dn
    people = f"ou=people,{base}"
    users = {uid: (f"uid={uid},{people}", pw) for uid, pw in
             [(p.admin1, p.admin1_password), (p.admin2, p.admin2_password), (p.user3, p.user3_password)]}
    return Names(base=base, admin=f"cn=admin,{base}", people=people, groups=f"ou=groups,{base}",
                 group=f"cn=altcraft-admins,ou=groups,{base}", svc=f"cn={p.svc_cn},{base}", users=users,
                 admins=(p.admin1, p.admin2))


@pytest.fixture
def admin_conn(lab, ldap, names):
    """Opens a connection bound as the rootdn, which reads the tree as it is, whatever the ACLs say.
    Call it inside the check, so that a server that is down fails the check with a sentence (a failing
    fixture would be reported as a broken check)."""
    opened = []

    def connect():
        conn = ldap.connect(names.admin, lab.params.admin_password, "the directory admin (rootdn)")
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        ldap.close(conn)
