"""Reference solution through Keycloak's admin REST API: realm, admin-panel client, LDAP federation.

`setup(lab, ...)` takes overrides so the near-miss variants reuse it with one thing changed.
"""

from __future__ import annotations

from typing import Any

import requests

LDAP_PROVIDER = "org.keycloak.storage.UserStorageProvider"
LDAP_MAPPER = "org.keycloak.storage.ldap.mappers.LDAPStorageMapper"


class Admin:
    """The master realm's administrator on the admin REST API."""

    def __init__(self, lab: Any) -> None:
        p = lab.params
        self.base = lab.url("sso", 8080)
        tok = requests.post(f"{self.base}/realms/master/protocol/openid-connect/token", timeout=30,
                            data={"grant_type": "password", "client_id": "admin-cli",
                                  "username": p.kc_admin, "password": p.kc_admin_password})
        tok.raise_for_status()
        self.headers = {"Authorization": f"Bearer {tok.json()['access_token']}"}

    def req(self, method: str, path: str, **kw: Any) -> requests.Response:
        res = requests.request(method, f"{self.base}/admin/realms{path}", headers=self.headers, timeout=60, **kw)
        if not res.ok:
            raise RuntimeError(f"{method} /admin/realms{path}: HTTP {res.status_code} {res.text[:300]}")
        return res


def client_rep(p: Any, **over: Any) -> dict[str, Any]:
    rep = {"clientId": p.client_id, "name": "Admin panel", "protocol": "openid-connect", "enabled": True,
           "publicClient": False, "clientAuthenticatorType": "client-secret", "bearerOnly": False,
           "standardFlowEnabled": True, "implicitFlowEnabled": False, "directAccessGrantsEnabled": False,
           "serviceAccountsEnabled": False, "rootUrl": p.panel_url,
           "redirectUris": [f"{p.panel_url}/*"], "webOrigins": [p.panel_url]}
    return {**rep, **over}


def ldap_config(p: Any, **over: str) -> dict[str, list[str]]:
    conf = {"enabled": "true", "vendor": "other", "connectionUrl": "ldap://ldap:389",
            "usersDn": f"ou=people,{p.base_dn}", "bindDn": f"cn=keycloak,ou=services,{p.base_dn}",
            "bindCredential": p.bind_password, "authType": "simple", "editMode": "READ_ONLY",
            "usernameLDAPAttribute": "uid", "rdnLDAPAttribute": "uid", "uuidLDAPAttribute": "entryUUID",
            "userObjectClasses": "inetOrgPerson", "searchScope": "1", "importEnabled": "true",
            "syncRegistrations": "false", "pagination": "false", "cachePolicy": "DEFAULT"}
    return {k: [v] for k, v in {**conf, **over}.items()}


def setup(lab: Any, *, federation_realm: str | None = None, first_name_from: str = "givenName",
          client: dict[str, Any] | None = None, **ldap_over: str) -> None:
    p = lab.params
    a = Admin(lab)
    a.req("POST", "", json={"realm": p.realm, "enabled": True})
    a.req("POST", f"/{p.realm}/clients", json=client_rep(p, **(client or {})))
    fed = federation_realm or p.realm
    realm_id = a.req("GET", f"/{fed}").json()["id"]
    res = a.req("POST", f"/{fed}/components", json={"name": "altcraft-directory", "providerId": "ldap",
                                                     "providerType": LDAP_PROVIDER, "parentId": realm_id,
                                                     "config": ldap_config(p, **ldap_over)})
    ldap_id = res.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    # Keycloak adds default mappers to a new LDAP provider; the first-name one is pointed at givenName.
    mappers = a.req("GET", f"/{fed}/components", params={"parent": ldap_id, "type": LDAP_MAPPER}).json()
    first = [m for m in mappers if m.get("config", {}).get("user.model.attribute") == ["firstName"]]
    if not first:
        raise RuntimeError(f"no first-name mapper among the LDAP provider's defaults: {[m['name'] for m in mappers]}")
    first[0]["config"]["ldap.attribute"] = [first_name_from]
    a.req("PUT", f"/{fed}/components/{first[0]['id']}", json=first[0])


def apply(lab: Any) -> None:
    setup(lab)
