set -eu
# The market rule says `password`: the stored verifier is SCRAM, but the server asks the client for its
# password in clear text over the network, so a client that requires SCRAM is turned away.
sed -i -E "s/^(host[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+)scram-sha-256/\1password/" "$PGDATA/pg_hba.conf"
grep -Eq "^host[[:space:]]+$DB_NAME[[:space:]]+$APP_ROLE[[:space:]]+all[[:space:]]+password" "$PGDATA/pg_hba.conf"
