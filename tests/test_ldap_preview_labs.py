"""The LDAP and e-mail preview labs: their helpers' pure parts, and grading that changes nothing on real servers."""

from __future__ import annotations

import hashlib
import struct
import zlib

import pytest

from pytest_altlab.helpers.cutycapt import PngError, decode_png
from pytest_altlab.helpers.ldap import norm_dn
from pytest_altlab.lab import LabRunner

# --- PNG decoding (pure) ------------------------------------------------------------------------
from .conftest import assert_grading_changes_nothing


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _filter(row: bytes, prev: bytes, bpp: int, ftype: int) -> bytes:
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if ftype == 0:
            pred = 0
        elif ftype == 1:
            pred = a
        elif ftype == 2:
            pred = b
        elif ftype == 3:
            pred = (a + b) >> 1
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out.append((x - pred) & 0xFF)
    return bytes(out)


def encode_png(width: int, height: int, pixels: bytes, colour: int = 2) -> bytes:
    """A PNG whose rows use every filter type in turn, so decoding exercises all of them."""
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    stride = width * bpp
    raw, prev = bytearray(), bytes(stride)
    for y in range(height):
        row = pixels[y * stride:(y + 1) * stride]
        ftype = y % 5
        raw += bytes([ftype]) + _filter(row, prev, bpp, ftype)
        prev = row
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(bytes(raw)))
            + _chunk(b"IEND", b""))


@pytest.mark.parametrize("colour", [0, 2, 4, 6])
def test_decode_round_trip_every_filter(colour: int) -> None:
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    width, height = 13, 11
    pixels = bytes((x * 37 + y * 11 + c * 101) & 0xFF for y in range(height) for x in range(width) for c in range(bpp))
    img = decode_png(encode_png(width, height, pixels, colour))
    assert (img.width, img.height, img.bytes_per_pixel) == (width, height, bpp)
    assert img.pixels == pixels


def test_blank_and_inked_images() -> None:
    white = bytes([255, 255, 255]) * (20 * 10)
    assert decode_png(encode_png(20, 10, white)).ink_fraction() == 0.0
    bar = bytes([26, 115, 232]) * (20 * 2) + white[: 3 * 20 * 8]
    assert decode_png(encode_png(20, 10, bar)).ink_fraction() == pytest.approx(0.2)


@pytest.mark.parametrize(("mangle", "says"), [
    (lambda d: b"", "empty"),
    (lambda d: b"GIF89a" + d[6:], "signature"),
    (lambda d: d[:-12], "IEND"),
    (lambda d: d[:40] + bytes([d[40] ^ 0xFF]) + d[41:], "CRC"),
])
def test_broken_pngs_are_named(mangle, says: str) -> None:
    good = encode_png(4, 4, bytes(4 * 4 * 3))
    with pytest.raises(PngError, match=says):
        decode_png(mangle(good))


def test_norm_dn_ignores_case_and_spaces() -> None:
    assert norm_dn("UID=apetrova, ou=People ,DC=altcraft,dc=local") == "uid=apetrova,ou=people,dc=altcraft,dc=local"


# --- grading reads only (real servers) -------------------------------------------------------------


def _ldap_digest(r: LabRunner) -> str:
    """Data and configuration as slapcat dumps them (mdb allows this while slapd runs)."""
    ctx = r.context()
    res = ctx.exec("ldap", ["sh", "-c", "slapcat -n 0 -o ldif-wrap=no && slapcat -n 1 -o ldif-wrap=no"])
    assert res.ok, res.stderr
    return hashlib.sha256(res.stdout.encode()).hexdigest()


def _preview_digest(r: LabRunner) -> str:
    """Packages, the wrapper, and what grading itself could leave in /tmp."""
    ctx = r.context()
    res = ctx.exec("preview", ["sh", "-c", "dpkg -l | sha256sum; cat /usr/local/bin/html-preview | sha256sum; "
                                           "ls -A /tmp | grep -v -e '^runtime-' -e '^\\.X' || true"])
    assert res.ok, res.stderr
    assert "altlab-preview" not in res.stdout
    return res.stdout


@pytest.mark.docker
@pytest.mark.parametrize(("lab_id", "digest"), [("ldap-altcraft-directory", _ldap_digest),
                                                 ("cutycapt-xvfb", _preview_digest)])
def test_grading_changes_nothing(lab_id: str, digest) -> None:
    assert_grading_changes_nothing(lab_id, digest)
