set -eu
psql -X -q -U postgres -v ON_ERROR_STOP=1 -v db="$DB_NAME" <<'SQL'
GRANT CONNECT ON DATABASE :"db" TO PUBLIC;
SQL
