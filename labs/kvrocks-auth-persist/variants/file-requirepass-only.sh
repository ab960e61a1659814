set -eu
# Near-miss: CONFIG GET maxclients already shows the wanted value, so only requirepass goes
# into kvrocks.conf; the file's own maxclients line (10000) is left as it is.
SECRET="$SECRET_A$SECRET_B"
printf 'requirepass %s\n' "$SECRET" >> /var/lib/kvrocks/kvrocks.conf
