"""Near-miss: everything but the named volume - the data stays in the container (or the image's anonymous volume)."""

from pytest_altlab.helpers.container import apply_limits_override

OVERRIDE = """\
services:
  rabbitmq:
    hostname: rabbitmq
    ulimits:
      nofile: {nofile}
      memlock: {memlock}
    healthcheck:
      test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
      interval: 5s
      timeout: 10s
      retries: 30
    restart: unless-stopped
"""


def apply(lab):
    apply_limits_override(lab, OVERRIDE)
