#!/bin/sh
# Reference solution, inside the nginx container.
set -eu
cat > /etc/nginx/conf.d/altcraft.conf <<CONF
# The Altcraft control panel. Its backend is the service echo on port 8080.
server {
    listen 80;
    server_name $SERVER_NAME;
    return 301 https://\$host\$request_uri;
}

server {
    listen 443 ssl;
    server_name $SERVER_NAME;

    ssl_certificate     $SSL_DIR/$SERVER_NAME.crt;
    ssl_certificate_key $SSL_DIR/$SERVER_NAME.key;
    ssl_protocols       TLSv1.2 TLSv1.3;

    client_max_body_size $BODY_LIMIT;

    location / {
        proxy_pass http://$BACKEND;
        proxy_set_header Host              \$host;
        proxy_set_header X-Forwarded-For   \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
    }
}
CONF
chown root:root "$SSL_DIR/$SERVER_NAME.key"
chmod 0600 "$SSL_DIR/$SERVER_NAME.key"
nginx -t
nginx -s reload
sleep 1
