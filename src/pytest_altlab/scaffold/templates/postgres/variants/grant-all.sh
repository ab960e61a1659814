#!/bin/sh
# Near-miss: after the solution, the role gets ALL privileges on the table, so it may write too.
set -eu
psql -X -q -U postgres -d "$DB_NAME" -v ON_ERROR_STOP=1 -v role="$REPORT_ROLE" <<'SQL'
GRANT ALL ON orders TO :"role";
SQL
