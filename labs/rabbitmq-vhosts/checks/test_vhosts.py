"""Checks of rabbitmq-vhosts: 20 points. They only read: definitions export, logins, one refused publish."""

import pytest

READ_ONLY = ("", "^$")  # RabbitMQ treats "" as "^$": both grant nothing


@pytest.mark.points(2)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`rabbitmqctl list_vhosts`; the Virtual Hosts guide")
def test_vhost_exists(lab, rmq):
    """The vhost exists"""
    vhosts = rmq.vhosts()
    assert lab.params.vhost in vhosts, (
        f"vhost '{lab.params.vhost}' does not exist; existing: {', '.join(repr(v) for v in vhosts)}")


@pytest.mark.points(4)
@pytest.mark.covers(1, 2)
@pytest.mark.persistent
@pytest.mark.depends("test_vhost_exists")
@pytest.mark.look("the user's password and its permissions on the vhost (`rabbitmqctl list_permissions -p VHOST`)")
def test_app_user_round_trip(lab, rmq):
    """The app user logs in on the vhost, declares a queue, publishes and gets a message"""
    p = lab.params
    rmq.round_trip(p.app_user, p.app_password, p.vhost)


@pytest.mark.points(2)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.depends("test_vhost_exists")
@pytest.mark.look("`rabbitmqctl list_user_permissions USER`; the Access Control guide")
def test_app_permissions_exact(lab, rmq):
    """The app user has exactly .* / .* / .* on the vhost"""
    p = lab.params
    perms = rmq.permissions(p.app_user, p.vhost)
    want = {"configure": ".*", "write": ".*", "read": ".*"}
    assert perms == want, (
        f"expected permissions of '{p.app_user}' on '{p.vhost}' to be configure/write/read = .* .* .*; "
        f"found {_fmt(perms)}")


@pytest.mark.points(2)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("`rabbitmqctl list_user_permissions USER`: every vhost listed there")
def test_app_has_no_access_to_default_vhost(lab, rmq):
    """The app user has rights on its vhost only: none on '/' nor on any other vhost"""
    # "only" is about every vhost of the node, not '/' alone.
    p = lab.params
    others = [v for v in rmq.vhosts_of(p.app_user) if v != p.vhost]
    assert not others, (
        f"'{p.app_user}' still has permissions on {', '.join(repr(v) for v in others)} "
        f"({'; '.join(f'{v!r}: {_fmt(rmq.permissions(p.app_user, v))}' for v in others)}); it must have none "
        f"except on '{p.vhost}' (any entry, even '^$', lets it connect to that vhost)")


@pytest.mark.points(2)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.look("`rabbitmqctl list_users` (the tags column); the Management UI guide on user tags")
def test_ops_has_monitoring_tag_only(lab, rmq):
    """The monitoring user logs into the management API with exactly the monitoring tag"""
    p = lab.params
    status, body = rmq.http("/whoami", p.monitor_user, p.monitor_password)
    assert status == 200, (
        f"'{p.monitor_user}' cannot log into the management API with the given password "
        f"(HTTP {status or 'no answer'})")
    tags = body.get("tags", [])
    tags = sorted(tags.split(",") if isinstance(tags, str) else tags)
    assert tags == ["monitoring"], f"expected '{p.monitor_user}' to have exactly the tag 'monitoring'; found {tags}"


@pytest.mark.points(2)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_vhost_exists")
@pytest.mark.look("the three permission patterns (configure, write, read) of the monitoring user on the vhost")
def test_ops_is_read_only(lab, rmq):
    """The monitoring user has read-only rights on the vhost and cannot publish"""
    p = lab.params
    perms = rmq.permissions(p.monitor_user, p.vhost)
    ok = (perms is not None and perms["configure"] in READ_ONLY and perms["write"] in READ_ONLY
          and perms["read"] == ".*")
    assert ok, (f"expected '{p.monitor_user}' on '{p.vhost}' to have configure '^$', write '^$', read '.*'; "
                f"found {_fmt(perms)}")
    refused, what = rmq.publish_refused(p.monitor_user, p.monitor_password, p.vhost)
    assert refused, f"a publish by '{p.monitor_user}' on '{p.vhost}' must be refused; {what}"


@pytest.mark.points(3)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.look("the guest user and `loopback_users` in /etc/rabbitmq/conf.d/; the Access Control guide")
def test_guest_cannot_log_in_remotely(lab, rmq):
    """guest cannot log in from outside the node (AMQP and management API)"""
    amqp = rmq.login("guest", "guest", "/")
    assert not amqp.ok, "guest/guest still logs in over AMQP from outside the node"
    assert amqp.refused, f"could not tell: {amqp.detail}"
    status, _ = rmq.http("/whoami", "guest", "guest")
    assert status != 0, "could not tell: the management API does not answer"
    assert status == 401, f"guest/guest still logs into the management API from outside the node (HTTP {status})"


@pytest.mark.points(3)
@pytest.mark.covers(5)
@pytest.mark.after_restart
def test_configuration_survives_restart(restart_outcome):
    """Everything above still holds after a broker restart"""
    restart_outcome.assert_all_passed()


def _fmt(perms):
    if perms is None:
        return "no permissions at all"
    return " / ".join(f"{k} {v!r}" for k, v in perms.items())
