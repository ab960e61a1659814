"""Checks of s3-bucket-access: 100 points, all through the S3 API from the host. Probe objects are removed
again; a request that should have been refused but created something is undone at once."""

import pytest

from pytest_altlab.helpers.s3 import ANONYMOUS, env_answers


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.look("the platform user's keys (`radosgw-admin user info --uid=...`); the bucket's policy (`s3cmd info`)")
def test_platform_round_trip(lab, s3, keys):
    """The platform key puts, gets, lists and deletes objects in the files bucket"""
    s3.round_trip(keys["platform"], lab.params.bucket)


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.depends("test_platform_round_trip")
@pytest.mark.look("which account owns the platform's key, and every policy that names it")
def test_platform_confined_to_bucket(lab, s3, keys):
    """The platform key is refused on any other bucket: list, get, put, delete"""
    other, key = lab.params.other_bucket, keys["platform"]
    s3.assert_refused(key, "list", other, s3.list(key, other))
    s3.assert_refused(key, "get", other, s3.get(key, other, "nightly.tar"))
    s3.put_refused(key, other, cleanup=keys["root"])
    s3.delete_refused(key, other, "altlab-probe/keep-me.txt", owner=keys["root"])


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(2)
@pytest.mark.depends("test_platform_round_trip")
@pytest.mark.look("the platform user's max_buckets (`radosgw-admin user info`) and which account holds its key")
def test_platform_cannot_create_or_see_buckets(lab, s3, keys):
    """The platform key cannot create buckets and sees no bucket but its own"""
    key = keys["platform"]
    s3.create_bucket_refused(key, cleanup=keys["root"])
    seen = s3.list_buckets(key)
    if seen.ok:
        extra = [b for b in seen.value if b != lab.params.bucket]
        assert not extra, f"expected the platform key to see no bucket but '{lab.params.bucket}'; it lists {extra}"
    else:
        s3.assert_refused(key, "list_buckets", "*", seen)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.look("the export user's keys and the statements that name it")
def test_export_reads(lab, s3, keys):
    """The export key gets and lists objects in the files bucket"""
    b, key = lab.params.bucket, keys["export"]
    probe = "altlab-probe/export-read.txt"
    s3.assert_can(keys["root"], "put", b, s3.put(keys["root"], b, probe, b"export me"))
    try:
        got = s3.get(key, b, probe)
        listed = s3.list(key, b)
    finally:
        s3.delete(keys["root"], b, probe)
    s3.assert_can(key, "get", b, got)
    s3.assert_can(key, "list", b, listed)


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(3)
@pytest.mark.depends("test_export_reads")
@pytest.mark.look("the actions granted to the export user")
def test_export_read_only(lab, s3, keys):
    """The export key cannot put or delete, nor read any other bucket"""
    b, key = lab.params.bucket, keys["export"]
    s3.put_refused(key, b, cleanup=keys["root"])
    s3.delete_refused(key, b, "altlab-probe/export-keep-me.txt", owner=keys["root"])
    other = lab.params.other_bucket
    s3.assert_refused(key, "list", other, s3.list(key, other))
    s3.create_bucket_refused(key, cleanup=keys["root"])


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(1)
@pytest.mark.look("the files bucket's policy and ACL (`s3cmd info s3://BUCKET`)")
def test_no_anonymous_access(lab, s3, keys):
    """Anonymous clients can neither list, get nor put in the files bucket"""
    b = lab.params.bucket
    s3.assert_refused(ANONYMOUS, "list", b, s3.list(ANONYMOUS, b))
    s3.assert_refused(ANONYMOUS, "get", b, s3.get(ANONYMOUS, b, "welcome.txt"))
    s3.put_refused(ANONYMOUS, b, cleanup=keys["root"])


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.look("the answer file; the gateway's port in /etc/ceph/ceph.conf; the bucket's location")
def test_answer_file(lab, s3, keys):
    """The answer file names the endpoint and region the platform must use"""
    p = lab.params
    answers = env_answers(lab, "s3", p.answer_file)
    endpoint = answers.get("S3_ENDPOINT", "").rstrip("/").lower()
    assert endpoint == p.endpoint, (
        f"expected S3_ENDPOINT in {p.answer_file} to be the URL the platform's containers reach the gateway at; "
        f"found {answers.get('S3_ENDPOINT', 'no S3_ENDPOINT line')!r}")
    loc = s3.location(keys["root"], p.bucket)
    s3.assert_can(keys["root"], "get", p.bucket, loc)
    region = answers.get("S3_REGION", "")
    assert region == loc.value, (
        f"expected S3_REGION in {p.answer_file} to be the bucket's region as the gateway reports it; "
        f"found {region or 'no S3_REGION line'!r}")


@pytest.mark.points(10)
@pytest.mark.after_restart
@pytest.mark.covers(5)
def test_survives_restart(restart_outcome):
    """Everything above still holds after the gateway restarts"""
    restart_outcome.assert_all_passed()
