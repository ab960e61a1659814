import json

import pytest

from pytest_altlab.helpers.rabbitmq import RabbitMQ


@pytest.fixture
def rmq(lab):
    return RabbitMQ(lab)


@pytest.fixture
def layout(lab):
    """The queues the break step created (queues.json in the lab folder)."""
    return json.loads((lab.manifest.path / "queues.json").read_text(encoding="utf-8"))


@pytest.fixture
def culprit(layout):
    return layout["culprit"]
