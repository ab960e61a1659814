"""Keycloak observations for checks over the published HTTP port: admin REST reads and real password logins."""

from __future__ import annotations

from typing import Any

import requests

from ..context import LabContext

__all__ = ["KEYCLOAK_PORT", "Keycloak"]

KEYCLOAK_PORT = 8080


class Keycloak:
    """One Keycloak of a lab. Reads only: GETs on the admin API, and token requests (a login, as a user's)."""

    def __init__(self, lab: LabContext, service: str, admin_user: str, admin_password: str) -> None:
        self.lab, self.service = lab, service
        self.admin_user, self.admin_password = admin_user, admin_password

    @property
    def base(self) -> str:
        return self.lab.url(self.service, KEYCLOAK_PORT)

    def login(self, realm: str, username: str, password: str, client_id: str = "admin-cli") -> requests.Response:
        """A resource-owner password login on REALM's token endpoint (admin-cli allows it in every realm)."""
        __tracebackhide__ = True
        try:
            res = requests.post(f"{self.base}/realms/{realm}/protocol/openid-connect/token", timeout=30,
                                data={"grant_type": "password", "client_id": client_id,
                                      "username": username, "password": password})
        except requests.RequestException as e:
            raise AssertionError(f"Keycloak of the service '{self.service}' does not answer: {e}") from None
        self.lab.record("keycloak_login", realm=realm, username=username, status=res.status_code,
                        error=res.json().get("error") if res.headers.get("content-type", "").startswith(
                            "application/json") and not res.ok else None)
        return res

    def _admin_token(self) -> str:
        __tracebackhide__ = True
        res = self.login("master", self.admin_user, self.admin_password)
        assert res.ok, (f"the grader could not log in to Keycloak's master realm as '{self.admin_user}' "
                        f"(HTTP {res.status_code}): was the bootstrap administrator changed?")
        return str(res.json()["access_token"])

    def get(self, path: str, **params: Any) -> Any:
        """GET /admin/realms/PATH as the administrator; None for 404. JSON."""
        __tracebackhide__ = True
        token = self.lab.cached(("keycloak-admin-token", self.service), self._admin_token)
        try:
            res = requests.get(f"{self.base}/admin/realms{path}", params=params, timeout=30,
                               headers={"Authorization": f"Bearer {token}"})
        except requests.RequestException as e:
            raise AssertionError(f"Keycloak of the service '{self.service}' does not answer: {e}") from None
        if res.status_code == 404:
            return None
        assert res.ok, f"GET /admin/realms{path} answered HTTP {res.status_code}: {res.text[:200]}"
        data = res.json()
        self.lab.record("keycloak_admin_get", path=path, params=params, response=data)
        return data
