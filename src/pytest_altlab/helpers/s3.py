"""S3 observations for checks, through the S3 API on the published port (boto3): the same on RGW and MinIO."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.exceptions as bex
from botocore import UNSIGNED
from botocore.config import Config

from ..context import LabContext

__all__ = ["Creds", "Outcome", "S3", "ANONYMOUS"]

S3_PORT = 9000
# What the server says when it refuses a request: as opposed to not answering, or a missing bucket/key.
_REFUSED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled", "UserSuspended",
            "TooManyBuckets", "403"}
_MISSING = {"NoSuchBucket", "NoSuchKey", "404"}


@dataclass(frozen=True)
class Creds:
    """An access key pair with a name for messages ("the platform key")."""

    label: str
    access_key: str | None
    secret_key: str | None = None


ANONYMOUS = Creds("an anonymous client", None)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    code: str  # "" when it worked; the S3 error code, or "no-answer"
    detail: str
    value: Any = None

    @property
    def refused(self) -> bool:
        return self.code in _REFUSED

    @property
    def answered(self) -> bool:
        return self.code != "no-answer"


_WHAT = {
    "put": "put an object into bucket '{b}'",
    "get": "get an object from bucket '{b}'",
    "delete": "delete an object from bucket '{b}'",
    "list": "list the objects of bucket '{b}'",
    "create_bucket": "create a new bucket '{b}'",
    "list_buckets": "list all buckets",
}


class S3:
    def __init__(self, lab: LabContext, service: str = "s3", region: str = "us-east-1") -> None:
        self.lab = lab
        self.service = service
        self.region = region

    @property
    def endpoint(self) -> str:
        return f"http://{self.lab.host}:{self.lab.port(self.service, S3_PORT)}"

    def client(self, creds: Creds) -> Any:
        """A path-style SigV4 client (anonymous: unsigned) that tries once and gives up fast."""
        cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"},
                     connect_timeout=5, read_timeout=20,
                     signature_version=UNSIGNED if creds.access_key is None else "s3v4")
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name=self.region, config=cfg,
            aws_access_key_id=creds.access_key or "anonymous", aws_secret_access_key=creds.secret_key or "anonymous")

    # --- one request, told apart: worked / refused / missing / no answer -----------------------------

    def attempt(self, creds: Creds, op: str, call: Callable[[Any], Any], **where: Any) -> Outcome:
        try:
            value = call(self.client(creds))
        except bex.ClientError as e:
            err = e.response.get("Error", {})
            code = str(err.get("Code") or e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?"))
            msg = err.get('Message')
            out = Outcome(False, code, f"{code}: {msg}" if msg else code)
        except (bex.EndpointConnectionError, bex.ConnectTimeoutError, bex.ReadTimeoutError,
                bex.ConnectionClosedError) as e:
            out = Outcome(False, "no-answer", f"no answer from the S3 endpoint ({type(e).__name__})")
        else:
            out = Outcome(True, "", "worked", value)
        self.lab.record("s3", op=op, key_id=creds.access_key or "anonymous", ok=out.ok, code=out.code, **where)
        return out

    def put(self, creds: Creds, bucket: str, key: str, body: bytes) -> Outcome:
        return self.attempt(creds, "PutObject", lambda c: c.put_object(Bucket=bucket, Key=key, Body=body),
                            bucket=bucket, key=key)

    def get(self, creds: Creds, bucket: str, key: str) -> Outcome:
        return self.attempt(creds, "GetObject", lambda c: c.get_object(Bucket=bucket, Key=key)["Body"].read(),
                            bucket=bucket, key=key)

    def delete(self, creds: Creds, bucket: str, key: str) -> Outcome:
        return self.attempt(creds, "DeleteObject", lambda c: c.delete_object(Bucket=bucket, Key=key),
                            bucket=bucket, key=key)

    def list(self, creds: Creds, bucket: str) -> Outcome:
        """ListObjectsV2 (first page): value is the list of keys."""
        return self.attempt(creds, "ListObjectsV2",
                            lambda c: [o["Key"] for o in c.list_objects_v2(Bucket=bucket).get("Contents", [])],
                            bucket=bucket)

    def list_buckets(self, creds: Creds) -> Outcome:
        """ListBuckets: value is the sorted bucket names this key sees. Cached per key."""
        return self.lab.cached(("s3-list-buckets", self.service, creds.access_key), lambda: self.attempt(
            creds, "ListBuckets", lambda c: sorted(b["Name"] for b in c.list_buckets().get("Buckets", []))))

    def location(self, creds: Creds, bucket: str) -> Outcome:
        """GetBucketLocation: value is the region, with S3's convention that an empty answer means us-east-1."""
        return self.lab.cached(("s3-location", self.service, bucket), lambda: self.attempt(
            creds, "GetBucketLocation",
            lambda c: c.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1", bucket=bucket))

    # --- assertions for checks ----------------------------------------------------------------------

    def assert_can(self, creds: Creds, action: str, bucket: str, out: Outcome) -> None:
        __tracebackhide__ = True
        if not out.ok:
            found = out.detail if out.answered else out.detail + "; is the gateway running?"
            raise AssertionError(f"expected {creds.label} to {_WHAT[action].format(b=bucket)}; found {found}")

    def assert_refused(self, creds: Creds, action: str, bucket: str, out: Outcome) -> None:
        __tracebackhide__ = True
        if out.ok:
            raise AssertionError(f"expected {creds.label} to be refused to {_WHAT[action].format(b=bucket)}; "
                                 f"found the request allowed")
        if not out.answered:
            raise AssertionError(f"could not tell whether {creds.label} may {_WHAT[action].format(b=bucket)}: "
                                 f"{out.detail}; is the gateway running?")
        if not out.refused and out.code not in _MISSING:
            raise AssertionError(f"expected {creds.label} to be refused to {_WHAT[action].format(b=bucket)} "
                                 f"(AccessDenied); found {out.detail}")

    def round_trip(self, creds: Creds, bucket: str) -> None:
        """put -> get (same bytes) -> list (key shown) -> delete -> get (gone): leaves the bucket as it was."""
        __tracebackhide__ = True
        key = f"altlab-probe/{uuid.uuid4().hex}.txt"
        body = f"altlab probe {uuid.uuid4().hex}".encode()
        self.assert_can(creds, "put", bucket, self.put(creds, bucket, key, body))
        try:
            got = self.get(creds, bucket, key)
            self.assert_can(creds, "get", bucket, got)
            assert got.value == body, f"{creds.label} put an object into '{bucket}' but got other bytes back"
            listed = self.list(creds, bucket)
            self.assert_can(creds, "list", bucket, listed)
            assert key in listed.value or len(listed.value) >= 1000, (
                f"{creds.label} put '{key}' into '{bucket}' but a listing does not show it")
        finally:
            gone = self.delete(creds, bucket, key)
        self.assert_can(creds, "delete", bucket, gone)
        after = self.get(creds, bucket, key)
        assert not after.ok, f"{creds.label} deleted '{key}' from '{bucket}' but it can still be read"

    def put_refused(self, creds: Creds, bucket: str, cleanup: Creds | None = None) -> None:
        """A put that must be refused; if it is allowed, the probe object is removed again (by `cleanup`)."""
        __tracebackhide__ = True
        key = f"altlab-probe/{uuid.uuid4().hex}.txt"
        out = self.put(creds, bucket, key, b"altlab probe: must be refused")
        if out.ok:
            self.delete(cleanup or creds, bucket, key)
        self.assert_refused(creds, "put", bucket, out)

    def delete_refused(self, creds: Creds, bucket: str, key: str, owner: Creds) -> None:
        """A delete that must be refused, on an object `owner` puts first and removes afterwards."""
        __tracebackhide__ = True
        self.assert_can(owner, "put", bucket, self.put(owner, bucket, key, b"altlab probe: must survive"))
        try:
            out = self.delete(creds, bucket, key)
        finally:
            self.delete(owner, bucket, key)
        self.assert_refused(creds, "delete", bucket, out)

    def create_bucket_refused(self, creds: Creds, cleanup: Creds | None = None) -> None:
        """CreateBucket of a fresh name must be refused; one that got created is removed again."""
        __tracebackhide__ = True
        name = f"altlab-probe-{uuid.uuid4().hex[:12]}"
        out = self.attempt(creds, "CreateBucket", lambda c: c.create_bucket(Bucket=name), bucket=name)
        if out.ok:
            self.attempt(cleanup or creds, "DeleteBucket", lambda c: c.delete_bucket(Bucket=name), bucket=name)
        self.assert_refused(creds, "create_bucket", name, out)


def env_answers(lab: LabContext, service: str, path: str) -> dict[str, str]:
    """KEY=VALUE lines of an answer file in a container (`export`, quotes and comments allowed)."""
    __tracebackhide__ = True
    text = lab.read_file(service, path)
    if text is None:
        raise AssertionError(f"expected the answer file {path} in the '{service}' container; found no such file")
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        k, v = line.removeprefix("export ").split("=", 1)
        out[k.strip()] = v.strip().strip("'\"").strip()
    lab.record("answer-file", path=path, values=out)
    return out
