import re

import diag_dataset
import pytest

from pytest_altlab.helpers.redis import RedisServer


@pytest.fixture
def cache(lab):
    server = RedisServer(lab, "cache", 6666)
    yield server
    server.close()


@pytest.fixture
def dataset(lab):
    """Group (campaign id or 'other') -> the keys the break step wrote."""
    return diag_dataset.all_keys(lab.params.dataset_seed, lab.params.campaign_id)


class Answers:
    """The candidate's answer file: `name: value` or `name = value` lines; '#' starts a comment."""

    def __init__(self, lab):
        self.path = lab.params.answer_file
        self.text = lab.read_file("cache", self.path)
        self.values = {}
        for line in (self.text or "").splitlines():
            line = line.split("#", 1)[0].strip()
            m = re.match(r"^([A-Za-z][A-Za-z0-9_ -]*?)\s*[:=]\s*(.*)$", line)
            if m:
                name = re.sub(r"[\s-]+", "_", m.group(1).strip().lower())
                self.values[name] = m.group(2).strip().strip("\"'")

    def get(self, name):
        __tracebackhide__ = True
        assert self.text is not None, (
            f"the answer file {self.path} does not exist in the server's container "
            "(write it there: `altlab shell kvrocks-diagnostics`)")
        assert name in self.values, (
            f"the answer file {self.path} has no line '{name}: ...'; "
            f"it has: {', '.join(self.values) or 'no name: value lines'}")
        return self.values[name]

    def integer(self, name):
        __tracebackhide__ = True
        raw = self.get(name)
        digits = re.sub(r"[\s,_]", "", raw)
        assert digits.isdigit(), f"{self.path}: '{name}' should be a whole number; found {raw!r}"
        return int(digits)


@pytest.fixture
def answers(lab):
    return Answers(lab)
