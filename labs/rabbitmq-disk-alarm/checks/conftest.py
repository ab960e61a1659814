import pytest

from pytest_altlab.helpers.rabbitmq import RabbitMQ


@pytest.fixture
def rmq(lab):
    return RabbitMQ(lab)
