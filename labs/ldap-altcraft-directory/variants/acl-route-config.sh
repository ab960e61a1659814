#!/bin/bash
# Alternative route, configuration part: anonymous binds disallowed, and the ACLs rewritten so that
# anonymous gets nothing but `auth` (no olcRequires): an unbound client sees no entry at all.
set -euo pipefail
db="$(ldapsearch -Q -LLL -o ldif-wrap=no -Y EXTERNAL -H ldapi:/// -b cn=config "(olcSuffix=$BASE_DN)" dn | sed -n 's/^dn: //p')"
ldapmodify -Q -Y EXTERNAL -H ldapi:/// <<LDIF
dn: cn=config
changetype: modify
replace: olcDisallows
olcDisallows: bind_anon

dn: $db
changetype: modify
replace: olcAccess
olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none
olcAccess: {1}to * by users read by * none
LDIF
