set -eu
# Alternative route: one file per site, least_conn over a shared zone, tuned passive health checks;
# loaded by a restart (next step) instead of a reload.
rm -f /etc/nginx/conf.d/altcraft.conf
cat > /etc/nginx/conf.d/panel.conf <<CONF
server {
    listen 80;
    server_name $PANEL_NAME;
    location / {
        proxy_pass http://$PANEL_BACKEND;
    }
}
CONF
cat > /etc/nginx/conf.d/click.conf <<CONF
upstream click_tracking {
    zone click_tracking 64k;
    least_conn;
    server track1:8080 max_fails=2 fail_timeout=15s;
    server track2:8080 max_fails=2 fail_timeout=15s;
    keepalive 8;
}

server {
    listen 80;
    server_name $CLICK_NAME;
    location / {
        proxy_pass http://click_tracking;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout http_502 http_503;
        proxy_next_upstream_tries 2;
    }
}
CONF
nginx -t
