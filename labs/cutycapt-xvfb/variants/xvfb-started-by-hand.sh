#!/bin/sh
# Near-miss: one Xvfb on :99 started by hand in the background; the wrapper points cutycapt at it.
# It works until the container restarts.
set -eu
setsid nohup Xvfb :99 -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 </dev/null &
i=0
until [ -e /tmp/.X11-unix/X99 ] || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
cat > "$WRAPPER" <<'SH'
#!/bin/sh
# html-preview INPUT.html OUTPUT.png (renders on the Xvfb started on :99)
set -eu
in=$(realpath -- "$1")
DISPLAY=:99 exec cutycapt --url="file://$in" --out="$2" --min-width=1024 --delay=1000
SH
chmod 0755 "$WRAPPER"
