#!/usr/bin/env bash
# First start (empty /etc/ldap/slapd.d): build the cn=config configuration from Debian's own template
# /usr/share/slapd/slapd.init.ldif, as the slapd package's postinst does, and add the base entry.
# Environment (names as in the bitnami openldap image, so one compose file serves both flavours):
#   LDAP_ROOT            the suffix / base DN, e.g. dc=altcraft,dc=local (required)
#   LDAP_ADMIN_USERNAME  rootdn is cn=<this>,$LDAP_ROOT (default: admin)
#   LDAP_ADMIN_PASSWORD  the rootdn's password (required on first start; stored as {SSHA})
#   LDAP_ORGANISATION    o: of the base entry (default: the first dc)
#   LDAP_PORT_NUMBER     LDAP port (default 389)
#   LDAP_LOGLEVEL        slapd -d level for the container log (default 0: errors only)
# Then slapd runs in the foreground as user openldap on ldap://:$LDAP_PORT_NUMBER/ and ldapi:///.
set -Eeo pipefail

CONF=/etc/ldap/slapd.d
DATA=/var/lib/ldap

if [ "${1:0:1}" = '-' ]; then
	set -- slapd "$@"
fi
if [ "$1" != slapd ]; then
	exec "$@"
fi

if [ -z "$(ls -A "$CONF" 2>/dev/null)" ]; then
	: "${LDAP_ROOT:?error: LDAP_ROOT (the base DN, e.g. dc=example,dc=org) is not set}"
	: "${LDAP_ADMIN_PASSWORD:?error: LDAP_ADMIN_PASSWORD is not set and there is no configuration yet}"
	admin="cn=${LDAP_ADMIN_USERNAME:-admin},${LDAP_ROOT}"
	dc="$(sed -E 's/^[dD][cC]=([^,]+).*/\1/' <<<"$LDAP_ROOT")"
	# The password goes through a file descriptor, never the command line.
	hash="$(slappasswd -n -T <(printf '%s' "$LDAP_ADMIN_PASSWORD"))"
	echo "first start: creating cn=config for $LDAP_ROOT (rootdn $admin)"
	sed -e "s|cn=admin,@SUFFIX@|${admin}|g" -e "s|@SUFFIX@|${LDAP_ROOT}|g" -e "s|@PASSWORD@|${hash}|g" \
		/usr/share/slapd/slapd.init.ldif | slapadd -q -F "$CONF" -b cn=config
	printf 'dn: %s\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: %s\ndc: %s\n' \
		"$LDAP_ROOT" "${LDAP_ORGANISATION:-$dc}" "$dc" | slapadd -q -F "$CONF" -b "$LDAP_ROOT"
	echo "first start: done"
fi
mkdir -p /run/slapd
chown -R openldap:openldap "$CONF" "$DATA" /run/slapd

# -d keeps slapd in the foreground and logs to stderr (the container log).
exec slapd -h "ldap://:${LDAP_PORT_NUMBER:-389}/ ldapi:///" -u openldap -g openldap -F "$CONF" \
	-d "${LDAP_LOGLEVEL:-0}"
