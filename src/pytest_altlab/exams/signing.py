"""Tamper evidence for report bundles: Ed25519 signatures over every file (HMAC-SHA256 bundles still verify)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import AltlabError

__all__ = ["canonical", "sign_bundle", "sign_bundle_ed25519", "verify_bundle", "generate_keypair",
           "load_private_key", "load_public_key", "key_fingerprint", "signature_alg", "SIGNATURE_FILE"]

SIGNATURE_FILE = "SIGNATURE.json"
ED25519 = "Ed25519"
HMAC_ALG = "HMAC-SHA256"


def canonical(doc: Any) -> bytes:
    """One byte string per document: sorted keys, no whitespace, UTF-8."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digests(folder: Path) -> dict[str, str]:
    # Every file at any depth (recordings/ included), named by its POSIX path relative to the bundle;
    # a flat bundle gives the same names as the HMAC format always did.
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if rel == SIGNATURE_FILE or p.is_dir():
            continue
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


# --- keys --------------------------------------------------------------------------------------------

def generate_keypair(private_file: Path, public_file: Path) -> None:
    """A new Ed25519 pair: the private key readable by its owner only (0600), the public key beside it."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    private_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never briefly world-readable
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    os.chmod(private_file, 0o600)
    public_file.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))


def load_private_key(file: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise AltlabError(f"{file} is not an Ed25519 private key")
    return key


def load_public_key(data: bytes, where: str = "the public key") -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise AltlabError(f"{where} is not a PEM public key",
                          hint="use the public.pem that `altlab exam start` wrote and printed") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AltlabError(f"{where} is not an Ed25519 public key",
                          hint="use the public.pem that `altlab exam start` wrote and printed")
    return key


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """sha256 of the raw public key, shown so a verifier can tell two keys apart at a glance."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:32]


def signature_alg(folder: Path) -> str | None:
    """The algorithm a bundle says it was signed with (to pick the right key), None if unreadable."""
    try:
        alg = json.loads((folder / SIGNATURE_FILE).read_text()).get("alg")
        return str(alg) if alg else None
    except (OSError, ValueError, AttributeError):
        return None


def _is_public_pem(data: bytes) -> bool:
    return data.lstrip().startswith(b"-----BEGIN PUBLIC KEY-----")


# --- signing -----------------------------------------------------------------------------------------

def sign_bundle_ed25519(folder: Path, private_key: Ed25519PrivateKey, key_id: str) -> dict[str, Any]:
    """Write SIGNATURE.json: the sha256 of each file (any depth) and an Ed25519 signature over that list."""
    body = {"alg": ED25519, "key_id": key_id, "public_key": key_fingerprint(private_key.public_key()),
            "files": _digests(folder)}
    sig = {**body, "signature": base64.b64encode(private_key.sign(canonical(body))).decode()}
    (folder / SIGNATURE_FILE).write_text(json.dumps(sig, indent=2) + "\n")
    return sig


def sign_bundle(folder: Path, key: bytes, key_id: str) -> dict[str, Any]:
    """The former format: an HMAC over the file list with the exam's secret (kept for old runs and tests)."""
    body = {"alg": HMAC_ALG, "key_id": key_id, "files": _digests(folder)}
    sig = {**body, "hmac": hmac.new(key, canonical(body), hashlib.sha256).hexdigest()}
    (folder / SIGNATURE_FILE).write_text(json.dumps(sig, indent=2) + "\n")
    return sig


def verify_bundle(folder: Path, key: bytes) -> list[str]:
    """Problems found (empty: the bundle is exactly as signed).

    `key` is a PEM public key for Ed25519 bundles, or the exam's HMAC secret for bundles of the old format;
    the wrong kind of key for the bundle raises AltlabError.
    """
    sig_file = folder / SIGNATURE_FILE
    if not sig_file.is_file():
        return [f"{sig_file} is missing: the bundle was never signed or the signature was removed"]
    try:
        sig = json.loads(sig_file.read_text())
    except (ValueError, UnicodeDecodeError):
        return [f"{sig_file} is not valid JSON: it was edited"]
    if not isinstance(sig, dict) or not isinstance(sig.get("files"), dict):
        return [f"{sig_file} has no file list: it was edited"]
    alg = sig.get("alg")
    problems = []
    if alg == ED25519:
        if not _is_public_pem(key):  # a wrong kind of key says nothing about the bundle: not a verdict
            raise AltlabError(f"{folder} is signed with Ed25519: verify it with the exam's public key",
                              hint="--public-key public.pem (printed by `altlab exam start`)")
        public = load_public_key(key)
        body = {k: sig.get(k) for k in ("alg", "key_id", "public_key", "files")}
        try:
            public.verify(base64.b64decode(str(sig.get("signature", "")), validate=True), canonical(body))
        except (InvalidSignature, ValueError):
            problems.append("the signature does not match: SIGNATURE.json was edited, or the public key "
                            f"({key_fingerprint(public)}) is not this exam's (signed by {sig.get('public_key')})")
    elif alg == HMAC_ALG:
        if _is_public_pem(key):
            raise AltlabError(f"{folder} has an HMAC signature (the former format): a public key cannot verify it",
                              hint="--key-file KEY (the exam folder's `key`) or --exam EXAM on the proctor's host")
        body = {k: sig.get(k) for k in ("alg", "key_id", "files")}
        want = hmac.new(key, canonical(body), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, str(sig.get("hmac", ""))):
            problems.append("the signature does not match: SIGNATURE.json was edited, or the key is not this exam's")
    else:
        return [f"{sig_file} names an unknown algorithm {alg!r}: it was edited"]
    now = _digests(folder)
    for name, digest in sig["files"].items():
        if name not in now:
            problems.append(f"{name} is missing")
        elif now[name] != digest:
            problems.append(f"{name} was changed after signing")
    for name in sorted(set(now) - set(sig["files"])):
        problems.append(f"{name} was added after signing")
    return problems
