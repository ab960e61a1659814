"""Reference solution, step 1 (host side): the candidate's override file, applied with `altlab apply`."""

from pytest_altlab.helpers.container import apply_limits_override

OVERRIDE = """\
services:
  rabbitmq:
    hostname: rabbitmq            # node rabbit@rabbitmq: the same database on every new container
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
