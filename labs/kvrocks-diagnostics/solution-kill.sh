set -eu
# Reference solution, part 2: kill the stale clients one by one, by id, from CLIENT LIST.
cli() { redis-cli -p 6666 "$@"; }
ids=$(cli CLIENT LIST | tr -d '\r' | grep " name=$STALE_NAME " | sed -E 's/^id=([0-9]+) .*/\1/')
[ -n "$ids" ] || { echo "no client named $STALE_NAME" >&2; exit 1; }
for id in $ids; do
  [ "$(cli CLIENT KILL ID "$id")" = 1 ] || { echo "could not kill client $id" >&2; exit 1; }
done
