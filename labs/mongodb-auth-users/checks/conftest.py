import pytest

from pytest_altlab.helpers.mongodb import Mongo


@pytest.fixture
def mongo(lab):
    return Mongo(lab, "db")


@pytest.fixture
def users(lab):
    """user -> (database it is defined in, password)"""
    p = lab.params
    return {p.admin_user: ("admin", p.admin_password), "acme_app": ("acc_acme", p.acme_password),
            "globex_app": ("acc_globex", p.globex_password), p.report_user: ("admin", p.report_password)}
