#!/bin/sh
# Near-miss: the platform's key pair becomes a second key of the root account (which owns every bucket);
# the export side and the answer file are done right.
set -eu
radosgw-admin key create --uid=root --key-type=s3 \
  --access-key="$PLATFORM_ACCESS_KEY" --secret-key="$PLATFORM_SECRET_KEY" >/dev/null
radosgw-admin user create --uid=exports --display-name=exports --max-buckets=-1 \
  --access-key="$EXPORT_ACCESS_KEY" --secret-key="$EXPORT_SECRET_KEY" >/dev/null
R="\"arn:aws:s3:::$BUCKET\", \"arn:aws:s3:::$BUCKET/*\""
cat > /tmp/p.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/exports"]}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [$R]}]}
JSON
s3cmd -q setpolicy /tmp/p.json "s3://$BUCKET" && rm -f /tmp/p.json
printf 'S3_ENDPOINT=%s\nS3_REGION=us-east-1\n' "$ENDPOINT" > "$ANSWER_FILE"
