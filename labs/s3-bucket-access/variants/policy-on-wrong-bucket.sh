#!/bin/sh
# Near-miss: the users' policy lands on the other bucket; the files bucket ends up with no policy at all.
set -eu
s3cmd -q delpolicy "s3://$BUCKET"
R="\"arn:aws:s3:::$OTHER_BUCKET\", \"arn:aws:s3:::$OTHER_BUCKET/*\""
cat > /tmp/p.json <<JSON
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/platform"]}, "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"], "Resource": [$R]},
  {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/exports"]}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [$R]}]}
JSON
s3cmd -q setpolicy /tmp/p.json "s3://$OTHER_BUCKET" && rm -f /tmp/p.json
