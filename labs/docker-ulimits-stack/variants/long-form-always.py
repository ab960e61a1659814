"""Alternative: long-form ulimits, restart: always, other names, a TCP health check (definitions: the next step)."""

from pytest_altlab.helpers.container import apply_limits_override

OVERRIDE = """\
services:
  rabbitmq:
    hostname: mq-main
    restart: always
    ulimits:
      nofile:
        soft: {nofile}
        hard: {nofile}
      memlock:
        soft: {memlock}
        hard: {memlock}
    volumes:
      - type: volume
        source: broker-state
        target: /var/lib/rabbitmq
    healthcheck:
      test: ["CMD", "bash", "-c", "</dev/tcp/127.0.0.1/5672 && </dev/tcp/127.0.0.1/15672"]
      interval: 2s
      timeout: 3s
      retries: 60

volumes:
  broker-state:
"""


def apply(lab):
    apply_limits_override(lab, OVERRIDE)
