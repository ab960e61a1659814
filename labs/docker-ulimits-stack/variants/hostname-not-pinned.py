"""Near-miss: everything but the hostname - the node is rabbit@<container ID>, a new one on every recreate."""

from pytest_altlab.helpers.container import limit_targets
from pytest_altlab.lab import LabRunner

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
    t = limit_targets(lab)
    memlock = -1 if t["memlock"] is None else t["memlock"]
    text = OVERRIDE.format(nofile=t["nofile"], memlock=memlock)
    (lab.state.workspace / "compose.override.yaml").write_text(text)
    LabRunner(lab.manifest, lab.instance).apply_workspace()
