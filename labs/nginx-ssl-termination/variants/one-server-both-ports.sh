set -eu
# Alternative route: one server block for both ports; plain HTTP is redirected with an `if`.
cat > /etc/nginx/conf.d/altcraft.conf <<CONF
server {
    listen 80;
    listen 443 ssl;
    http2 on;
    server_name $SERVER_NAME;

    ssl_certificate     $SSL_DIR/$SERVER_NAME.crt;
    ssl_certificate_key $SSL_DIR/$SERVER_NAME.key;
    ssl_protocols       TLSv1.2 TLSv1.3;
    ssl_ciphers         HIGH:!aNULL:!MD5;
    client_max_body_size 100M;

    if (\$scheme = http) {
        return 301 https://\$host\$request_uri;
    }

    location / {
        proxy_pass http://$BACKEND;
        proxy_set_header Host              \$http_host;
        proxy_set_header X-Forwarded-For   \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_request_buffering off;
    }
}
CONF
chmod 400 "$SSL_DIR/$SERVER_NAME.key"
nginx -t && nginx -s reload && sleep 1
