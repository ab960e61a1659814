"""Bundle signatures without Docker: Ed25519 (verifiable by anyone with the public key) and the former HMAC format."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pytest_altlab.errors import AltlabError
from pytest_altlab.exams.signing import (
    generate_keypair,
    load_private_key,
    sign_bundle,
    sign_bundle_ed25519,
    verify_bundle,
)

from .conftest import altlab


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    priv, pub = tmp_path / "keys" / "signing-key.pem", tmp_path / "keys" / "public.pem"
    generate_keypair(priv, pub)
    return priv, pub


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    b = tmp_path / "attempt-1"
    (b / "recordings").mkdir(parents=True)
    (b / "report.json").write_text(json.dumps({"candidate": "alice", "percent": 100.0}))
    (b / "report.html").write_text("<html>100%</html>")
    (b / "recordings" / "probe-box-1.cast").write_text('{"version": 2}\n[0.1, "o", "$ "]\n')
    return b


def test_private_key_is_owner_only(keys: tuple[Path, Path]) -> None:
    priv, pub = keys
    assert stat.S_IMODE(os.stat(priv).st_mode) == 0o600
    assert pub.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in pub.read_text()


def test_signed_bundle_verifies_with_the_public_key_alone(bundle: Path, keys: tuple[Path, Path]) -> None:
    priv, pub = keys
    sig = sign_bundle_ed25519(bundle, load_private_key(priv), "run-1")
    assert sig["alg"] == "Ed25519" and "recordings/probe-box-1.cast" in sig["files"]
    assert verify_bundle(bundle, pub.read_bytes()) == []


@pytest.mark.parametrize("victim", ["report.json", "recordings/probe-box-1.cast"])
def test_one_changed_byte_is_named(bundle: Path, keys: tuple[Path, Path], victim: str) -> None:
    priv, pub = keys
    sign_bundle_ed25519(bundle, load_private_key(priv), "run-1")
    data = bytearray((bundle / victim).read_bytes())
    data[5] ^= 1
    (bundle / victim).write_bytes(bytes(data))
    assert verify_bundle(bundle, pub.read_bytes()) == [f"{victim} was changed after signing"]


def test_added_and_removed_files_are_named(bundle: Path, keys: tuple[Path, Path]) -> None:
    priv, pub = keys
    sign_bundle_ed25519(bundle, load_private_key(priv), "run-1")
    (bundle / "recordings" / "probe-box-1.cast").unlink()
    (bundle / "recordings" / "clean.cast").write_text("{}\n")
    problems = verify_bundle(bundle, pub.read_bytes())
    assert problems == ["recordings/probe-box-1.cast is missing", "recordings/clean.cast was added after signing"]


def test_forged_signature_file_fails(bundle: Path, keys: tuple[Path, Path]) -> None:
    """Whoever edits the report and rewrites the digests in SIGNATURE.json still lacks the private key."""
    priv, pub = keys
    sign_bundle_ed25519(bundle, load_private_key(priv), "run-1")
    (bundle / "report.json").write_text(json.dumps({"candidate": "alice", "percent": 40.0}))
    import hashlib

    sig = json.loads((bundle / "SIGNATURE.json").read_text())
    sig["files"]["report.json"] = hashlib.sha256((bundle / "report.json").read_bytes()).hexdigest()
    (bundle / "SIGNATURE.json").write_text(json.dumps(sig))
    problems = verify_bundle(bundle, pub.read_bytes())
    assert len(problems) == 1 and problems[0].startswith("the signature does not match")


def test_a_bundle_signed_with_another_key_fails(bundle: Path, keys: tuple[Path, Path], tmp_path: Path) -> None:
    """A forger's own key pair makes a self-consistent bundle, but not one the exam's public key accepts."""
    _, pub = keys
    generate_keypair(tmp_path / "forger.pem", tmp_path / "forger.pub")
    sign_bundle_ed25519(bundle, load_private_key(tmp_path / "forger.pem"), "run-1")
    assert verify_bundle(bundle, (tmp_path / "forger.pub").read_bytes()) == []
    problems = verify_bundle(bundle, pub.read_bytes())
    assert len(problems) == 1 and "not this exam's" in problems[0]


def test_old_hmac_bundle_still_verifies_with_its_key(bundle: Path, keys: tuple[Path, Path]) -> None:
    (bundle / "recordings" / "probe-box-1.cast").unlink()
    (bundle / "recordings").rmdir()  # the former bundles were flat
    key = b"k" * 32
    sig = sign_bundle(bundle, key, "run-0")
    assert sig["alg"] == "HMAC-SHA256" and set(sig["files"]) == {"report.json", "report.html"}
    assert verify_bundle(bundle, key) == []
    assert verify_bundle(bundle, b"x" * 32)[0].startswith("the signature does not match")
    with pytest.raises(AltlabError, match="a public key cannot verify it"):
        verify_bundle(bundle, keys[1].read_bytes())
    (bundle / "report.json").write_text("{}")
    assert verify_bundle(bundle, key) == ["report.json was changed after signing"]


def test_ed25519_bundle_asks_for_the_public_key(bundle: Path, keys: tuple[Path, Path]) -> None:
    sign_bundle_ed25519(bundle, load_private_key(keys[0]), "run-1")
    with pytest.raises(AltlabError, match="verify it with the exam's public key"):
        verify_bundle(bundle, b"k" * 32)


def test_verify_report_cli_with_public_key(bundle: Path, keys: tuple[Path, Path], tmp_path: Path) -> None:
    priv, pub = keys
    sign_bundle_ed25519(bundle, load_private_key(priv), "run-1")
    ok = altlab("exam", "verify-report", str(bundle), "--public-key", str(pub))
    assert ok.returncode == 0 and "exactly as signed" in ok.stdout, ok.stderr
    (bundle / "report.html").write_text("<html>0%</html>")
    bad = altlab("exam", "verify-report", str(bundle / "report.json"), "--public-key", str(pub))
    assert bad.returncode == 1 and "TAMPERED: report.html was changed after signing" in bad.stdout
    (tmp_path / "junk.pem").write_text("not a key")
    junk = altlab("exam", "verify-report", str(bundle), "--public-key", str(tmp_path / "junk.pem"))
    assert junk.returncode != 0 and "Traceback" not in junk.stderr and "not a PEM public key" in junk.stderr
