#!/bin/bash
# Near-miss: the migration's rule `to * by users write by * read` is put back (left in place).
set -euo pipefail
db="$(ldapsearch -Q -LLL -o ldif-wrap=no -Y EXTERNAL -H ldapi:/// -b cn=config "(olcSuffix=$BASE_DN)" dn | sed -n 's/^dn: //p')"
ldapmodify -Q -Y EXTERNAL -H ldapi:/// <<LDIF
dn: $db
changetype: modify
delete: olcAccess
olcAccess: {2}
-
add: olcAccess
olcAccess: {2}to * by users write by * read
LDIF
