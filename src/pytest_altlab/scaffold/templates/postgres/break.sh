#!/bin/sh
# Break step of @@LAB@@ (in the server container): the orders database, and md5 as the password hashing.
set -eu
CONF="$PGDATA/postgresql.conf"
sed -i -E "s/^#?password_encryption[[:space:]]*=.*/password_encryption = md5\t\t# scram-sha-256 or md5/" "$CONF"
grep -q "^password_encryption = md5" "$CONF"
psql -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -v db="$DB_NAME" <<'SQL'
SELECT pg_reload_conf();
CREATE DATABASE :"db";
SQL
psql -X -q -U postgres -d "$DB_NAME" -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE orders (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10, 2) NOT NULL);
INSERT INTO orders (customer, total) VALUES ('acme', 120.00), ('globex', 75.50), ('initech', 9.99);
SQL
