#!/bin/bash
# Break step (in the directory): people in ou=people, Keycloak's bind account in ou=services. Keycloak
# itself stays fresh (master realm only). Runs as the container's default user on both flavours.
set -euo pipefail
admin="cn=admin,$BASE_DN"
dc=$(echo "$BASE_DN" | sed 's/^dc=\([^,]*\).*/\1/')
# bitnami's first start runs a temporary slapd before the final one: retry across the gap.
retry() { local i; for i in $(seq 30); do "$@" && return 0; sleep 1; done; "$@"; }
add() { ldapadd -x -H ldap://127.0.0.1:389 -D "$admin" -w "$LDAP_ADMIN_PASSWORD" >/dev/null; }
has_base() { ldapsearch -x -H ldap://127.0.0.1:389 -D "$admin" -w "$LDAP_ADMIN_PASSWORD" -b "$BASE_DN" -s base dn >/dev/null 2>&1; }
retry ldapsearch -x -H ldap://127.0.0.1:389 -D "$admin" -w "$LDAP_ADMIN_PASSWORD" -b "" -s base >/dev/null
has_base || add <<LDIF
dn: $BASE_DN
objectClass: dcObject
objectClass: organization
o: $dc
dc: $dc
LDIF
add <<LDIF
dn: ou=people,$BASE_DN
objectClass: organizationalUnit
ou: people

dn: ou=services,$BASE_DN
objectClass: organizationalUnit
ou: services

dn: uid=jdoe,ou=people,$BASE_DN
objectClass: inetOrgPerson
uid: jdoe
cn: John Doe
givenName: John
sn: Doe
mail: john.doe@altcraft.local
userPassword: $JDOE_PASSWORD

dn: uid=asmith,ou=people,$BASE_DN
objectClass: inetOrgPerson
uid: asmith
cn: Anna Smith
givenName: Anna
sn: Smith
mail: anna.smith@altcraft.local
userPassword: $ASMITH_PASSWORD

dn: cn=keycloak,ou=services,$BASE_DN
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: keycloak
description: Keycloak's read-only bind account
userPassword: $BIND_PASSWORD
LDIF
