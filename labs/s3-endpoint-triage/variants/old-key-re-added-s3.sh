#!/bin/sh
# Near-miss: the rotated key is put back on the user so the old settings keep working.
set -eu
radosgw-admin key create --uid="$UPLOADER_USER" --key-type=s3 --access-key="$OLD_ACCESS_KEY" --secret-key="$OLD_SECRET_KEY" >/dev/null
