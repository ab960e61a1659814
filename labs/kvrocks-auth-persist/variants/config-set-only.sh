set -eu
# Near-miss: both settings in the running server only; kvrocks.conf is never written.
SECRET="$SECRET_A$SECRET_B"
redis-cli -p 6666 CONFIG SET maxclients "$MAXCLIENTS" | grep -qx OK
redis-cli -p 6666 CONFIG SET requirepass "$SECRET" | grep -qx OK
