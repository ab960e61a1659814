"""Alternative: long-form ulimits, restart: always, other names, a TCP health check (definitions: the next step)."""

from pytest_altlab.helpers.container import limit_targets
from pytest_altlab.lab import LabRunner

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
    t = limit_targets(lab)
    memlock = -1 if t["memlock"] is None else t["memlock"]
    text = OVERRIDE.format(nofile=t["nofile"], memlock=memlock)
    (lab.state.workspace / "compose.override.yaml").write_text(text)
    LabRunner(lab.manifest, lab.instance).apply_workspace()
