#!/bin/sh
# Near-miss: one statement for both users, so the export key may also put and delete.
set -eu
R="\"arn:aws:s3:::$BUCKET\", \"arn:aws:s3:::$BUCKET/*\""
cat > /tmp/p.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/platform", "arn:aws:iam:::user/exports"]},
   "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"], "Resource": [$R]}]}
JSON
s3cmd -q setpolicy /tmp/p.json "s3://$BUCKET" && rm -f /tmp/p.json
