set -eu
printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
