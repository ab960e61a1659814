#!/bin/bash
# Near-miss: the group was created with the admin DN as its required first member (groupOfNames
# needs one), and that placeholder was never removed.
set -euo pipefail
ldapmodify -x -H ldapi:/// -D "cn=admin,$BASE_DN" -w "$ADMIN_PASSWORD" <<LDIF
dn: cn=altcraft-admins,ou=groups,$BASE_DN
changetype: modify
add: member
member: cn=admin,$BASE_DN
LDIF
