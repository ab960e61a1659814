import pytest
import requests

from pytest_altlab.helpers.s3 import S3, Creds


@pytest.fixture
def s3(lab):
    return S3(lab)


@pytest.fixture
def keys(lab):
    p = lab.params
    return {
        "current": Creds("the uploader's current key", p.access_key, p.secret_key),
        "old": Creds("the rotated (old) key", p.old_access_key, p.old_secret_key),
        "root": Creds("the root account", p.root_access_key, p.root_secret_key),
    }


class Uploader:
    """The uploader's own HTTP API, as the platform uses it (from the host, on its published port)."""

    def __init__(self, lab):
        self.lab = lab

    def request(self, method, path, data=None):
        __tracebackhide__ = True
        url = self.lab.url("uploader", 8080, path)
        try:
            r = requests.request(method, url, data=data, timeout=30)
        except requests.RequestException as e:
            self.lab.record("http", method=method, url=url, error=type(e).__name__)
            raise AssertionError(
                f"the uploader does not answer on port 8080 ({type(e).__name__}); is it running?") from None
        self.lab.record("http", method=method, url=url, status=r.status_code, body=r.text[:500])
        return r


@pytest.fixture
def uploader(lab):
    return Uploader(lab)
