"""Checks of keycloak-realm: 100 points. They only read: admin REST GETs, and password logins of directory users.

A login (the realm's built-in admin-cli client, password grant) is the end-to-end proof of the federation:
Keycloak binds to the directory with its bind account, finds the user under the users DN and checks the
password by binding as the user. As in any login, Keycloak then keeps (imports) the user it found.
"""

import pytest

from pytest_altlab.helpers.ldap import norm_dn

LDAP_PROVIDER = "org.keycloak.storage.UserStorageProvider"


def _providers(kc, realm):
    got = kc.get(f"/{realm}/components", type=LDAP_PROVIDER)
    return [c for c in (got or []) if c.get("providerId") == "ldap"]


def _why(res):
    try:
        body = res.json()
    except ValueError:
        return res.text[:120]
    return body.get("error_description") or body.get("error") or ""


def _one(values):
    return values[0] if isinstance(values, list) and values else values


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("Keycloak's admin console (realm list) or `kcadm.sh get realms`")
def test_realm_enabled(lab, kc):
    """The realm exists and is enabled"""
    realm = kc.get(f"/{lab.params.realm}")
    names = [r["realm"] for r in kc.get("") or []] if realm is None else []
    assert realm is not None, f"expected a realm '{lab.params.realm}'; found {', '.join(names)}"
    assert realm.get("enabled") is True, f"the realm '{lab.params.realm}' exists but is disabled"


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.look("the client's Settings: Client authentication, Authentication flow, Valid redirect URIs, Web origins")
def test_admin_panel_client(lab, kc):
    """The admin-panel client: OpenID Connect, confidential, standard flow only, the panel's redirect URI"""
    p = lab.params
    clients = kc.get(f"/{p.realm}/clients", clientId=p.client_id) or []
    assert len(clients) == 1, f"expected one client '{p.client_id}' in the realm '{p.realm}'; found {len(clients)}"
    c = clients[0]
    want = {"protocol": "openid-connect", "enabled": True, "publicClient": False, "bearerOnly": False,
            "standardFlowEnabled": True, "implicitFlowEnabled": False, "directAccessGrantsEnabled": False,
            "serviceAccountsEnabled": False, "redirectUris": [f"{p.panel_url}/*"]}
    problems = [f"{k} is {c.get(k)!r}, expected {v!r}" for k, v in want.items() if c.get(k) != v]
    if sorted(c.get("webOrigins") or []) not in ([p.panel_url], ["+"]):
        problems.append(f"webOrigins is {c.get('webOrigins')!r}, expected ['{p.panel_url}'] (or '+')")
    assert not problems, f"client '{p.client_id}': " + "; ".join(problems)


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("User federation > the LDAP provider: connection, users DN, bind DN, edit mode, attributes")
def test_ldap_federation_config(lab, kc):
    """The realm's LDAP provider: the lab's directory, ou=people, the keycloak bind account, read-only, uid"""
    p = lab.params
    providers = _providers(kc, p.realm)
    if not providers:
        elsewhere = [r["realm"] for r in kc.get("") or [] if r["realm"] != p.realm and _providers(kc, r["realm"])]
        raise AssertionError(f"expected an LDAP user federation in the realm '{p.realm}'; found none"
                             + (f" (there is one in {', '.join(elsewhere)})" if elsewhere else ""))
    assert len(providers) == 1, f"expected one LDAP provider in '{p.realm}'; found {len(providers)}"
    conf = {k: _one(v) for k, v in providers[0].get("config", {}).items()}
    want = {"connectionUrl": ("ldap://ldap:389", "ldap://ldap"), "authType": ("simple",),
            "editMode": ("READ_ONLY",), "usernameLDAPAttribute": ("uid",), "rdnLDAPAttribute": ("uid",),
            "uuidLDAPAttribute": ("entryUUID",), "enabled": ("true", None)}
    problems = [f"{k} is {conf.get(k)!r}, expected {v[0]!r}" for k, v in want.items() if conf.get(k) not in v]
    for key, dn in (("usersDn", f"ou=people,{p.base_dn}"), ("bindDn", f"cn=keycloak,ou=services,{p.base_dn}")):
        if norm_dn(conf.get(key) or "") != norm_dn(dn):
            problems.append(f"{key} is {conf.get(key)!r}, expected {dn!r}")
    classes = {c.strip().lower() for c in (conf.get("userObjectClasses") or "").split(",")}
    if "inetorgperson" not in classes:
        problems.append(f"userObjectClasses is {conf.get('userObjectClasses')!r}, expected inetOrgPerson")
    assert not problems, f"LDAP provider '{providers[0].get('name')}': " + "; ".join(problems)


@pytest.mark.points(25)
@pytest.mark.persistent
@pytest.mark.covers(3, 4)
@pytest.mark.look("User federation > Test connection / Test authentication; the provider's users DN and bind DN")
def test_directory_users_log_in(lab, kc, people):
    """The directory's people log in to the realm with their LDAP passwords; a wrong password is refused"""
    realm = lab.params.realm
    problems = []
    for uid, (password, *_rest) in people.items():
        res = kc.login(realm, uid, password)
        if not res.ok:
            problems.append(f"'{uid}' with the LDAP password got HTTP {res.status_code} ({_why(res)})")
    wrong = kc.login(realm, "jdoe", people["jdoe"][0] + "-wrong")
    if wrong.ok:
        problems.append("'jdoe' logged in with a wrong password")
    assert not problems, f"realm '{realm}': " + "; ".join(problems)


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.depends("test_directory_users_log_in")
@pytest.mark.look("the provider's Mappers tab: first name (givenName), last name (sn), email (mail)")
def test_names_and_email_from_ldap(lab, kc, people):
    """Directory users carry first name, last name and e-mail from LDAP and are linked to the provider"""
    realm = lab.params.realm
    ids = {c["id"] for c in _providers(kc, realm)}
    problems = []
    for uid, (_pw, given, sn, mail) in people.items():
        found = kc.get(f"/{realm}/users", username=uid, exact="true") or []
        if not found:
            problems.append(f"no user '{uid}' in the realm")
            continue
        u = found[0]
        got = (u.get("firstName"), u.get("lastName"), u.get("email"))
        if got != (given, sn, mail):
            problems.append(f"'{uid}' has first/last name and e-mail {got}, expected {(given, sn, mail)}")
        if u.get("federationLink") not in ids:
            problems.append(f"'{uid}' is not linked to the realm's LDAP provider (federationLink "
                            f"{u.get('federationLink')!r})")
    assert not problems, "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.after_restart
@pytest.mark.covers(5)
def test_survives_restart(restart_outcome):
    """Realm, client and federation still work after Keycloak restarts"""
    restart_outcome.assert_all_passed()
