set -eu
# Only the click site was fixed: the panel's name still proxies to a tracking backend.
cat > /etc/nginx/conf.d/altcraft.conf <<CONF
upstream tracking {
    server track1:8080;
    server track2:8080;
}

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
        proxy_pass http://tracking;
    }
}
CONF
nginx -t && nginx -s reload && sleep 1
