set -eu
# Alternative route: one server block for both names; `map $host` picks the upstream group;
# track2 is a hot standby (backup) rather than a round-robin peer.
cat > /etc/nginx/conf.d/altcraft.conf <<CONF
map \$host \$altcraft_pool {
    $PANEL_NAME panel_pool;
    $CLICK_NAME tracking_pool;
    default     panel_pool;
}

upstream panel_pool {
    server $PANEL_BACKEND;
}

upstream tracking_pool {
    server track1:8080 max_fails=1 fail_timeout=5s;
    server track2:8080 backup;
}

server {
    listen 80;
    server_name $PANEL_NAME $CLICK_NAME;

    location / {
        proxy_pass http://\$altcraft_pool;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
}
CONF
nginx -t && nginx -s reload && sleep 1
