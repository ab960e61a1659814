#!/bin/sh
# Break step, inside the nginx container: the previous admin's configuration, with the two names swapped
# and only one tracking backend.
set -eu
cat > /etc/nginx/conf.d/altcraft.conf <<CONF
# Altcraft sites. Backends: the control panel is panel:8080; click tracking runs on track1:8080 and track2:8080.
server {
    listen 80;
    server_name $PANEL_NAME;

    location / {
        proxy_pass http://track1:8080;
    }
}

server {
    listen 80;
    server_name $CLICK_NAME;

    location / {
        proxy_pass http://$PANEL_BACKEND;
    }
}
CONF
nginx -t 2>/dev/null
nginx -s reload
sleep 1
