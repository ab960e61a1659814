import time

import pytest
from pymongo.errors import PyMongoError

from pytest_altlab.helpers.mongodb import Mongo

MEMBERS = ("mongo1", "mongo2", "mongo3")


@pytest.fixture
def members(lab):
    return {m: Mongo(lab, m) for m in MEMBERS}


@pytest.fixture
def rs_status(lab, members):
    """replSetGetStatus from the first member that answers; after a restart, waits (up to 60 s, reading
    only) for the set to settle: a primary and every member healthy, as an operator would before looking."""
    def settle():
        last, deadline = None, time.monotonic() + 60
        while True:
            for m in members.values():
                try:
                    with m.client() as c:
                        last = c.admin.command("replSetGetStatus")
                    break
                except PyMongoError as e:
                    last = {"ok": 0, "error": str(e)}
            settled = last.get("ok") and all(x.get("health") == 1 for x in last.get("members", [])) and any(
                x.get("stateStr") == "PRIMARY" for x in last.get("members", []))
            if settled or time.monotonic() > deadline or "NotYetInitialized" in str(last.get("error", "")):
                return last
            time.sleep(1)
    return lab.cached("rs-status", settle)
