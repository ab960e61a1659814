set -eu
# A temporary redirect to the site's root: the path and query are lost.
sed -i 's|return 301 https://$host$request_uri;|return 302 https://$host;|' /etc/nginx/conf.d/altcraft.conf
grep -q 'return 302 https://$host;' /etc/nginx/conf.d/altcraft.conf
nginx -t && nginx -s reload && sleep 1
