"""Near-miss: limits, hostname and named volume, but no health check and no restart policy."""

from pytest_altlab.helpers.container import apply_limits_override

OVERRIDE = """\
services:
  rabbitmq:
    hostname: rabbitmq
    ulimits:
      nofile: {nofile}
      memlock: {memlock}
    volumes:
      - rabbitmq-data:/var/lib/rabbitmq

volumes:
  rabbitmq-data: {{}}
"""


def apply(lab):
    apply_limits_override(lab, OVERRIDE)
