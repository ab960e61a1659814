"""Examples for the helpers no lab uses yet: docs/WRITING_LABS.md shows a real use from labs/ where one exists.

Keys are `module.Name` / `module.Class.member`; tests/test_docs.py checks that every public helper has a real
use or an entry here, and that every entry names a helper that exists."""

from __future__ import annotations

__all__ = ["EXAMPLES"]

EXAMPLES: dict[str, str] = {
    "clickhouse.ident": 'ch.query(f"SELECT count() FROM {ident(p.database)}.{ident(p.table)}")',
    "container.mount_holding": 'mount_holding(box.inspect()["Mounts"], "/var/lib/rabbitmq")',
    "container.Container.inspect": 'box.inspect()["HostConfig"]["RestartPolicy"]["Name"]',
    "container.Container.hostname": 'assert box.hostname == p.node_host, f"found {box.hostname}"',
    "container.Container.hostname_is_pinned": "assert box.hostname_is_pinned(), \"set `hostname:` in the service\"",
    "container.Container.process_limits": 'box.process_limits("beam.smp")["Max open files"].soft',
    "container.grantable_limits": 'grantable_limits("altlab/rabbitmq:debian", {"nofile": 65536}, "rabbitmq")',
    "container.parse_limit": "parse_limit(p.nofile)  # '65536' -> 65536, 'unlimited' -> None",
    "cutycapt.PngError": "with pytest.raises(PngError): decode_png(b'not a png')",
    "cutycapt.Image.colour_counts": "r.image().colour_counts().most_common(1)",
    "cutycapt.decode_png": 'decode_png(lab.exec("app", ["cat", "/srv/out.png"]).stdout.encode("latin-1"))',
    "http.tls_version": 'tls_version("TLSv1.2")',
    "http.backend_back_at": 'backend_back_at(lab, "app1")',
    "http.process_started_at": 'process_started_at(lab, "nginx")',
    "keycloak.Keycloak.base": "requests.get(f\"{kc.base}/realms/{p.realm}\", timeout=5)",
    "ldap.LDAP.address": 'f"the directory at {ldap.address}"',
    "postgres.Login.refused": "assert pg.login(p.app_role, \"wrong\", p.db_name).refused",
    "postgres.Postgres.where": 'f"expected role {p.app_role} in {pg.where}"',
    "postgres.Postgres.login_roles": "assert p.app_role in pg.login_roles()",
    "postgres.Postgres.setting": 'pg.setting("password_encryption")',
    "prometheus.Prometheus.api": 'prom.api("/status/runtimeinfo")',
    "prometheus.Prometheus.targets": '[t for t in prom.targets() if t.job == "rabbitmq"]',
    "prometheus.Prometheus.loaded_config": 'prom.loaded_config()["global"]["scrape_interval"]',
    "prometheus.Prometheus.flags": 'prom.flags()["storage.tsdb.retention.time"]',
    "prometheus.Prometheus.query": 'prom.query("up == 0")',
    "prometheus.Pushgateway.api": 'pgw.api("/status")',
    "prometheus.Pushgateway.status": 'pgw.status()["flags"]["persistence.file"]',
    "prometheus.Pushgateway.start_time": "pgw.start_time()",
    "prometheus.Pushgateway.groups": '[g["labels"]["job"] for g in pgw.groups()]',
    "rabbitmq.RabbitMQ.users": 'rmq.users()[p.monitor_user]["tags"]',
    "rabbitmq.RabbitMQ.amqp": 'with rmq.amqp(p.app_user, p.app_password, p.vhost) as ch: ch.queue_declare("")',
    "redis.RedisServer.host_port": "server.host_port()",
    "redis.RedisServer.where": 'f"maxmemory of {server.where}"',
    "redis.RedisServer.call": 'server.call("CONFIG", "GET", "maxmemory", password=p.password)',
    "redis.parse_info": 'parse_info(server.call("INFO", "persistence"))["aof_enabled"]',
    "redis.parse_client_list": 'parse_client_list(server.call("CLIENT", "LIST"))',
    "s3.Outcome.refused": "assert s3.get(ANONYMOUS, p.bucket, \"report.csv\").refused",
    "s3.Outcome.answered": "assert outcome.answered, outcome.detail",
    "s3.S3.endpoint": 'f"the S3 API at {s3.endpoint}"',
    "s3.S3.client": "s3.client(creds).list_buckets()",
    "s3.S3.attempt": 's3.attempt(creds, "list", lambda c: c.list_objects_v2(Bucket=p.bucket), b=p.bucket)',
    "systemd.parse_show": 'parse_show(systemd.sh("systemctl show -p LimitNOFILE app", "read the unit"))',
}
