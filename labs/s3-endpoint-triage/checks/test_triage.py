"""Checks of s3-endpoint-triage: 100 points. Through the uploader as the platform uses it, and directly
through S3; every probe object is removed again."""

import uuid

import pytest

SIGV4 = ("s3v4", "v4")


@pytest.mark.points(30)
@pytest.mark.persistent
@pytest.mark.covers(1, 2, 3, 4)
@pytest.mark.look("`altlab logs s3-endpoint-triage uploader`: each failed upload says why")
def test_upload_through_uploader(lab, s3, keys, uploader):
    """An attachment PUT to the uploader lands in the bucket"""
    b, name = lab.params.bucket, f"altlab-probe-{uuid.uuid4().hex}.txt"
    body = f"attachment {uuid.uuid4().hex}".encode()
    r = uploader.request("PUT", f"/files/{name}", body)
    try:
        assert r.status_code == 201, (
            f"expected the uploader to store an attachment (HTTP 201); found HTTP {r.status_code}: {r.text[:300]}")
        got = s3.get(keys["root"], b, name)
        assert got.ok and got.value == body, (
            f"the uploader said it stored '{name}' but bucket '{b}' does not hold it with the same bytes "
            f"({got.detail})")
    finally:
        s3.delete(keys["root"], b, name)


@pytest.mark.points(20)
@pytest.mark.persistent
@pytest.mark.covers(1, 2, 3, 4)
@pytest.mark.look("`altlab logs s3-endpoint-triage uploader` after a download")
def test_download_through_uploader(lab, s3, keys, uploader):
    """An object in the bucket downloads through the uploader"""
    b, name = lab.params.bucket, f"altlab-probe-{uuid.uuid4().hex}.txt"
    body = f"stored directly {uuid.uuid4().hex}".encode()
    s3.assert_can(keys["root"], "put", b, s3.put(keys["root"], b, name, body))
    try:
        r = uploader.request("GET", f"/files/{name}")
    finally:
        s3.delete(keys["root"], b, name)
    assert r.status_code == 200, (
        f"expected the uploader to return an attachment from bucket '{b}' (HTTP 200); found HTTP {r.status_code}: "
        f"{r.text[:300]}")
    assert r.content == body, "the uploader returned other bytes than the object holds"


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.look("`radosgw-admin user info --uid=uploader`: its keys and `suspended`")
def test_current_key_direct(lab, s3, keys):
    """The current key puts, gets, lists and deletes in the bucket directly through S3"""
    s3.round_trip(keys["current"], lab.params.bucket)


@pytest.mark.points(15)
@pytest.mark.persistent
@pytest.mark.covers(2, 3)
@pytest.mark.look("the uploader's settings file; the bucket's location (`s3cmd info`)")
def test_uploader_signing_settings(lab, s3, keys, uploader):
    """The uploader signs with SigV4 for the bucket's region, with the current key"""
    r = uploader.request("GET", "/status")
    assert r.status_code == 200, f"the uploader could not read its settings: HTTP {r.status_code}: {r.text[:300]}"
    st = r.json()
    loc = s3.location(keys["root"], lab.params.bucket)
    assert loc.ok, f"could not read the bucket's location as the root account: {loc.detail}"
    found = {k: st.get(k) for k in ("signature_version", "region", "access_key")}
    ok = (st.get("signature_version") in SIGV4 and st.get("region") == loc.value
          and st.get("access_key") == lab.params.access_key)
    assert ok, (f"expected the uploader to sign with Signature Version 4 for the bucket's region, with the current "
                f"key; found signature_version={found['signature_version']!r}, region={found['region']!r}, "
                f"access_key={'the current key' if found['access_key'] == lab.params.access_key else 'another key'}")


@pytest.mark.points(10)
@pytest.mark.persistent
@pytest.mark.covers(4)
@pytest.mark.depends("test_current_key_direct")
@pytest.mark.look("the uploader user's keys (`radosgw-admin user info`)")
def test_old_key_stays_revoked(lab, s3, keys):
    """The rotated key stays revoked"""
    key = keys["old"]
    s3.assert_refused(key, "list", lab.params.bucket, s3.list(key, lab.params.bucket))


@pytest.mark.points(10)
@pytest.mark.after_restart
@pytest.mark.covers(5)
def test_survives_restart(restart_outcome):
    """Everything above still holds after the gateway and the uploader restart"""
    restart_outcome.assert_all_passed()
