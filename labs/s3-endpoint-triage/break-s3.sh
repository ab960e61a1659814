#!/bin/sh
# The bucket (root's), the uploader user with its current key and a policy on the bucket; the old key removed
# (rotated); then the user suspended during an incident and never re-enabled.
set -eu
if [ "$ALTLAB_FLAVOUR" = upstream ]; then   # MinIO: unverified here
  mc alias set local http://127.0.0.1:9000 "$ROOT_ACCESS_KEY" "$ROOT_SECRET_KEY" >/dev/null
  mc mb -q "local/$BUCKET"
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:ListBucket"],"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}]}' "$BUCKET" "$BUCKET" > /tmp/rw.json
  mc admin policy create local attachments-rw /tmp/rw.json
  mc admin user add local "$ACCESS_KEY" "$SECRET_KEY"
  mc admin policy attach local attachments-rw --user "$ACCESS_KEY"
  mc admin user disable local "$ACCESS_KEY"
  exit 0
fi
radosgw-admin user create --uid="$UPLOADER_USER" --display-name="attachment uploader" --max-buckets=-1 \
  --access-key="$OLD_ACCESS_KEY" --secret-key="$OLD_SECRET_KEY" >/dev/null
radosgw-admin key create --uid="$UPLOADER_USER" --key-type=s3 --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
radosgw-admin key rm --uid="$UPLOADER_USER" --key-type=s3 --access-key="$OLD_ACCESS_KEY" >/dev/null
s3cmd -q mb "s3://$BUCKET"
cat > /tmp/p.json <<JSON
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/$UPLOADER_USER"]},
  "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
  "Resource": ["arn:aws:s3:::$BUCKET", "arn:aws:s3:::$BUCKET/*"]}]}
JSON
s3cmd -q setpolicy /tmp/p.json "s3://$BUCKET" && rm -f /tmp/p.json
radosgw-admin user suspend --uid="$UPLOADER_USER" >/dev/null
