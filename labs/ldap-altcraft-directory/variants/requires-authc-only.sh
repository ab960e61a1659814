#!/bin/bash
# Near-miss: only `olcRequires: authc`; an explicit anonymous bind is still accepted.
set -euo pipefail
ldapmodify -Q -Y EXTERNAL -H ldapi:/// <<LDIF
dn: cn=config
changetype: modify
delete: olcDisallows
LDIF
