#!/bin/sh
# Break step, inside the nginx container: issue the site's certificate from a throw-away lab CA
# (the CA key is deleted), leave the private key world-readable, and serve the panel over plain HTTP.
set -eu
umask 022
mkdir -p "$SSL_DIR"
cd "$SSL_DIR"
work=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
  -subj "/O=Altcraft Lab/CN=Altcraft Lab Issuing CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$work/ca.key" -out ca.crt 2>"$work/log"
openssl req -new -newkey rsa:2048 -nodes -subj "/O=Altcraft/CN=$SERVER_NAME" \
  -keyout "$SERVER_NAME.key" -out "$work/site.csr" 2>>"$work/log"
printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" "subjectAltName=DNS:$SERVER_NAME" > "$work/site.ext"
openssl x509 -req -in "$work/site.csr" -CA ca.crt -CAkey "$work/ca.key" -CAserial "$work/ca.srl" -CAcreateserial \
  -days 825 -sha256 -extfile "$work/site.ext" -out "$SERVER_NAME.crt" 2>>"$work/log"
rm -rf "$work"
# The deployment copied the key with the wrong mode: readable by every user of the machine.
chown root:root "$SERVER_NAME.key" "$SERVER_NAME.crt" ca.crt
chmod 0644 "$SERVER_NAME.key" "$SERVER_NAME.crt" ca.crt

cat > /etc/nginx/conf.d/altcraft.conf <<CONF
# The Altcraft control panel. Its backend is the service echo on port 8080.
server {
    listen 80;
    server_name $SERVER_NAME;

    location / {
        proxy_pass http://$BACKEND;
    }
}
CONF
nginx -t 2>/dev/null
nginx -s reload
sleep 1
