"""HTML preview observations for checks: run the preview wrapper as a user in the container, decode its PNG."""

from __future__ import annotations

import base64
import struct
import zlib
from collections import Counter
from dataclasses import dataclass

from ..context import LabContext

__all__ = ["Image", "PngError", "Previewer", "Render", "decode_png"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel


class PngError(ValueError):
    """The bytes are not a PNG this module can read; the message says why, in a candidate's words."""


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    bytes_per_pixel: int
    pixels: bytes  # rows top to bottom, no filter bytes; palette images keep their indices

    def colour_counts(self) -> Counter[bytes]:
        bpp, data = self.bytes_per_pixel, self.pixels
        return Counter(data[i:i + bpp] for i in range(0, len(data), bpp))

    def ink_fraction(self) -> float:
        """Share of pixels that differ from the most common colour (the background): 0.0 for a blank image."""
        counts = self.colour_counts()
        total = sum(counts.values())
        if not total:
            return 0.0
        return 1.0 - counts.most_common(1)[0][1] / total


def decode_png(data: bytes) -> Image:
    """Decode a non-interlaced PNG of 8 or 16 bits per sample (what browsers and Qt write)."""
    if not data.startswith(PNG_SIGNATURE):
        head = data[:8]
        raise PngError(f"the file does not start with the PNG signature (starts with {head!r})"
                       if data else "the file is empty")
    pos, idat, ihdr, seen_end = 8, [], None, False
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise PngError(f"the PNG is truncated inside its {ctype.decode('latin-1')} chunk")
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise PngError(f"the PNG's {ctype.decode('latin-1')} chunk is corrupt (CRC mismatch)")
        if ctype == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            seen_end = True
            break
        pos += 12 + length
    if ihdr is None:
        raise PngError("the PNG has no IHDR chunk")
    if not seen_end:
        raise PngError("the PNG is truncated: no IEND chunk")
    width, height, depth, colour, _comp, _filt, interlace = ihdr
    if colour not in _CHANNELS or depth not in (8, 16) or (colour == 3 and depth != 8):
        raise PngError(f"unsupported PNG format (colour type {colour}, {depth} bits per sample)")
    if interlace:
        raise PngError("the PNG is interlaced (Adam7), which this check does not read")
    if width == 0 or height == 0:
        raise PngError(f"the PNG has no pixels ({width}x{height})")
    bpp = _CHANNELS[colour] * depth // 8
    stride = width * bpp
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise PngError(f"the PNG's image data does not decompress ({e})") from None
    if len(raw) < (stride + 1) * height:
        raise PngError("the PNG's image data is shorter than its width and height say")
    return Image(width, height, bpp, _unfilter(raw, height, stride, bpp))


def _unfilter(raw: bytes, height: int, stride: int, bpp: int) -> bytes:
    out = bytearray(stride * height)
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if ftype == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif ftype == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        elif ftype != 0:
            raise PngError(f"the PNG's row {y} has an unknown filter type {ftype}")
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return bytes(out)


@dataclass(frozen=True)
class Render:
    """One run of the wrapper: how it ended, what it printed, the PNG it wrote (None: no file)."""

    returncode: int | None  # None: it could not be run at all (see problem)
    output: str  # the last lines the wrapper printed (stdout and stderr)
    png: bytes | None
    seconds: float
    problem: str = ""  # why it could not be run, in a candidate's words

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.png is not None

    def describe(self) -> str:
        if self.problem:
            return self.problem
        tail = " | ".join(line.strip() for line in self.output.strip().splitlines()[-4:] if line.strip())
        said = f"; it printed: {tail}" if tail else ""
        if self.returncode == 124:
            return f"it did not finish within the time limit{said}"
        if self.returncode != 0:
            return f"it exited with status {self.returncode}{said}"
        if self.png is None:
            return f"it exited with status 0 but wrote no PNG file at the output path{said}"
        return f"it wrote a {len(self.png)}-byte file in {self.seconds:.1f} s"

    def image(self) -> Image:
        """The decoded PNG; an AssertionError in a candidate's words where there is none or it is broken."""
        __tracebackhide__ = True
        if not self.ok:
            raise AssertionError(f"the preview wrapper did not produce a PNG: {self.describe()}")
        assert self.png is not None
        try:
            return decode_png(self.png)
        except PngError as e:
            raise AssertionError(f"the wrapper's output is not a valid PNG: {e}") from None


# Runs as the service account in a fresh private directory that is removed on exit, so a check leaves
# nothing behind. Pages arrive base64-encoded in PAGE<i>; results come back as tagged lines.
_SCRIPT = r"""
set -u
w="$ALTLAB_WRAPPER"
if [ ! -e "$w" ]; then echo "ALTLAB-PROBLEM missing"; exit 0; fi
if [ ! -x "$w" ]; then echo "ALTLAB-PROBLEM not-executable"; exit 0; fi
d=$(mktemp -d /tmp/altlab-preview.XXXXXX) || { echo "ALTLAB-PROBLEM no-tmp"; exit 0; }
trap 'rm -rf "$d"' EXIT
i=0
while [ "$i" -lt "$ALTLAB_PAGES" ]; do
  eval "printf '%s' \"\$PAGE$i\"" | base64 -d > "$d/page$i.html"
  i=$((i + 1))
done
run() {
  s=$(date +%s%N)
  timeout "$ALTLAB_TIMEOUT" "$w" "$d/page$1.html" "$d/out$1.png" > "$d/log$1" 2>&1
  echo "$? $(( ($(date +%s%N) - s) / 1000000 ))" > "$d/rc$1"
}
i=0
while [ "$i" -lt "$ALTLAB_PAGES" ]; do
  run "$i" &
  i=$((i + 1))
  if [ "$i" -lt "$ALTLAB_PAGES" ]; then sleep "$ALTLAB_STAGGER"; fi
done
wait
i=0
while [ "$i" -lt "$ALTLAB_PAGES" ]; do
  echo "ALTLAB-RC $i $(cat "$d/rc$i")"
  echo "ALTLAB-LOG $i $(tail -c 3000 "$d/log$i" | base64 -w0)"
  if [ -f "$d/out$i.png" ]; then echo "ALTLAB-PNG $i $(base64 -w0 "$d/out$i.png")"; fi
  i=$((i + 1))
done
"""

_PROBLEMS = {
    "missing": "the wrapper {wrapper} does not exist",
    "not-executable": "user '{user}' cannot execute {wrapper} (is it executable, and are the "
                      "directories on its path open to that user?)",
    "no-tmp": "user '{user}' cannot create a temporary directory in /tmp",
}


class Previewer:
    """Runs the preview wrapper the way the platform does: as `user`, `wrapper INPUT.html OUTPUT.png`."""

    def __init__(self, lab: LabContext, service: str, user: str, wrapper: str) -> None:
        self.lab = lab
        self.service = service
        self.user = user
        self.wrapper = wrapper

    def render(self, html: str, timeout: float = 90) -> Render:
        return self.render_many([html], timeout=timeout)[0]

    def render_many(self, pages: list[str], *, stagger: float = 0.5, timeout: float = 90) -> list[Render]:
        """Start one wrapper run per page, `stagger` seconds apart, so that they overlap in time."""
        env = {"ALTLAB_WRAPPER": self.wrapper, "ALTLAB_PAGES": str(len(pages)), "ALTLAB_STAGGER": str(stagger),
               "ALTLAB_TIMEOUT": str(int(timeout))}
        for i, page in enumerate(pages):
            env[f"PAGE{i}"] = base64.b64encode(page.encode()).decode()
        res = self.lab.exec(self.service, ["sh", "-c", _SCRIPT], user=self.user, env=env,
                            timeout=timeout + stagger * len(pages) + 60)
        out = res.stdout
        for line in out.splitlines():
            if line.startswith("ALTLAB-PROBLEM "):
                text = _PROBLEMS.get(line.split()[1], line).format(wrapper=self.wrapper, user=self.user)
                return [Render(None, "", None, 0.0, text) for _ in pages]
        rcs: dict[int, tuple[int, float]] = {}
        logs: dict[int, str] = {}
        pngs: dict[int, bytes] = {}
        for line in out.splitlines():
            parts = line.split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("ALTLAB-"):
                continue
            i = int(parts[1])
            rest = parts[2] if len(parts) > 2 else ""
            if parts[0] == "ALTLAB-RC":
                rc_text, ms_text = rest.split()
                rcs[i] = (int(rc_text), int(ms_text) / 1000)
            elif parts[0] == "ALTLAB-LOG":
                logs[i] = base64.b64decode(rest).decode("utf-8", "replace") if rest else ""
            elif parts[0] == "ALTLAB-PNG":
                pngs[i] = base64.b64decode(rest) if rest else b""
        renders = []
        for i in range(len(pages)):
            if i not in rcs:
                why = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
                renders.append(Render(None, "", None, 0.0,
                                      f"could not run the wrapper as user '{self.user}' in the container: {why[0]}"))
                continue
            rc, secs = rcs[i]
            renders.append(Render(rc, logs.get(i, ""), pngs.get(i), secs))
        return renders
