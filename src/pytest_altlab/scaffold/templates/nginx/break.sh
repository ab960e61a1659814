#!/bin/sh
# Break step of @@LAB@@ (in the nginx container): the site proxies to the wrong port and, loaded before
# default.conf, is the default server for every name.
set -eu
cat > /etc/nginx/conf.d/app.conf <<CONF
server {
    listen 80;
    server_name $SITE_NAME;

    location / {
        proxy_pass http://${APP_BACKEND%:*}:8081;
    }
}
CONF
nginx -t
nginx -s reload
sleep 1
