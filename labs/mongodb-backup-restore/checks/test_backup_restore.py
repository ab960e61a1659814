"""Checks of mongodb-backup-restore: 100 points. They only read: the archive's prelude, counts, listIndexes.

The archive is judged by its own prelude (mongodump archive format: magic number, header document,
one metadata document per collection with its indexes, terminator), read from the file as bytes.
"""

import base64
import gzip
import json
import struct

import bson
import pytest

ARCHIVE = "/backup/acc_acme.archive.gz"
MAGIC = 0x8199E26D
COUNTS = {"campaigns": 300, "contacts": 2000, "sessions": 40}
# collection -> {index key: options that matter}; _id_ comes with every collection
INDEXES = {
    "campaigns": {(("_id", 1),): {}, (("status", 1), ("sent_at", -1)): {}},
    "contacts": {(("_id", 1),): {}, (("email", 1),): {"unique": True}, (("list_id", 1),): {}},
    "sessions": {(("_id", 1),): {}, (("created", 1),): {"expireAfterSeconds": 86400}},
}
# What each document was at the backup: its fields derive from `n` (see break.sh).
INTACT = {
    "campaigns": {"$expr": {"$eq": ["$_id", {"$concat": ["cmp", {"$toString": "$n"}]}]}},
    "contacts": {"$expr": {"$and": [
        {"$eq": ["$email", {"$concat": ["c", {"$toString": "$n"}, "@acme.example"]}]},
        {"$eq": ["$list_id", {"$mod": ["$n", 40]}]}]}},
    "sessions": {"created": {"$type": "date"}},
}


def _prelude(lab):
    """(namespaces -> metadata) from the archive's prelude; an assertion if the file is not an archive."""
    res = lab.exec("db", ["base64", "-w0", ARCHIVE])
    assert res.ok, f"{ARCHIVE} does not exist (or cannot be read) in the service 'db'"
    return parse_prelude(base64.b64decode(res.stdout))


def parse_prelude(raw):
    """namespace -> metadata (indexes, options) of a gzipped mongodump archive, from its prelude."""
    try:
        data = gzip.decompress(raw)
    except OSError:
        raise AssertionError(f"{ARCHIVE} is not gzip-compressed (mongodump --gzip)") from None
    (magic,) = struct.unpack_from("<I", data, 0) if len(data) >= 4 else (0,)
    assert magic == MAGIC, f"{ARCHIVE} is not a mongodump archive (--archive): wrong magic number"
    pos, docs = 4, []
    while pos + 4 <= len(data):
        (size,) = struct.unpack_from("<i", data, pos)
        if size == -1:  # the terminator: the collections' data follows
            break
        docs.append(bson.decode(data[pos:pos + size]))
        pos += size
    out = {}
    for d in docs[1:]:  # docs[0] is the archive header
        out[f"{d.get('db')}.{d.get('collection')}"] = json.loads(d.get("metadata") or "{}")
    return out


def _key(spec):
    return tuple((k, int(v) if isinstance(v, (int, float)) else v) for k, v in spec.items())


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("`mongodump --db ... --archive=... --gzip`; `mongorestore --dryRun -v` lists its collections")
def test_archive_holds_acc_acme_only(lab):
    """The backup is a gzipped mongodump archive of acc_acme's collections and nothing else"""
    namespaces = lab.cached("prelude", lambda: _prelude(lab))
    lab.record("archive_namespaces", namespaces=sorted(namespaces))
    want = {f"acc_acme.{c}" for c in COUNTS}
    problems = []
    if want - set(namespaces):
        problems.append(f"it lacks {', '.join(sorted(want - set(namespaces)))}")
    others = sorted(ns for ns in namespaces if not ns.startswith("acc_acme."))
    if others:
        problems.append(f"it also holds {', '.join(others)} (only acc_acme was asked)")
    assert not problems, f"{ARCHIVE}: " + "; ".join(problems)


@pytest.mark.points(25)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("`db.getSiblingDB('acc_acme').COLLECTION.countDocuments()`; mongorestore --drop")
def test_documents_back(mongo):
    """Every acc_acme collection has all its documents back, as they were at the backup"""
    problems = []
    with mongo.client() as c:
        names = set(c.acc_acme.list_collection_names())
        for coll, want in COUNTS.items():
            if coll not in names:
                problems.append(f"acc_acme.{coll} does not exist")
                continue
            total = c.acc_acme[coll].count_documents({})
            intact = c.acc_acme[coll].count_documents(INTACT[coll])
            if total != want or intact != want:
                problems.append(f"acc_acme.{coll}: expected {want} documents as at the backup; found {total}, "
                                f"of which {intact} unchanged")
    assert not problems, "; ".join(problems)


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("`db.COLLECTION.getIndexes()` in acc_acme: keys, unique, expireAfterSeconds")
def test_indexes_back(mongo):
    """Every acc_acme index is back with its options (unique email, TTL on sessions)"""
    problems = []
    with mongo.client() as c:
        for coll, want in INDEXES.items():
            found = {_key(ix["key"]): ix for ix in c.acc_acme[coll].list_indexes()}
            for key, opts in want.items():
                ix = found.get(key)
                name = ", ".join(f"{k}: {v}" for k, v in key)
                if ix is None:
                    problems.append(f"acc_acme.{coll} has no index {{{name}}}")
                    continue
                for opt, val in opts.items():
                    if ix.get(opt) != val:
                        problems.append(f"acc_acme.{coll} index {{{name}}}: {opt} is {ix.get(opt)!r}, expected {val!r}")
    assert not problems, "; ".join(problems)


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(2, 4)
@pytest.mark.look("acc_globex.contacts: the documents with after_backup: true arrived after your backup")
def test_acc_globex_keeps_its_new_data(mongo):
    """acc_globex has its 500 contacts and the 50 that arrived during the incident"""
    with mongo.client() as c:
        total = c.acc_globex.contacts.count_documents({})
        new = c.acc_globex.contacts.count_documents({"after_backup": True})
    assert new == 50 and total == 550, (
        f"expected acc_globex.contacts to hold 550 documents, 50 of them from after the backup; found {total}, "
        f"{new} from after the backup" + (" (has acme-incident run?)" if total == 500 and new == 0 else ""))


@pytest.mark.points(20)
@pytest.mark.after_restart
@pytest.mark.covers(3, 4)
def test_survives_restart(restart_outcome):
    """The restored database is still complete after mongod restarts"""
    restart_outcome.assert_all_passed()
