#!/bin/sh
# Two buckets of the root account, one object each; the files bucket readable by anyone (a leftover policy).
set -eu
if [ "$ALTLAB_FLAVOUR" = upstream ]; then   # MinIO: unverified here
  mc alias set local http://127.0.0.1:9000 "$ROOT_ACCESS_KEY" "$ROOT_SECRET_KEY" >/dev/null
  mc mb -q "local/$BUCKET" "local/$OTHER_BUCKET"
  echo "welcome" | mc pipe -q "local/$BUCKET/welcome.txt"
  echo "nightly" | mc pipe -q "local/$OTHER_BUCKET/nightly.tar"
  mc anonymous set download "local/$BUCKET"
  exit 0
fi
s3cmd -q mb "s3://$BUCKET" && s3cmd -q mb "s3://$OTHER_BUCKET"
echo "welcome" > /tmp/welcome.txt && s3cmd -q put /tmp/welcome.txt "s3://$BUCKET/welcome.txt"
echo "nightly" > /tmp/nightly.tar && s3cmd -q put /tmp/nightly.tar "s3://$OTHER_BUCKET/nightly.tar"
rm -f /tmp/welcome.txt /tmp/nightly.tar
cat > /tmp/public.json <<JSON
{"Version": "2012-10-17", "Statement": [{"Sid": "testing-public-read", "Effect": "Allow", "Principal": "*",
  "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::$BUCKET", "arn:aws:s3:::$BUCKET/*"]}]}
JSON
s3cmd -q setpolicy /tmp/public.json "s3://$BUCKET" && rm -f /tmp/public.json
