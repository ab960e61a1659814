"""Checks of kvrocks-diagnostics: 100 points. They only read: the answer file, INFO, CLIENT LIST, EXISTS.

Losing data weighs most (30 points, pass mark 75): a diagnostics round that deletes keys fails by
itself, whatever else it got right.

The grader's own connection carries the name altlab-grader and is left out of every client count;
it never runs SCAN or KEYS, so INFO commandstats shows the candidate's commands only (plus the
break step's writes). Failure messages do not give away the expected answers.

"SCAN, not KEYS" is judged from INFO commandstats (calls per command since the server started),
which Redis, Valkey and Kvrocks all keep: no KEYS call and at least one SCAN call. It is evidence,
not proof: KEYS, then CONFIG RESETSTAT, then a SCAN would hide the KEYS (accepted: it takes intent);
a restart or RESETSTAT alone wipes the SCAN evidence too, so the check fails, never passes wrongly.
Renaming KEYS away (rename-command) was the other option; it was not
taken because it makes the mistake impossible instead of visible (nothing left to grade, no
near-miss), needs a config difference between the two servers, and breaks tools that list KEYS.
"""

import pytest

from pytest_altlab.helpers.redis import parse_size

KEY_TOLERANCE = 0.01     # SCAN may return a key twice while the server resizes its table
MEMORY_TOLERANCE = 0.30  # RSS moves a little between the candidate's reading and the grading
CLIENT_SLACK = 2         # before the kill: workers + stale + the candidate's own client, give or take 2


@pytest.mark.points(15)
@pytest.mark.covers(1)
@pytest.mark.look("the SCAN pattern: which other key names does it match too? `redis-cli --scan --pattern`")
def test_campaign_key_count(lab, answers, dataset):
    """The answer file has the number of keys of the campaign"""
    cid = lab.params.campaign_id
    want = len(dataset[cid])
    got = answers.integer("campaign_keys")
    slack = max(1, int(want * KEY_TOLERANCE))
    assert abs(got - want) <= slack, (
        f"campaign_keys = {got} is not the number of keys named campaign:{cid}:* "
        f"(accepted: the exact count, give or take 1%); check the pattern and count every SCAN page")


@pytest.mark.points(10)
@pytest.mark.covers(1)
@pytest.mark.look("`INFO commandstats` (cmdstat_keys, cmdstat_scan); `--scan` in `redis-cli --help`")
def test_counted_with_scan(cache):
    """Keys were counted with SCAN, never with KEYS (INFO commandstats)"""
    calls = cache.command_calls()
    keys, scan = calls.get("keys", 0), calls.get("scan", 0)
    assert keys == 0, (
        f"INFO commandstats shows {keys} call(s) of KEYS: KEYS walks the whole keyspace in one "
        f"blocking call and is forbidden here; count with SCAN (redis-cli --scan --pattern ...)")
    assert scan > 0, ("INFO commandstats shows no SCAN call since the server started: count the "
                      "campaign's keys with SCAN (redis-cli --scan --pattern ...)")


@pytest.mark.points(10)
@pytest.mark.covers(2)
@pytest.mark.look("the used_memory_rss field of `INFO memory` (not used_memory); the answer format in TASK.md")
def test_used_memory_answer(cache, answers):
    """The answer file has the server's used memory (used_memory_rss), within 30%"""
    raw = answers.get("used_memory_rss")
    got = parse_size(raw)
    assert got is not None, (
        f"{answers.path}: used_memory_rss should be a number of bytes (or like 13.53M); found {raw!r}")
    live = cache.info("memory").get("used_memory_rss")
    assert live and live.isdigit(), f"the server's INFO memory has no used_memory_rss field (found {live!r})"
    now = int(live)
    assert abs(got - now) <= now * MEMORY_TOLERANCE, (
        f"used_memory_rss = {raw} (read as {got} bytes) is not within 30% of the used_memory_rss the "
        f"server reports (INFO memory, in bytes)")


@pytest.mark.points(10)
@pytest.mark.covers(2)
@pytest.mark.look("connected_clients of `INFO clients`, read before any CLIENT KILL")
def test_connected_clients_answer(lab, answers):
    """The answer file has the number of connected clients before the kill, within 2"""
    p = lab.params
    before = int(p.worker_count) + int(p.stale_count) + 1  # + the candidate's own redis-cli
    got = answers.integer("connected_clients")
    lo, hi = before - CLIENT_SLACK, before + CLIENT_SLACK
    assert lo <= got <= hi, (
        f"connected_clients = {got} is not what INFO clients reported before any client was "
        f"killed (accepted: within 2 of it); read it before step 3")


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.look("`CLIENT LIST` (the name and id fields); the CLIENT KILL command's filters")
def test_stale_workers_gone(lab, cache):
    """No client named stale-worker is connected"""
    name = lab.params.stale_name
    stale = [c for c in cache.clients() if c.get("name") == name]
    assert not stale, (
        f"{len(stale)} client(s) named '{name}' are still connected: "
        + ", ".join(f"id={c.get('id')} addr={c.get('addr')} idle={c.get('idle')}s" for c in stale))


@pytest.mark.points(10)
@pytest.mark.covers(3)
@pytest.mark.depends("test_stale_workers_gone")
@pytest.mark.look("the CLIENT KILL filters: one client (ID, ADDR) vs many (TYPE); a restart drops every client")
def test_campaign_workers_still_connected(lab, cache):
    """The live campaign-worker clients were left alone"""
    p = lab.params
    want = int(p.worker_count)
    workers = [c for c in cache.clients() if c.get("name") == p.worker_name]
    assert len(workers) >= want, (
        f"expected the {want} '{p.worker_name}' clients (the platform's live workers) to stay "
        f"connected; found {len(workers)}. Kill only the '{p.stale_name}' clients (CLIENT KILL ID ...); "
        f"a restart or a kill of every client drops the workers too")


@pytest.mark.points(30)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends("test_stale_workers_gone")
@pytest.mark.look("your shell history: DEL, UNLINK, FLUSHDB, FLUSHALL; a diagnostics round only reads")
def test_no_data_lost(cache, dataset):
    """Every key that was on the server is still there"""
    lost = []
    for group, keys in dataset.items():
        left = cache.count_existing(keys)
        if left < len(keys):
            what = "keys outside campaigns" if group == "other" else f"keys of campaign {group}"
            lost.append(f"{len(keys) - left} of {len(keys)} {what}")
    assert not lost, ("data was deleted: " + "; ".join(lost) + " are gone. A diagnostics round must "
                      "not delete keys (no FLUSHALL, no DEL)")
