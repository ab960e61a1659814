#!/bin/sh
# Alternative route: fix password_encryption for the whole server, then read access via pg_read_all_data.
set -eu
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -v role="$REPORT_ROLE" -v pw="$REPORT_PASSWORD" <<'SQL'
ALTER SYSTEM SET password_encryption = 'scram-sha-256';
SELECT pg_reload_conf();
SQL
# A new session: it reads the reloaded setting.
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -v role="$REPORT_ROLE" -v pw="$REPORT_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
GRANT pg_read_all_data TO :"role";
SQL
