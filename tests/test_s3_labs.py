"""The S3 labs on a real gateway (Ceph RGW on DBStore): grading changes nothing, and radosgw-admin returns."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pytest_altlab.catalog import Catalog
from pytest_altlab.lab import LabRunner

from .conftest import assert_grading_changes_nothing

LABS = {"s3-bucket-access": ("platform", "exports", "root"), "s3-endpoint-triage": ("uploader", "root")}
FILES = {"s3-bucket-access": ("s3", "/root/platform-s3.env"),
         "s3-endpoint-triage": ("uploader", "/etc/uploader/uploader.ini")}


def _client(ctx: Any) -> Any:
    p = ctx.params
    return boto3.client("s3", endpoint_url=ctx.url("s3", 9000), region_name="us-east-1",
                        aws_access_key_id=p.root_access_key, aws_secret_access_key=p.root_secret_key,
                        config=Config(s3={"addressing_style": "path"}))


def digest(r: LabRunner) -> str:
    """Every bucket of the root account with its objects (key, etag), policy and ACL; the users (keys,
    suspended, caps, max_buckets) as radosgw-admin shows them; the lab's answer or settings file."""
    ctx = r.context()
    c = _client(ctx)
    state: dict[str, Any] = {}
    for b in sorted(x["Name"] for x in c.list_buckets()["Buckets"]):
        objs = sorted((o["Key"], o["ETag"]) for o in c.list_objects_v2(Bucket=b).get("Contents", []))
        try:
            policy = c.get_bucket_policy(Bucket=b)["Policy"]
        except c.exceptions.ClientError:
            policy = None
        state[b] = {"objects": objs, "policy": policy, "acl": c.get_bucket_acl(Bucket=b)["Grants"]}
    for uid in LABS[r.manifest.id]:
        res = ctx.exec("s3", ["radosgw-admin", "user", "info", f"--uid={uid}"])
        info = json.loads(res.stdout) if res.ok else {}
        state[f"user:{uid}"] = {k: info.get(k) for k in ("keys", "suspended", "caps", "max_buckets")}
    service, path = FILES[r.manifest.id]
    state["file"] = ctx.read_file(service, path)
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


@pytest.mark.docker
@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_grading_changes_nothing(lab_id: str) -> None:
    assert_grading_changes_nothing(lab_id, digest)


@pytest.mark.docker
def test_radosgw_admin_always_returns() -> None:
    """Ceph 18.2's DBStore GC thread can hang radosgw-admin's shutdown for ~864 s; the image's wrapper ends
    such a process once its work is done and keeps the exit status of real errors."""
    r = LabRunner(Catalog().get("s3-bucket-access"), "rgw-admin-test")
    r.stop()
    r.start()
    try:
        ctx = r.context()
        for _ in range(6):
            res = ctx.exec("s3", ["radosgw-admin", "user", "info", "--uid=root"], timeout=60)
            assert res.ok, res.stderr
            assert json.loads(res.stdout)["user_id"] == "root"
        missing = ctx.exec("s3", ["radosgw-admin", "user", "info", f"--uid=nobody-{uuid.uuid4().hex[:6]}"], timeout=60)
        assert not missing.ok
        dup = ctx.exec("s3", ["radosgw-admin", "user", "create", "--uid=root", "--display-name=again"], timeout=60)
        assert not dup.ok and "exists" in dup.stderr
    finally:
        assert not any(r.stop().values())
