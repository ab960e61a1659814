#!/bin/sh
# Reference solution of @@LAB@@ (in the nginx container): used by `altlab verify`, never shown in an exam.
set -eu
cat > /etc/nginx/conf.d/app.conf <<CONF
server {
    listen 80;
    server_name $SITE_NAME;

    location / {
        proxy_pass http://$APP_BACKEND;
        proxy_set_header Host \$host;
        proxy_set_header X-Real-IP \$remote_addr;
    }
}
CONF
sed -i -E 's/^([[:space:]]*listen[[:space:]]+80);/\1 default_server;/' /etc/nginx/conf.d/default.conf
grep -q 'listen *80 default_server;' /etc/nginx/conf.d/default.conf
nginx -t
nginx -s reload
sleep 1   # `nginx -s reload` only signals the master: let the new workers take over
