"""Alternative route: CONFIG SET and CONFIG REWRITE from the host, through the published port."""

import redis


def apply(lab):
    p = lab.params
    secret = p.secret_a + p.secret_b
    port = lab.port("cache", 6666)
    with redis.Redis(host=lab.host, port=port, decode_responses=True) as r:
        r.config_set("requirepass", secret)
    # A new connection: it has to log in with the new password, as any client now must.
    with redis.Redis(host=lab.host, port=port, password=secret, decode_responses=True) as r:
        r.config_set("maxclients", p.maxclients)
        r.config_rewrite()
