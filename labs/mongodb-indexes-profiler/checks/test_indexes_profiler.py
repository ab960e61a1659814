"""Checks of mongodb-indexes-profiler: 100 points. They only read: profile -1, explain, listIndexes, counts, the file.

`explain` runs the query shape itself (executionStats), so what is graded is the plan the server really
chooses and how much it really examined, not which indexes exist. (An explain slower than the threshold
may add a line to system.profile, as any query would; that is the profiler doing its job.)
"""

import pytest
import yaml

CONFIG_FILE = "/data/configdb/mongod.conf"
FILTER = {"list_id": 7, "status": "active"}
SORT = {"created_at": -1}
LIMIT = 50
CONTACTS = 100_000


def _client(mongo):
    return mongo.client()


def _explain(lab, mongo):
    def run():
        with _client(mongo) as c:
            return c.acc_acme.command("explain", {"find": "contacts", "filter": FILTER, "sort": SORT,
                                                  "limit": LIMIT}, verbosity="executionStats")
    res = lab.cached("explain", run)
    return res


def _stages(node):
    """Every stage name in a plan, classic (inputStage/inputStages) or SBE (queryPlan), at any depth."""
    out = []
    if isinstance(node, dict):
        if isinstance(node.get("stage"), str):
            out.append(node["stage"])
        for v in node.values():
            out += _stages(v)
    elif isinstance(node, list):
        for v in node:
            out += _stages(v)
    return out


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`db.getProfilingStatus()` in acc_acme: `was` is the level, `slowms` the threshold")
def test_profiler_in_force(lab, mongo):
    """The profiler records slow operations only (level 1) above the asked threshold"""
    with _client(mongo) as c:
        st = c.acc_acme.command({"profile": -1})
    lab.record("profile", was=st.get("was"), slowms=st.get("slowms"))
    want = int(lab.params.slowms)
    problems = []
    if st.get("was") != 1:
        problems.append(f"profiling level is {st.get('was')}, expected 1 (slow operations only)")
    if st.get("slowms") != want:
        problems.append(f"slowms is {st.get('slowms')}, expected {want}")
    assert not problems, "acc_acme: " + "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("the `operationProfiling` section of /data/configdb/mongod.conf (mode, slowOpThresholdMs)")
def test_profiler_in_config_file(lab):
    """mongod.conf sets operationProfiling mode slowOp and the threshold"""
    text = lab.read_file("db", CONFIG_FILE)
    assert text is not None, f"{CONFIG_FILE} does not exist in the service 'db'"
    try:
        conf = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise AssertionError(f"{CONFIG_FILE} is not valid YAML (mongod would not start): {e}") from None
    prof = conf.get("operationProfiling") or {} if isinstance(conf, dict) else {}
    want = int(lab.params.slowms)
    problems = []
    if prof.get("mode") != "slowOp":
        problems.append(f"operationProfiling.mode is {prof.get('mode')!r}, expected 'slowOp'")
    if prof.get("slowOpThresholdMs") != want:
        problems.append(f"operationProfiling.slowOpThresholdMs is {prof.get('slowOpThresholdMs')!r}, expected {want}")
    assert not problems, f"{CONFIG_FILE}: " + "; ".join(problems)


@pytest.mark.points(25)
@pytest.mark.persistent
@pytest.mark.covers(2, 3)
@pytest.mark.look("`db.COLLECTION.find(FILTER).sort(SORT).limit(50).explain()`: the stages of the winning plan")
def test_index_serves_filter_and_sort(lab, mongo):
    """The slow query's plan is an index scan with no collection scan and no in-memory sort"""
    plan = _explain(lab, mongo)["queryPlanner"]["winningPlan"]
    stages = _stages(plan)
    lab.record("winning_plan_stages", stages=stages)
    problems = []
    if "IXSCAN" not in stages:
        problems.append("no index scan (IXSCAN)")
    if "COLLSCAN" in stages:
        problems.append("a collection scan (COLLSCAN)")
    if "SORT" in stages:
        problems.append("an in-memory sort (SORT): the index does not give the sort order")
    # Which collection, filter and sort is step 2's answer: the message names none of them.
    assert not problems, (f"the application's slow query (in acc_acme): expected an index scan that "
                          f"also serves the sort; found {', '.join(problems)} (plan stages {stages})")


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("explain('executionStats'): totalKeysExamined and totalDocsExamined against nReturned")
def test_query_examines_only_what_it_returns(lab, mongo):
    """The slow query examines about as many index keys and documents as it returns"""
    stats = _explain(lab, mongo)["executionStats"]
    n, keys, docs = stats["nReturned"], stats["totalKeysExamined"], stats["totalDocsExamined"]
    lab.record("execution_stats", nReturned=n, totalKeysExamined=keys, totalDocsExamined=docs)
    assert n == LIMIT, f"expected the query to return {LIMIT} documents; it returned {n} (was the data changed?)"
    # A bounded index scan reads at most one key past the last match.
    assert keys <= n + 1 and docs <= n + 1, (
        f"expected at most {n + 1} keys and documents examined for {n} returned; found {keys} keys and "
        f"{docs} documents: the index does not lead with the query's equality fields")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.look("`db.COLLECTION.getIndexes()`, `db.COLLECTION.countDocuments()` for the slow query's collection")
def test_data_and_other_indexes_kept(mongo):
    """All 100 000 documents are still there and the unique email index still serves lookups by email"""
    with _client(mongo) as c:
        count = c.acc_acme.contacts.estimated_document_count()
        indexes = {ix["name"]: ix for ix in c.acc_acme.contacts.list_indexes()}
    email = [ix for ix in indexes.values() if list(ix["key"].items()) == [("email", 1)]]
    problems = []
    if count != CONTACTS:
        problems.append(f"the slow query's collection has {count} documents, expected {CONTACTS}")
    if not email or not email[0].get("unique"):
        problems.append("the unique index on email is gone")
    assert not problems, "; ".join(problems) + f" (its indexes: {', '.join(indexes)})"


@pytest.mark.points(20)
@pytest.mark.after_restart
@pytest.mark.covers(1, 3)
def test_survives_restart(restart_outcome):
    """Profiler and index still in place after mongod restarts"""
    restart_outcome.assert_all_passed()
