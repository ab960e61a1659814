"""Break step (host side): the app host's address plan and the app's database settings, from the engine's subnets."""

from __future__ import annotations

from pytest_altlab.helpers.network import host_address, network_subnets


def apply(lab):
    app_subnet, host_ip = network_subnets(lab, "host")["app"]
    data_subnet, db_ip = network_subnets(lab, "db")["data"]
    router_ip = host_address(lab, "router", "app")
    plan = ("# The networks of this host (address plan).\n"
            f"app     {app_subnet:<18} this host: {host_ip}; default gateway: the platform's Docker gateway\n"
            f"data    {data_subnet:<18} the databases; reached through the router {router_ip} (on app)\n")
    env = f"# The app's database (PostgreSQL)\nDB_HOST={db_ip}\nDB_PORT={lab.params.db_port}\n"
    for path, text in (("/etc/altcraft/networks", plan), ("/etc/altcraft/app.env", env)):
        res = lab.exec("host", ["sh", "-c", f"mkdir -p /etc/altcraft && cat > {path}"], input=text)
        if not res.ok:
            raise RuntimeError(f"cannot write {path} in the host: {res.stderr.strip()}")
