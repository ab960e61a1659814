set -eu
# A later edit (a request-id header for all sites) misses its value. `nginx -s reload` refuses the new
# configuration, so the running nginx keeps serving the old one - until it restarts.
cat > /etc/nginx/conf.d/request-id.conf <<'CONF'
proxy_set_header X-Request-Id;
CONF
if nginx -s reload 2>/dev/null; then echo "reload unexpectedly accepted the broken file" >&2; exit 1; fi
sleep 1
