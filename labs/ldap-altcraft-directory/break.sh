#!/bin/bash
# Break step: a fresh directory with the base entry only, anonymous binds allowed (both flavours'
# default), and the ACLs of a half-finished migration: Debian's default rules with the last one
# widened to `by users write`, so every logged-in identity can change entries.
# Runs as the container's default user (root on debian, 1001 on bitnami): both have `manage` on
# cn=config through ldapi:/// with SASL EXTERNAL.
set -euo pipefail
admin="cn=admin,$BASE_DN"

# bitnami's first start runs a temporary slapd (on the same port) before the final one: retry each
# step for a while rather than fail on the gap between the two.
retry() {
	local i
	for i in $(seq 30); do
		"$@" && return 0
		sleep 1
	done
	"$@"
}
base_entry_exists() {
	ldapsearch -x -H ldapi:/// -D "$admin" -w "$ADMIN_PASSWORD" -b "$BASE_DN" -s base dn >/dev/null 2>&1
}
add_base_entry() {
	base_entry_exists || ldapadd -x -H ldapi:/// -D "$admin" -w "$ADMIN_PASSWORD" >/dev/null <<LDIF
dn: $BASE_DN
objectClass: top
objectClass: dcObject
objectClass: organization
o: $dc
dc: $dc
LDIF
}
migration_acl() {
	local db
	db="$(ldapsearch -Q -LLL -o ldif-wrap=no -Y EXTERNAL -H ldapi:/// -b cn=config "(olcSuffix=$BASE_DN)" dn |
		sed -n 's/^dn: //p')"
	[ -n "$db" ] || { echo "no database with suffix $BASE_DN in cn=config" >&2; return 1; }
	ldapmodify -Q -Y EXTERNAL -H ldapi:/// >/dev/null <<LDIF
dn: $db
changetype: modify
replace: olcAccess
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to attrs=shadowLastChange by self write by * read
olcAccess: {2}to * by users write by * read
LDIF
}
dc="$(sed -E 's/^dc=([^,]+).*/\1/' <<<"$BASE_DN")"

# The bitnami image with LDAP_SKIP_DEFAULT_TREE=yes creates no entry at all: add the base entry.
retry add_base_entry
retry migration_acl
