set -eu
# Both lines edited in kvrocks.conf by hand (here: sed): maxclients replaced in place,
# requirepass added. The server reads the file only when it starts.
SECRET="$SECRET_A$SECRET_B"
f=/var/lib/kvrocks/kvrocks.conf
sed -i -e '/^[[:space:]]*requirepass[[:space:]]/d' \
       -e "s/^[[:space:]]*maxclients[[:space:]].*/maxclients $MAXCLIENTS/" "$f"
printf 'requirepass %s\n' "$SECRET" >> "$f"
grep -qx "maxclients $MAXCLIENTS" "$f"
