"""Checks of mongodb-replica-set: 100 points. They only read: replSetGetStatus, hello, getDefaultRWConcern, finds.

"Still writable with one member down" is judged from the server's own counts in replSetGetStatus
(votingMembersCount, majorityVoteCount, writableVotingMembersCount, writeMajorityCount): grading never
stops a member.
"""

import pytest
from pymongo import ReadPreference
from pymongo.errors import PyMongoError

WANT_HOSTS = {"mongo1:27017", "mongo2:27017", "mongo3:27017"}


def _initiated(status):
    __tracebackhide__ = True
    assert status.get("ok"), (f"expected the replica set to be initiated; replSetGetStatus answered: "
                              f"{status.get('error') or status.get('errmsg')}")


def _config(lab, members):
    def read():
        with members["mongo1"].client() as c:
            return c.admin.command("replSetGetConfig")["config"]
    return lab.cached("rs-config", read)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`rs.status()` on any member: `set`, `members`")
def test_set_initiated(lab, rs_status):
    """The replica set is initiated under its name"""
    _initiated(rs_status)
    assert rs_status.get("set") == lab.params.set_name, (
        f"expected the set '{lab.params.set_name}'; found '{rs_status.get('set')}'")


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`rs.conf().members[].host`: names on the lab network, not localhost or addresses")
def test_members_by_lab_names(lab, rs_status, members):
    """The members are exactly mongo1, mongo2 and mongo3 by name and port"""
    _initiated(rs_status)
    hosts = {m["host"] for m in _config(lab, members)["members"]}
    assert hosts == WANT_HOSTS, f"expected members {sorted(WANT_HOSTS)}; found {sorted(hosts)}"


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`rs.status().members[]`: health and stateStr; each member's own `db.hello()`")
def test_every_member_healthy(lab, rs_status, members):
    """One primary and two secondaries, healthy, and each member itself agrees"""
    _initiated(rs_status)
    states = {m["name"]: (m.get("stateStr"), m.get("health")) for m in rs_status.get("members", [])}
    roles = sorted(s for s, _ in states.values())
    problems = [f"{name} health {h}" for name, (_, h) in states.items() if h != 1]
    if roles != ["PRIMARY", "SECONDARY", "SECONDARY"]:
        problems.append("states " + ", ".join(f"{n} {s}" for n, (s, _) in sorted(states.items())))
    for name, m in members.items():
        try:
            with m.client() as c:
                hello = c.admin.command("hello")
        except PyMongoError as e:
            problems.append(f"{name} does not answer: {e}")
            continue
        serving = hello.get("isWritablePrimary") or hello.get("secondary")
        if hello.get("setName") != lab.params.set_name or not serving:
            problems.append(f"{name} says setName {hello.get('setName')!r}, primary {hello.get('isWritablePrimary')}, "
                            f"secondary {hello.get('secondary')}")
    assert not problems, "expected one PRIMARY and two SECONDARY members, all healthy; found " + "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.look("`rs.conf().members[]`: arbiterOnly, votes, priority")
def test_votes_and_priorities(lab, rs_status, members):
    """Every member is a voting data member; mongo1 has priority 2, the others 1"""
    _initiated(rs_status)
    problems = []
    for m in _config(lab, members)["members"]:
        want = 2 if m["host"] == "mongo1:27017" else 1
        if m.get("arbiterOnly"):
            problems.append(f"{m['host']} is an arbiter")
        if m.get("votes") != 1:
            problems.append(f"{m['host']} has votes {m.get('votes')}")
        if m.get("priority") != want:
            problems.append(f"{m['host']} has priority {m.get('priority')}, expected {want}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("`db.adminCommand({getDefaultRWConcern: 1})` on the primary")
def test_default_write_concern_majority(rs_status, members):
    """The cluster-wide default write concern is majority"""
    _initiated(rs_status)
    primary = next((name for name, m in members.items() if _is_primary(m)), None)
    assert primary is not None, f"expected a primary to ask; none of {', '.join(members)} is primary"
    with members[primary].client() as c:
        rw = c.admin.command("getDefaultRWConcern")
    wc = rw.get("defaultWriteConcern") or {}
    members[primary].lab.record("default_rw_concern", response={k: str(v) for k, v in rw.items()})
    assert wc.get("w") == "majority", (f"expected the default write concern w: majority; found {wc or 'none'} "
                                       f"(source: {rw.get('defaultWriteConcernSource')})")


def _is_primary(member):
    try:
        with member.client() as c:
            return bool(c.admin.command("hello").get("isWritablePrimary"))
    except PyMongoError:
        return False


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.look("`rs.status()`: the voting and writable member counts against the two majority counts")
def test_majority_left_with_one_member_down(rs_status):
    """With any one member down, a primary can still be elected and majority writes acknowledged"""
    _initiated(rs_status)
    voting, vote_majority = rs_status.get("votingMembersCount"), rs_status.get("majorityVoteCount")
    writable, write_majority = rs_status.get("writableVotingMembersCount"), rs_status.get("writeMajorityCount")
    problems = []
    if voting is None or voting - 1 < vote_majority:
        problems.append(f"{voting} voting members need {vote_majority} votes to elect: one down leaves too few")
    if writable is None or writable - 1 < write_majority:
        problems.append(f"{writable} voting data members and majority writes need {write_majority}: "
                        "one down leaves too few to acknowledge")
    assert not problems, "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(5)
@pytest.mark.look("`db.getSiblingDB('altcraft').health.find()` on each member (`db.getMongo().setReadPref(...)`)")
def test_document_on_every_member(members):
    """The document {_id: "ready"} in altcraft.health is on every member"""
    missing = []
    for name, m in members.items():
        try:
            with m.client() as c:
                coll = c.altcraft.get_collection("health", read_preference=ReadPreference.SECONDARY_PREFERRED)
                if coll.find_one({"_id": "ready"}) is None:
                    missing.append(name)
        except PyMongoError as e:
            missing.append(f"{name} ({e})")
    assert not missing, f"expected altcraft.health {{_id: 'ready'}} on every member; missing on {', '.join(missing)}"


@pytest.mark.points(5)
@pytest.mark.after_restart
@pytest.mark.covers(1, 2, 3, 4)
def test_survives_restart(restart_outcome):
    """After all three members restart, the set comes back as configured"""
    restart_outcome.assert_all_passed()
