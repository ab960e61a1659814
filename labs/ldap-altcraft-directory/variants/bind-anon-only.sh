#!/bin/bash
# Near-miss: only `olcDisallows: bind_anon`; a client that never binds still reads as anonymous.
set -euo pipefail
ldapmodify -Q -Y EXTERNAL -H ldapi:/// <<LDIF
dn: cn=config
changetype: modify
delete: olcRequires
LDIF
