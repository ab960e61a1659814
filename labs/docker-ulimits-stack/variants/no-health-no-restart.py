"""Near-miss: limits, hostname and named volume, but no health check and no restart policy."""

from pytest_altlab.helpers.container import limit_targets
from pytest_altlab.lab import LabRunner

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
    t = limit_targets(lab)
    memlock = -1 if t["memlock"] is None else t["memlock"]
    text = OVERRIDE.format(nofile=t["nofile"], memlock=memlock)
    (lab.state.workspace / "compose.override.yaml").write_text(text)
    LabRunner(lab.manifest, lab.instance).apply_workspace()
