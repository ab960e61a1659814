set -eu
# Retries "to be safe with non-idempotent requests" - which also turns failover off.
sed -i 's|proxy_pass http://tracking;|proxy_pass http://tracking;\n        proxy_next_upstream off;|' /etc/nginx/conf.d/altcraft.conf
grep -q 'proxy_next_upstream off;' /etc/nginx/conf.d/altcraft.conf
nginx -t && nginx -s reload && sleep 1
