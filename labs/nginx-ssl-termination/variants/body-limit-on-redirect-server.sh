set -eu
# The limit goes into the port-80 server, which only redirects; the HTTPS server keeps nginx's 1m default.
sed -i '/client_max_body_size/d' /etc/nginx/conf.d/altcraft.conf
sed -i "0,/return 301/s|    return 301|    client_max_body_size $BODY_LIMIT;\n    return 301|" /etc/nginx/conf.d/altcraft.conf
test "$(grep -c client_max_body_size /etc/nginx/conf.d/altcraft.conf)" = 1
nginx -t && nginx -s reload && sleep 1
