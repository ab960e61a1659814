#!/bin/sh
# Reference solution, inside the nginx container.
set -eu
servers=""
for b in $TRACK_BACKENDS; do servers="$servers    server $b;
"; done
cat > /etc/nginx/conf.d/altcraft.conf <<CONF
# Altcraft sites. Backends: the control panel is panel:8080; click tracking runs on track1:8080 and track2:8080.
upstream tracking {
$servers}

server {
    listen 80;
    server_name $PANEL_NAME;

    location / {
        proxy_pass http://$PANEL_BACKEND;
        proxy_set_header Host \$host;
    }
}

server {
    listen 80;
    server_name $CLICK_NAME;

    location / {
        proxy_pass http://tracking;
        proxy_set_header Host \$host;
    }
}
CONF
nginx -t
nginx -s reload
sleep 1
