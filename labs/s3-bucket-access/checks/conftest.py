import pytest

from pytest_altlab.helpers.s3 import S3, Creds


@pytest.fixture
def s3(lab):
    return S3(lab)


@pytest.fixture
def keys(lab):
    p = lab.params
    return {
        "platform": Creds("the platform key", p.platform_access_key, p.platform_secret_key),
        "export": Creds("the export key", p.export_access_key, p.export_secret_key),
        "root": Creds("the root account", p.root_access_key, p.root_secret_key),
    }
