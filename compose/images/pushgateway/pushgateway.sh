#!/bin/sh
# /bin/pushgateway of the Debian-built image. Debian patches the default of --persistence.file to
# /var/lib/prometheus/pushgateway.data (persistence on); upstream's default is "" (metrics kept in
# memory only). Give the upstream default unless the flag is set: kingpin refuses a repeated flag.
case " $* " in
  *" --persistence.file"*) ;;
  *) set -- --persistence.file= "$@" ;;
esac
exec /usr/bin/prometheus-pushgateway "$@"
