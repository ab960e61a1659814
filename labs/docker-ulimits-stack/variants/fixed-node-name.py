"""Alternative: the node name fixed with RABBITMQ_NODENAME instead of a hostname; the database stays the same."""

from pytest_altlab.helpers.container import apply_limits_override

OVERRIDE = """\
services:
  rabbitmq:
    environment:
      RABBITMQ_NODENAME: rabbit@localhost
    ulimits:
      nofile: {nofile}
      memlock: {memlock}
    volumes:
      - mq:/var/lib/rabbitmq
    healthcheck:
      test: rabbitmq-diagnostics -q check_port_connectivity
      interval: 5s
      timeout: 15s
      retries: 30
    restart: unless-stopped

volumes:
  mq: {{}}
"""


def apply(lab):
    apply_limits_override(lab, OVERRIDE)
