set -eu
# Only X-Forwarded-For is passed: the backend sees Host echo:8080 and no X-Forwarded-Proto.
sed -i '/proxy_set_header Host /d; /proxy_set_header X-Forwarded-Proto /d' /etc/nginx/conf.d/altcraft.conf
if grep -q 'X-Forwarded-Proto' /etc/nginx/conf.d/altcraft.conf; then exit 1; fi
nginx -t && nginx -s reload && sleep 1
