#!/bin/sh
# Alternative: the same answers written as shell exports, quoted, with a trailing slash on the endpoint.
set -eu
printf '# for the platform\nexport S3_ENDPOINT="%s/"\nexport S3_REGION='"'"'us-east-1'"'"'\n' "$ENDPOINT" > "$ANSWER_FILE"
