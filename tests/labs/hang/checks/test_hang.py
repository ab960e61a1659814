import os
import time

import pytest

if os.environ.get("HANG_IMPORT"):
    import nosuch_module_for_altlab_tests  # noqa: F401  (a check file that cannot be imported)


@pytest.mark.points(1)
def test_ok(lab):
    assert lab.params.token


@pytest.mark.points(1)
def test_sleeps_forever(lab):
    while True:
        try:
            time.sleep(3600)
        except Exception:  # a check that swallows errors cannot swallow its time limit
            pass


@pytest.mark.points(1)
def test_fixture_hangs(lab, stuck):
    assert True


@pytest.mark.points(1)
def test_quotes_the_secret(lab):
    print(f"config line: password={lab.params.token}")
    assert False, f"expected no password in the config; found password={lab.params.token}"


@pytest.mark.points(1)
def test_exits(lab):
    if os.environ.get("HANG_EXIT"):
        os._exit(3)
