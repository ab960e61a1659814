set -eu
# A "compatibility" snippet copied from an old server: TLS 1.0/1.1 allowed, ciphers at security level 0.
sed -i 's|ssl_protocols       TLSv1.2 TLSv1.3;|ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n    ssl_ciphers   DEFAULT:@SECLEVEL=0;|' /etc/nginx/conf.d/altcraft.conf
grep -q 'SECLEVEL=0' /etc/nginx/conf.d/altcraft.conf
nginx -t && nginx -s reload && sleep 1
