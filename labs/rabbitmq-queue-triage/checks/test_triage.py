"""Checks of rabbitmq-queue-triage: 100 points. They only read: the answer file, policies from the
management API, queue depths and effective policies live from `rabbitmqctl list_queues`."""

import re

import pytest

QUEUE_KINDS = ("queues", "all", "classic_queues")  # apply-to values that reach a classic queue


def _int(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _caps(lab, rmq, vhost, definition):
    """(caps the queue?, why not): max-length <= max_length, or message-ttl <= max_ttl_ms with an existing DLX."""
    p = lab.params
    ml, ttl = _int(definition.get("max-length")), _int(definition.get("message-ttl"))
    dlx = definition.get("dead-letter-exchange")
    if ml is not None and 0 < ml <= int(p.max_length):
        return True, ""
    if ttl is not None and 0 < ttl <= int(p.max_ttl_ms) and dlx:
        if rmq.exchange_exists(vhost, dlx):
            return True, ""
        return False, f"its dead-letter-exchange '{dlx}' does not exist in the queue's vhost"
    return False, (f"it sets neither max-length <= {p.max_length} nor message-ttl <= {p.max_ttl_ms} ms "
                   f"with a dead-letter-exchange")


def _matches(pol, name):
    try:
        return pol.get("apply-to", "all") in QUEUE_KINDS and re.search(pol["pattern"], name) is not None
    except re.error:
        return False


def _candidates(lab, rmq, q):
    """Every policy and operator policy of the queue's vhost that matches the queue: (kind, policy, caps?, why)."""
    out = []
    for kind, operator in (("policy", False), ("operator policy", True)):
        for pol in rmq.policies(q["vhost"], operator=operator):
            if _matches(pol, q["name"]):
                ok, why = _caps(lab, rmq, q["vhost"], pol.get("definition") or {})
                out.append((kind, pol, ok, why))
    return out


def _queue(rmq, q, named):
    __tracebackhide__ = True
    found = rmq.queues(q["vhost"]).get(q["name"])
    assert found is not None, (f"{named} no longer exists; it must be "
                               f"purged, not deleted (producers still publish to it)")
    return found


@pytest.mark.points(15)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`rabbitmqctl list_vhosts`, then `list_queues -p VHOST name messages consumers`")
def test_answer_names_the_queue(lab, culprit):
    """The answer file names the queue that piled up"""
    path = lab.params.answer_file
    text = lab.read_file("rabbitmq", path)
    assert text is not None, f"expected the queue's name in {path} in the broker container; the file does not exist"
    lines = [ln.strip().strip("'\"`").strip() for ln in text.splitlines() if ln.strip()]
    assert lines, f"expected the queue's name in {path}; the file is empty"
    assert lines[0] == culprit["name"], (
        f"{path} names '{lines[0]}'; that is not the queue that holds tens of thousands of messages "
        f"with no consumer")


@pytest.mark.points(20)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("`rabbitmqctl list_policies -p VHOST`: pattern and definition; the Policies guide")
def test_capping_policy_exists(lab, rmq, culprit, named):
    """A policy that caps the queue exists"""
    found = _candidates(lab, rmq, culprit)
    if any(ok for _, _, ok, _ in found):
        return
    seen = "; ".join(f"{kind} '{pol['name']}' ({why})" for kind, pol, _, why in found) or "none"
    raise AssertionError(
        f"expected a policy in the vhost of {named} whose pattern matches that queue and that caps it "
        f"(max-length <= {lab.params.max_length}, or message-ttl <= {lab.params.max_ttl_ms} ms plus a "
        f"dead-letter-exchange); matching policies found: {seen}")


@pytest.mark.points(15)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.depends("test_capping_policy_exists")
@pytest.mark.look("`list_queues -p VHOST name policy effective_policy_definition`; priority in the Policies guide")
def test_policy_applies_to_queue(lab, rmq, culprit, named):
    """The capping policy is the one in force on the queue"""
    q = _queue(rmq, culprit, named)
    capping = {(kind, pol["name"]): pol for kind, pol, ok, _ in _candidates(lab, rmq, culprit) if ok}
    in_force = [("policy", q.get("policy") or ""), ("operator policy", q.get("operator_policy") or "")]
    winners = [name for key in in_force if (name := key[1]) and key in capping]
    eff = q.get("effective_policy_definition") or {}
    ok, why = _caps(lab, rmq, culprit["vhost"], eff)
    if winners and ok:
        return
    assert not winners, (f"'{winners[0]}' is in force on {named}, but the effective definition "
                         f"{eff} does not cap the queue: {why}")
    ours = ", ".join(f"{k} '{n}' (priority {p.get('priority', 0)})" for (k, n), p in capping.items())
    prio = {pol["name"]: pol.get("priority", 0) for pol in rmq.policies(culprit["vhost"])}
    name = q.get("policy") or ""
    applied = f"'{name}' (priority {prio[name]})" if name in prio else (f"'{name}'" if name else "none")
    raise AssertionError(
        f"the policy in force on {named} is {applied} with the effective definition {eff or '{}'}, "
        f"not your capping {ours}: of the policies whose pattern matches a queue only the one with the "
        f"highest priority applies")


@pytest.mark.points(20)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.look("the messages column of `rabbitmqctl list_queues -p VHOST`; purging vs deleting a queue")
def test_queue_is_empty(lab, rmq, culprit, named):
    """The queue was purged: it exists and holds no messages"""
    q = _queue(rmq, culprit, named)
    n = q.get("messages")
    # The count of messages would point at the queue as surely as its name.
    held = f"{n:,}" if named.startswith("'") else "messages"
    assert n == 0, f"expected {named} to hold 0 messages after a purge; it holds {held}"


@pytest.mark.points(10)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_queue_is_empty")
@pytest.mark.look("`rabbitmqctl list_queues -p VHOST name messages`: purge only the one queue, delete none")
def test_other_queues_untouched(rmq, layout, culprit):
    """The other queues still exist and keep their messages"""
    bad = []
    for q in layout["queues"]:
        if q["name"] == culprit["name"] and q["vhost"] == culprit["vhost"]:
            continue
        found = rmq.queues(q["vhost"]).get(q["name"])
        if found is None:
            bad.append(f"'{q['vhost']}/{q['name']}' is gone")
        elif found.get("messages") != q["messages"]:
            bad.append(f"'{q['vhost']}/{q['name']}' holds {found.get('messages')} messages instead of {q['messages']}")
    assert not bad, "only the piled-up queue was to be purged; but " + "; ".join(bad)


@pytest.mark.points(20)
@pytest.mark.covers(4)
@pytest.mark.after_restart
def test_fix_survives_restart(restart_outcome):
    """The answer, the policy and the empty queue still hold after a broker restart"""
    restart_outcome.assert_all_passed()
