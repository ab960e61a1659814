set -eu
# Reference solution: set both in the running server, then write the running config into
# kvrocks.conf with CONFIG REWRITE (which needs the new password).
SECRET="$SECRET_A$SECRET_B"
ok() { [ "$1" = OK ] || { echo "$2: $1" >&2; exit 1; }; }
ok "$(redis-cli -p 6666 CONFIG SET maxclients "$MAXCLIENTS")" "CONFIG SET maxclients"
ok "$(redis-cli -p 6666 CONFIG SET requirepass "$SECRET")" "CONFIG SET requirepass"
ok "$(REDISCLI_AUTH="$SECRET" redis-cli -p 6666 CONFIG REWRITE)" "CONFIG REWRITE"
