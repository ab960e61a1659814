#!/bin/sh
# Break step: a colleague's first attempt at the wrapper. cutycapt is not installed, and even once it
# is, this has no X display and captures the page before it is painted.
set -eu
id "$PREVIEW_USER" >/dev/null
cat > "$WRAPPER" <<'SH'
#!/bin/sh
# html-preview INPUT.html OUTPUT.png
# Renders an e-mail's HTML to a PNG preview for the campaign editor. The platform calls it as the
# service account mailpreview.
# TODO: cutycapt is not on this host yet.
exec cutycapt --url="file://$1" --out="$2"
SH
chmod 0755 "$WRAPPER"
