#!/bin/bash
# Reference solution, inside the slapd container: entries with ldapadd as the rootdn (passwords
# hashed with slappasswd), configuration with ldapmodify through ldapi:/// as the local root.
set -euo pipefail
admin="cn=admin,$BASE_DN"
hash() { slappasswd -n -T <(printf '%s' "$1"); }

ldapadd -x -H ldapi:/// -D "$admin" -w "$ADMIN_PASSWORD" <<LDIF
dn: ou=people,$BASE_DN
objectClass: organizationalUnit
ou: people

dn: ou=groups,$BASE_DN
objectClass: organizationalUnit
ou: groups

dn: uid=$ADMIN1,ou=people,$BASE_DN
objectClass: inetOrgPerson
uid: $ADMIN1
cn: Anna Petrova
sn: Petrova
userPassword: $(hash "$ADMIN1_PASSWORD")

dn: uid=$ADMIN2,ou=people,$BASE_DN
objectClass: inetOrgPerson
uid: $ADMIN2
cn: Boris Smirnov
sn: Smirnov
userPassword: $(hash "$ADMIN2_PASSWORD")

dn: uid=$USER3,ou=people,$BASE_DN
objectClass: inetOrgPerson
uid: $USER3
cn: Kira Ivanova
sn: Ivanova
userPassword: $(hash "$USER3_PASSWORD")

dn: cn=altcraft-admins,ou=groups,$BASE_DN
objectClass: groupOfNames
cn: altcraft-admins
member: uid=$ADMIN1,ou=people,$BASE_DN
member: uid=$ADMIN2,ou=people,$BASE_DN

dn: cn=$SVC_CN,$BASE_DN
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: $SVC_CN
description: read-only bind account of the Altcraft platform
userPassword: $(hash "$SVC_PASSWORD")
LDIF

db="$(ldapsearch -Q -LLL -o ldif-wrap=no -Y EXTERNAL -H ldapi:/// -b cn=config "(olcSuffix=$BASE_DN)" dn | sed -n 's/^dn: //p')"
ldapmodify -Q -Y EXTERNAL -H ldapi:/// <<LDIF
dn: cn=config
changetype: modify
add: olcDisallows
olcDisallows: bind_anon
-
add: olcRequires
olcRequires: authc

dn: $db
changetype: modify
delete: olcAccess
olcAccess: {2}
-
add: olcAccess
olcAccess: {2}to * by * read
LDIF
