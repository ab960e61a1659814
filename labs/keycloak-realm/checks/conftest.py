import pytest

from pytest_altlab.helpers.keycloak import Keycloak


@pytest.fixture
def kc(lab):
    return Keycloak(lab, "sso", lab.params.kc_admin, lab.params.kc_admin_password)


@pytest.fixture
def people(lab):
    """The directory's people (break.sh): uid -> (password, givenName, sn, mail)."""
    p = lab.params
    return {"jdoe": (p.jdoe_password, "John", "Doe", "john.doe@altcraft.local"),
            "asmith": (p.asmith_password, "Anna", "Smith", "anna.smith@altcraft.local")}
