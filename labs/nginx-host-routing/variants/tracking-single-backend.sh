set -eu
# The upstream keeps only track1: everything looks fine until track1 goes down.
sed -i '/server track2:8080;/d' /etc/nginx/conf.d/altcraft.conf
if grep -q 'server track2' /etc/nginx/conf.d/altcraft.conf; then exit 1; fi
nginx -t && nginx -s reload && sleep 1
