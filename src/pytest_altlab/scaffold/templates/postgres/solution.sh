#!/bin/sh
# Reference solution of @@LAB@@ (in the server container): used by `altlab verify`, never shown in an exam.
set -eu
psql -X -q -U postgres -d "$DB_NAME" -v ON_ERROR_STOP=1 -v role="$REPORT_ROLE" -v pw="$REPORT_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
GRANT SELECT ON orders TO :"role";
SQL
