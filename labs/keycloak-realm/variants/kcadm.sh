#!/bin/bash
# Alternative route: the admin CLI inside the Keycloak container.
set -euo pipefail
kc=/opt/keycloak/bin/kcadm.sh
export HOME=/tmp   # kcadm keeps its session in ~/.keycloak
$kc config credentials --server http://localhost:8080 --realm master --user "$KC_ADMIN" --password "$KC_ADMIN_PASSWORD"
$kc create realms -s realm="$REALM" -s enabled=true
$kc create clients -r "$REALM" -s clientId="$CLIENT_ID" -s protocol=openid-connect -s publicClient=false \
  -s standardFlowEnabled=true -s implicitFlowEnabled=false -s directAccessGrantsEnabled=false \
  -s serviceAccountsEnabled=false -s "redirectUris=[\"$PANEL_URL/*\"]" -s "webOrigins=[\"$PANEL_URL\"]"
realm_id=$($kc get "realms/$REALM" --fields id --format csv --noquotes)
ldap_id=$($kc create components -r "$REALM" -i -s name=directory -s providerId=ldap \
  -s providerType=org.keycloak.storage.UserStorageProvider -s parentId="$realm_id" \
  -s 'config.enabled=["true"]' -s 'config.vendor=["other"]' -s 'config.connectionUrl=["ldap://ldap"]' \
  -s "config.usersDn=[\"ou=people,$BASE_DN\"]" -s "config.bindDn=[\"cn=keycloak,ou=services,$BASE_DN\"]" \
  -s "config.bindCredential=[\"$BIND_PASSWORD\"]" -s 'config.authType=["simple"]' -s 'config.editMode=["READ_ONLY"]' \
  -s 'config.usernameLDAPAttribute=["uid"]' -s 'config.rdnLDAPAttribute=["uid"]' \
  -s 'config.uuidLDAPAttribute=["entryUUID"]' -s 'config.userObjectClasses=["inetOrgPerson"]' \
  -s 'config.searchScope=["1"]' -s 'config.importEnabled=["true"]' -s 'config.pagination=["false"]')
mapper_id=$($kc get components -r "$REALM" -q parent="$ldap_id" -q type=org.keycloak.storage.ldap.mappers.LDAPStorageMapper \
  --fields id,name --format csv --noquotes | awk -F, '$2 == "first name" {print $1}')
[ -n "$mapper_id" ] || { echo "no 'first name' mapper under the LDAP provider" >&2; exit 1; }
$kc update "components/$mapper_id" -r "$REALM" -s 'config."ldap.attribute"=["givenName"]'
