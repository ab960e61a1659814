#!/bin/sh
# Alternative route: packages with their recommended ones (xauth comes with xvfb then) plus Noto
# fonts, and a bash wrapper that runs its own Xvfb on a display the server picks itself (-displayfd),
# then stops it. A wider page (1280 px) and a longer wait.
set -eu
apt-get install -y -qq --install-recommends cutycapt xvfb fonts-noto-core >/dev/null
cat > "$WRAPPER" <<'SH'
#!/bin/bash
# html-preview INPUT.html OUTPUT.png: e-mail preview on a private Xvfb.
set -euo pipefail
(( $# == 2 )) || { echo "usage: ${0##*/} INPUT.html OUTPUT.png" >&2; exit 2; }
input=$(realpath -- "$1")
output=$2
fifo=$(mktemp -u "${TMPDIR:-/tmp}/html-preview.XXXXXX")
mkfifo -m 600 "$fifo"
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$fifo" >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null; rm -f "$fifo"' EXIT
read -r -t 20 display <"$fifo"
DISPLAY=":$display" cutycapt --url="file://$input" --out="$output" --min-width=1280 --delay=1500
SH
chmod 0755 "$WRAPPER"
