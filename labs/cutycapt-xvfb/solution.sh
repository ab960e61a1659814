#!/bin/sh
# Reference solution, as root in the preview container: packages from the local repository, and a
# wrapper around xvfb-run.
set -eu
apt-get install -y -qq cutycapt xvfb xauth >/dev/null
cat > "$WRAPPER" <<'SH'
#!/bin/sh
# html-preview INPUT.html OUTPUT.png
# Renders an e-mail's HTML to a PNG preview for the campaign editor (run as mailpreview).
#  -a            each run gets a free X display, so several previews can run at once
#  --delay=1000  cutycapt (QtWebEngine) captures right after loading, before the first paint,
#                which gives a white image; wait a second for the page to paint
set -eu
if [ $# -ne 2 ]; then
	echo "usage: html-preview INPUT.html OUTPUT.png" >&2
	exit 2
fi
in=$(realpath -- "$1")
exec xvfb-run -a -s "-screen 0 1280x1024x24" \
	cutycapt --url="file://$in" --out="$2" --min-width=1024 --delay=1000 --max-wait=60000
SH
chmod 0755 "$WRAPPER"
