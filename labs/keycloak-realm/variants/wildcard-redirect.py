"""Near-miss: after the solution, redirect URIs '*' and direct access grants on."""

import runpy
from pathlib import Path

sol = runpy.run_path(str(Path(__file__).resolve().parents[1] / "solution.py"))


def apply(lab):
    a, p = sol["Admin"](lab), lab.params
    (client,) = a.req("GET", f"/{p.realm}/clients", params={"clientId": p.client_id}).json()
    client.update(redirectUris=["*"], webOrigins=["*"], directAccessGrantsEnabled=True)
    a.req("PUT", f"/{p.realm}/clients/{client['id']}", json=client)
