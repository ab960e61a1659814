#!/bin/sh
# Alternative, part 1 (in the container): the users, the public policy deleted, the answer file.
set -eu
for u in "platform $PLATFORM_ACCESS_KEY $PLATFORM_SECRET_KEY" "exports $EXPORT_ACCESS_KEY $EXPORT_SECRET_KEY"; do
  set -- $u
  radosgw-admin user create --uid="$1" --display-name="$1" --max-buckets=-1 --access-key="$2" --secret-key="$3" >/dev/null
done
s3cmd -q delpolicy "s3://$BUCKET"
printf 'S3_ENDPOINT=%s\nS3_REGION=us-east-1\n' "$ENDPOINT" > "$ANSWER_FILE"
