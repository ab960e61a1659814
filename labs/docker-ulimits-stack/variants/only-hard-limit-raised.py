"""Near-miss: nofile raised as the hard limit only - the Erlang VM runs with the soft limit, 1024."""

from pytest_altlab.helpers.container import apply_limits_override

OVERRIDE = """\
services:
  rabbitmq:
    hostname: rabbitmq
    ulimits:
      nofile:
        soft: 1024
        hard: {nofile}
      memlock: {memlock}
    volumes:
      - rabbitmq-data:/var/lib/rabbitmq
    healthcheck:
      test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
      interval: 5s
      timeout: 10s
      retries: 30
    restart: unless-stopped

volumes:
  rabbitmq-data: {{}}
"""


def apply(lab):
    apply_limits_override(lab, OVERRIDE)
