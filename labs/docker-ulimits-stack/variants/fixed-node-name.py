"""Alternative: the node name fixed with RABBITMQ_NODENAME instead of a hostname; the database stays the same."""

from pytest_altlab.helpers.container import limit_targets
from pytest_altlab.lab import LabRunner

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
    t = limit_targets(lab)
    memlock = -1 if t["memlock"] is None else t["memlock"]
    text = OVERRIDE.format(nofile=t["nofile"], memlock=memlock)
    (lab.state.workspace / "compose.override.yaml").write_text(text)
    LabRunner(lab.manifest, lab.instance).apply_workspace()
