#!/bin/sh
# Settings copied from the old gateway's host: its port, virtual-host addressing, a v2-style signature name,
# another region, and the key that has since been rotated.
set -eu
cat > "$CONFIG_FILE" <<INI
; The uploader's S3 settings, read on every request.
[s3]
endpoint = http://s3:7480
bucket = $BUCKET
region = eu-west-1
addressing_style = virtual
signature_version = s3v2
access_key = $OLD_ACCESS_KEY
secret_key = $OLD_SECRET_KEY
INI
# The platform tried to store two attachments since: the log shows why they failed.
for f in invoice-1042.pdf avatar-77.png; do
  curl -s -o /dev/null -X PUT --data-binary "attachment $f" "http://127.0.0.1:8080/files/$f" || true
done
