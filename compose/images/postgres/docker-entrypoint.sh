#!/usr/bin/env bash
# First start: initdb in $PGDATA with superuser $POSTGRES_USER / $POSTGRES_PASSWORD, then the server.
# Behaves like the upstream postgres image's entrypoint for what the labs rely on: the same
# environment variables, a `host all all all <password_encryption>` line appended to pg_hba.conf,
# trust for local socket and loopback connections (initdb's default), /docker-entrypoint-initdb.d.
set -Eeo pipefail

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

if [ "$1" != postgres ]; then
	exec "$@"
fi

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA" || :
	chmod 3775 /var/run/postgresql || :
	find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

sql() {  # run SQL on the socket-only bootstrap server
	PGHOST= PGHOSTADDR= psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" "$@"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	: "${POSTGRES_USER:=postgres}"
	: "${POSTGRES_DB:=$POSTGRES_USER}"
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		echo >&2 'error: the data directory is empty and POSTGRES_PASSWORD is not set (or set POSTGRES_HOST_AUTH_METHOD=trust)'
		exit 1
	fi
	# shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of words, as upstream treats it
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") ${POSTGRES_INITDB_ARGS:-}
	shift
	auth="${POSTGRES_HOST_AUTH_METHOD:-$(postgres -C password_encryption "$@")}"
	printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"

	pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@" -c listen_addresses= -p "${PGPORT:-5432}")" -w start
	if [ "$POSTGRES_DB" != postgres ]; then
		sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
	fi
	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
			*.sh) echo "$0: running $f"; . "$f" ;;
			*.sql) echo "$0: running $f"; sql --dbname "$POSTGRES_DB" -f "$f" ;;
			*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | sql --dbname "$POSTGRES_DB" ;;
			*) if [ -e "$f" ]; then echo "$0: ignoring $f"; fi ;;
		esac
	done
	pg_ctl -D "$PGDATA" -m fast -w stop
	set -- postgres "$@"
	echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
