#!/usr/bin/python3
"""The platform's attachment uploader (a small app, not a storage server): HTTP in front of one S3 bucket.

PUT /files/NAME stores the request body as object NAME, GET /files/NAME returns it, GET /status shows the
S3 settings it runs with, GET /health answers without touching S3. The settings are read from
/etc/uploader/uploader.ini on every request, so an edit takes effect at once; each failure is logged.
"""

import configparser
import json
import logging
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import boto3
from botocore.config import Config

CONFIG = "/etc/uploader/uploader.ini"
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s uploader %(levelname)s %(message)s")
log = logging.getLogger("uploader")


def settings():
    cp = configparser.ConfigParser()
    if not cp.read(CONFIG):
        raise RuntimeError(f"cannot read {CONFIG}")
    s = cp["s3"]
    return {k: s.get(k, "").strip() for k in ("endpoint", "bucket", "region", "addressing_style",
                                               "signature_version", "access_key", "secret_key")}


def client(s):
    cfg = Config(signature_version=s["signature_version"] or None, s3={"addressing_style": s["addressing_style"]},
                 retries={"max_attempts": 1}, connect_timeout=3, read_timeout=10)
    return boto3.client("s3", endpoint_url=s["endpoint"], region_name=s["region"] or None, config=cfg,
                        aws_access_key_id=s["access_key"], aws_secret_access_key=s["secret_key"])


class Handler(BaseHTTPRequestHandler):
    def reply(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def fail(self, what, e):
        log.error("%s failed: %s: %s", what, type(e).__name__, e)
        self.reply(502, {"error": f"{type(e).__name__}: {e}"})

    def name(self):
        return unquote(self.path[len("/files/"):]) if self.path.startswith("/files/") else ""

    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, {"ok": True})
        try:
            s = settings()
        except Exception as e:
            return self.fail("reading the settings", e)
        if self.path == "/status":
            shown = {k: v for k, v in s.items() if k != "secret_key"}
            return self.reply(200, shown)
        name = self.name()
        if not name:
            return self.reply(404, {"error": "no such path"})
        try:
            body = client(s).get_object(Bucket=s["bucket"], Key=name)["Body"].read()
        except Exception as e:
            if getattr(e, "response", {}).get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return self.reply(404, {"error": f"no attachment {name}"})
            return self.fail(f"GET {name} from bucket {s['bucket']} at {s['endpoint']}", e)
        log.info("GET %s: %d bytes", name, len(body))
        self.reply(200, body, "application/octet-stream")

    def do_PUT(self):
        name = self.name()
        if not name:
            return self.reply(404, {"error": "no such path"})
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        s = {}
        try:
            s = settings()
            client(s).put_object(Bucket=s["bucket"], Key=name, Body=body)
        except Exception as e:
            return self.fail(f"PUT {name} into bucket {s.get('bucket')} at {s.get('endpoint')}", e)
        log.info("PUT %s: %d bytes stored", name, len(body))
        self.reply(201, {"stored": name, "bytes": len(body)})

    def log_message(self, fmt, *args):  # one line per request (not the health checks), on stdout with the rest
        if self.path == "/health":
            return
        log.info("%s %s", self.address_string(), fmt % args)


if __name__ == "__main__":
    log.info("listening on :8080, settings from %s", CONFIG)
    ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
