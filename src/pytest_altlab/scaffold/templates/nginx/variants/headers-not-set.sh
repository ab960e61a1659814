#!/bin/sh
# Near-miss: after the solution, the proxy_set_header lines are gone (the app sees Host: app:8080).
set -eu
sed -i '/proxy_set_header/d' /etc/nginx/conf.d/app.conf
nginx -t
nginx -s reload
sleep 1
