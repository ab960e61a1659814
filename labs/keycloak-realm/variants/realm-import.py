"""Alternative route: one realm representation with the client, the LDAP component and its mappers."""

import runpy
from pathlib import Path

sol = runpy.run_path(str(Path(__file__).resolve().parents[1] / "solution.py"))


def _mapper(name, model_attr, ldap_attr, **extra):
    conf = {"user.model.attribute": [model_attr], "ldap.attribute": [ldap_attr], "read.only": ["true"],
            "always.read.value.from.ldap": ["true"], "is.mandatory.in.ldap": ["false"], **extra}
    return {"name": name, "providerId": "user-attribute-ldap-mapper", "subComponents": {}, "config": conf}


def apply(lab):
    p = lab.params
    rep = {
        "realm": p.realm, "enabled": True,
        "clients": [sol["client_rep"](p, webOrigins=["+"])],  # "+": the origins of the redirect URIs
        "components": {sol["LDAP_PROVIDER"]: [{
            "name": "directory", "providerId": "ldap", "config": sol["ldap_config"](p, searchScope="2"),
            "subComponents": {sol["LDAP_MAPPER"]: [
                _mapper("username", "username", "uid", **{"is.mandatory.in.ldap": ["true"]}),
                _mapper("first name", "firstName", "givenName"),
                _mapper("last name", "lastName", "sn"),
                _mapper("email", "email", "mail"),
            ]},
        }]},
    }
    sol["Admin"](lab).req("POST", "", json=rep)
