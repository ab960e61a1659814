#!/bin/sh
# Alternative route: an upstream block, $http_host, and a catch-all server of its own that closes the connection.
set -eu
cat > /etc/nginx/conf.d/app.conf <<CONF
upstream shop_app {
    server $APP_BACKEND;
}

server {
    listen 80;
    server_name $SITE_NAME;

    location / {
        proxy_pass http://shop_app;
        proxy_set_header Host \$http_host;
        proxy_set_header X-Real-IP \$remote_addr;
    }
}
CONF
cat > /etc/nginx/conf.d/00-catch-all.conf <<'CONF'
server {
    listen 80 default_server;
    server_name _;
    return 444;
}
CONF
nginx -t
