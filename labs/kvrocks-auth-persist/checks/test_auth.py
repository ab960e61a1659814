"""Checks of kvrocks-auth-persist: 100 points. They only read: a refused GET, PING, CONFIG GET, the config file.

Messages never print the secret itself (reports may be shared); they say how it differs instead.
"""

import pytest

from pytest_altlab.helpers.redis import parse_config

CONFIG_FILE = "/var/lib/kvrocks/kvrocks.conf"  # the apache/kvrocks image's config; the debian flavour's too


@pytest.mark.points(20)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`CONFIG GET requirepass` in redis-cli: the value in force, not the one in the file")
def test_unauthenticated_access_refused(cache):
    """A client without the password is refused"""
    got = cache.probe("GET", "platform:release")
    assert not got.ok, ("a client without a password read the key 'platform:release': the server does "
                        "not ask for a password (no requirepass in force)")
    assert got.refused, f"expected the server to refuse a client without a password (NOAUTH); {got.detail}"


@pytest.mark.points(20)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`redis-cli -p 6666 -a SECRET PING`; `CONFIG GET requirepass` (spaces or quotes in the value?)")
def test_password_login(cache, secret):
    """A client with the platform's secret logs in and gets PONG"""
    got = cache.probe("PING", password=secret)
    assert got.ok, f"a client with the platform's 32-character secret could not log in and PING: {got.detail}"
    assert got.value in (True, "PONG"), f"expected PONG to PING; got {got.value!r}"


@pytest.mark.points(15)
@pytest.mark.covers(1, 2, 3)
@pytest.mark.persistent
@pytest.mark.depends("test_password_login")
@pytest.mark.look("`CONFIG GET maxclients` / `requirepass`: the file is read only at start; `CONFIG SET`")
def test_values_in_force(lab, cache, secret):
    """The running server has requirepass = the secret and the wanted maxclients (CONFIG GET)"""
    want = lab.params.maxclients
    maxclients = cache.config_get("maxclients", password=secret)
    requirepass = cache.config_get("requirepass", password=secret)
    problems = []
    if maxclients != want:
        problems.append(f"maxclients in force is {maxclients!r}, expected {want}")
    if requirepass != secret:
        problems.append(_differs("requirepass in force", requirepass, secret))
    assert not problems, "; ".join(problems)


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.look("the maxclients and requirepass lines of /var/lib/kvrocks/kvrocks.conf; `CONFIG REWRITE`")
def test_settings_in_config_file(lab, secret):
    """kvrocks.conf sets requirepass to the secret and the wanted maxclients"""
    want = lab.params.maxclients
    text = lab.read_file("cache", CONFIG_FILE)
    assert text is not None, f"{CONFIG_FILE} does not exist (or cannot be read) in the service 'cache'"
    conf = parse_config(text)  # the last line of a directive wins, as when the server reads the file
    problems = []
    if "maxclients" not in conf:
        problems.append("it has no maxclients line (the server's default applies at the next start)")
    elif conf["maxclients"] != want:
        problems.append(f"its maxclients is {conf['maxclients']}, expected {want}")
    if "requirepass" not in conf:
        problems.append("it has no requirepass line: after a restart the server asks for no password")
    elif conf["requirepass"] != secret:
        problems.append(_differs("its requirepass", conf["requirepass"], secret))
    assert not problems, f"{CONFIG_FILE}: " + "; ".join(problems)


@pytest.mark.points(30)
@pytest.mark.covers(3)
@pytest.mark.after_restart
def test_settings_survive_restart(restart_outcome):
    """Everything above still holds after the server restarts"""
    restart_outcome.assert_all_passed()


def _differs(what, found, secret):
    if not found:
        return f"{what} is empty, expected the platform's {len(secret)}-character secret"
    if found.strip() == secret:
        return f"{what} has extra spaces or quotes around the secret"
    return f"{what} is a {len(found)}-character value that is not the platform's {len(secret)}-character secret"
