"""Tamper evidence: an HMAC-SHA256 over a report and the digests of every file of its bundle."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

__all__ = ["canonical", "sign_bundle", "verify_bundle", "SIGNATURE_FILE"]

SIGNATURE_FILE = "SIGNATURE.json"


def canonical(doc: Any) -> bytes:
    """One byte string per document: sorted keys, no whitespace, UTF-8."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and p.name != SIGNATURE_FILE}


def sign_bundle(folder: Path, key: bytes, key_id: str) -> dict[str, Any]:
    """Write SIGNATURE.json: the sha256 of each file in the folder, and an HMAC over that list."""
    files = _digests(folder)
    body = {"alg": "HMAC-SHA256", "key_id": key_id, "files": files}
    sig = {**body, "hmac": hmac.new(key, canonical(body), hashlib.sha256).hexdigest()}
    (folder / SIGNATURE_FILE).write_text(json.dumps(sig, indent=2) + "\n")
    return sig


def verify_bundle(folder: Path, key: bytes) -> list[str]:
    """Problems found (empty: the bundle is exactly as signed)."""
    sig_file = folder / SIGNATURE_FILE
    if not sig_file.is_file():
        return [f"{sig_file} is missing: the bundle was never signed or the signature was removed"]
    try:
        sig = json.loads(sig_file.read_text(encoding="utf-8"))
        if not isinstance(sig, dict):
            raise ValueError("not an object")
    except ValueError:  # also UnicodeDecodeError
        return [f"{sig_file} is not a signature file (not the JSON object altlab writes)"]
    body = {k: sig.get(k) for k in ("alg", "key_id", "files")}
    problems = []
    want = hmac.new(key, canonical(body), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, str(sig.get("hmac", ""))):
        problems.append("the signature does not match: SIGNATURE.json was edited, or the key is not this exam's")
    now = _digests(folder)
    for name, digest in (sig.get("files") or {}).items():
        if name not in now:
            problems.append(f"{name} is missing")
        elif now[name] != digest:
            problems.append(f"{name} was changed after signing")
    for name in sorted(set(now) - set(sig.get("files") or {})):
        problems.append(f"{name} was added after signing")
    return problems
