set -eu
# Alternative route: TLS policy at http level in its own file, the site in another, an upstream block,
# a full chain (site + CA), the key moved to a root-only directory; applied by a restart (next step).
install -d -m 0700 -o root -g root /etc/nginx/private
mv "$SSL_DIR/$SERVER_NAME.key" /etc/nginx/private/altcraft.key
chmod 0400 /etc/nginx/private/altcraft.key
cat "$SSL_DIR/$SERVER_NAME.crt" "$SSL_DIR/ca.crt" > "$SSL_DIR/altcraft-fullchain.pem"

cat > /etc/nginx/conf.d/00-tls.conf <<'CONF'
ssl_protocols TLSv1.3 TLSv1.2;
ssl_prefer_server_ciphers on;
ssl_session_cache shared:SSL:10m;
client_max_body_size 100m;
CONF

cat > /etc/nginx/conf.d/altcraft.conf <<CONF
upstream altcraft_panel {
    server $BACKEND;
}

server {
    listen 80;
    server_name $SERVER_NAME;
    rewrite ^ https://\$server_name\$request_uri? permanent;
}
CONF

cat > /etc/nginx/conf.d/altcraft-tls.conf <<CONF
server {
    listen 443 ssl;
    http2 on;
    server_name $SERVER_NAME;
    ssl_certificate     $SSL_DIR/altcraft-fullchain.pem;
    ssl_certificate_key /etc/nginx/private/altcraft.key;

    location / {
        proxy_pass http://altcraft_panel;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_set_header X-Real-IP \$remote_addr;
        proxy_set_header X-Forwarded-For \$remote_addr;
        proxy_set_header X-Forwarded-Proto https;
    }
}
CONF
nginx -t
