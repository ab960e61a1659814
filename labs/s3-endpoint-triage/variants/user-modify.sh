#!/bin/sh
# Alternative, gateway side: `user modify --suspended=0` instead of `user enable`.
set -eu
radosgw-admin user modify --uid="$UPLOADER_USER" --suspended=0 >/dev/null
