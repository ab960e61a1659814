"""Reference solution, step 1 (host side): the candidate's override file, applied with `altlab apply`."""

from pytest_altlab.helpers.container import limit_targets
from pytest_altlab.lab import LabRunner

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
    t = limit_targets(lab)
    text = OVERRIDE.format(nofile=t["nofile"], memlock=-1 if t["memlock"] is None else t["memlock"])
    (lab.state.workspace / "compose.override.yaml").write_text(text)
    LabRunner(lab.manifest, lab.instance).apply_workspace()
