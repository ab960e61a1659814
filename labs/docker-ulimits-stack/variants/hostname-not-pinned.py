"""Near-miss: everything but the hostname - the node is rabbit@<container ID>, a new one on every recreate."""

from pytest_altlab.helpers.container import apply_limits_override

OVERRIDE = """\
services:
  rabbitmq:
    ulimits:
      nofile: {nofile}
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
