#!/bin/sh
# Reference solution: two users that cannot create buckets, one bucket policy that names them (and replaces
# the public one), the answer file. Runs in the gateway container.
set -eu
policy() {  # $1 = file; the statements for platform (read-write) and exports (read-only) on $BUCKET
  cat > "$1" <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Sid": "platform-rw", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/platform"]},
   "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
   "Resource": ["arn:aws:s3:::$BUCKET", "arn:aws:s3:::$BUCKET/*"]},
  {"Sid": "exports-ro", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/exports"]},
   "Action": ["s3:GetObject", "s3:ListBucket"],
   "Resource": ["arn:aws:s3:::$BUCKET", "arn:aws:s3:::$BUCKET/*"]}]}
JSON
}
if [ "$ALTLAB_FLAVOUR" = upstream ]; then   # MinIO: user policies; unverified here
  mc alias set local http://127.0.0.1:9000 "$ROOT_ACCESS_KEY" "$ROOT_SECRET_KEY" >/dev/null
  mc anonymous set none "local/$BUCKET"
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:ListBucket"],"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}]}' "$BUCKET" "$BUCKET" > /tmp/rw.json
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}]}' "$BUCKET" "$BUCKET" > /tmp/ro.json
  mc admin policy create local files-rw /tmp/rw.json && mc admin policy create local files-ro /tmp/ro.json
  mc admin user add local "$PLATFORM_ACCESS_KEY" "$PLATFORM_SECRET_KEY"
  mc admin user add local "$EXPORT_ACCESS_KEY" "$EXPORT_SECRET_KEY"
  mc admin policy attach local files-rw --user "$PLATFORM_ACCESS_KEY"
  mc admin policy attach local files-ro --user "$EXPORT_ACCESS_KEY"
else
  radosgw-admin user create --uid=platform --display-name="platform files" --max-buckets=-1 \
    --access-key="$PLATFORM_ACCESS_KEY" --secret-key="$PLATFORM_SECRET_KEY" >/dev/null
  radosgw-admin user create --uid=exports --display-name="exports (read-only)" --max-buckets=-1 \
    --access-key="$EXPORT_ACCESS_KEY" --secret-key="$EXPORT_SECRET_KEY" >/dev/null
  policy /tmp/files-policy.json
  s3cmd -q setpolicy /tmp/files-policy.json "s3://$BUCKET" && rm -f /tmp/files-policy.json
fi
printf 'S3_ENDPOINT=%s\nS3_REGION=us-east-1\n' "$ENDPOINT" > "$ANSWER_FILE"
