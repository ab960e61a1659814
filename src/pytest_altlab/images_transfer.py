"""Carry a lab's images to a host with no registry: `altlab images save` / `altlab images load`."""

from __future__ import annotations

import argparse
import io
import json
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import docker
from .composefile import load_service_file
from .errors import AltlabError
from .manifest import LabManifest

__all__ = ["MANIFEST_NAME", "SavedImage", "add_transfer_commands", "lab_images", "load", "read_manifest", "save"]

# The manifest is a member of the `docker save` tar itself (one file to carry); `docker load` ignores
# top-level files it does not know, as it does the OCI layout files newer engines write beside manifest.json.
MANIFEST_NAME = "altlab-images.json"
FORMAT = "altlab-images"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class SavedImage:
    image: str  # repository:tag
    id: str  # sha256:... (the image config digest: the same on every engine that loads the file)
    uses: tuple[str, ...]  # "lab/service" pairs that need it


def default_flavour(m: LabManifest) -> str:
    return "debian" if "debian" in m.flavours else m.flavours[0]


def lab_images(m: LabManifest, flavour: str | None) -> dict[str, list[str]]:
    """image -> ["lab/service", ...] for one lab in a flavour (the images `altlab start` would run)."""
    flav = flavour or default_flavour(m)
    if flav not in m.flavours:
        raise AltlabError(f"lab '{m.id}' has no {flav} flavour (it has: {', '.join(m.flavours)})",
                          hint="leave out --flavour to take each lab's own default flavour")
    out: dict[str, list[str]] = {}
    for spec in m.services:
        sf = load_service_file(spec.use, m.path)
        image = sf.images.get(flav) or sf.images.get("upstream") or next(iter(sf.images.values()))
        out.setdefault(image, []).append(f"{m.id}/{spec.name}")
    return out


def _image_id(image: str) -> str | None:
    res = docker.run(["image", "inspect", "--format", "{{.Id}}", image], check=False, timeout=60)
    if res.ok:
        return res.stdout.strip()
    if "No such" in res.stderr or "not found" in res.stderr.lower():
        return None
    raise docker.classify(res)  # the engine is the problem, not the image


def save(labs: list[LabManifest], out: Path, flavour: str | None = None) -> list[SavedImage]:
    """`docker save` every image the labs need into OUT, with the manifest inside; nothing is pulled or built."""
    wanted: dict[str, list[str]] = {}
    for m in labs:
        for image, uses in lab_images(m, flavour).items():
            wanted.setdefault(image, []).extend(uses)
    saved, missing = [], []
    for image, uses in wanted.items():
        image_id = _image_id(image)
        if image_id is None:
            missing.append(f"{image} (needed by {', '.join(uses)})")
        else:
            saved.append(SavedImage(image, image_id, tuple(uses)))
    if missing:
        raise AltlabError("cannot save: not on this Docker engine: " + "; ".join(missing),
                          hint="`altlab images build` makes the debian images; upstream ones come from "
                               "`docker pull` where a registry is reachable, from `altlab images load` of a file "
                               "saved on such a host, or from the lab's own Dockerfile (see its compose/ folder)")
    if not out.parent.is_dir():
        raise AltlabError(f"cannot save to {out}: the folder {out.parent} does not exist")
    partial = out.with_name(out.name + ".partial")  # a file interrupted half-way is never mistaken for ours
    docker.run(["save", "-o", str(partial), *[s.image for s in saved]], timeout=3600,
               hint=f"is there room for the images in {out.parent}?")
    manifest = {
        "format": FORMAT, "version": FORMAT_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "flavour": flavour or "each lab's default",
        "labs": {m.id: {"version": m.version, "flavour": flavour or default_flavour(m)} for m in labs},
        "images": [{"image": s.image, "id": s.id, "uses": list(s.uses)} for s in saved],
    }
    data = json.dumps(manifest, indent=2).encode()
    with tarfile.open(partial, "a") as tar:
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o644
        tar.addfile(info, io.BytesIO(data))
    partial.replace(out)
    return saved


def read_manifest(file: Path) -> dict[str, Any]:
    """The manifest inside FILE; an AltlabError naming the file if it is missing or not ours."""
    if not file.is_file():
        raise AltlabError(f"{file} does not exist", hint="give the file that `altlab images save -o FILE` wrote")
    not_ours = f"{file} is not an altlab images file"
    try:
        with tarfile.open(file, "r:") as tar:
            try:
                member = tar.getmember(MANIFEST_NAME)
            except KeyError:
                raise AltlabError(f"{not_ours}: it has no {MANIFEST_NAME}",
                                  hint="a plain `docker save` file loads with `docker load -i FILE`") from None
            fh = tar.extractfile(member)
            raw = fh.read() if fh else b""
    except tarfile.TarError:
        raise AltlabError(f"{not_ours}: not a tar archive",
                          hint="`altlab images save LAB... -o FILE` writes one; was the file cut short?") from None
    try:
        data = json.loads(raw)
    except ValueError:
        raise AltlabError(f"{not_ours}: {MANIFEST_NAME} is not JSON") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("images"), list):
        raise AltlabError(f"{not_ours}: {MANIFEST_NAME} is not an altlab images manifest")
    if data.get("version") != FORMAT_VERSION:
        raise AltlabError(f"{file}: manifest version {data.get('version')!r}, this altlab reads {FORMAT_VERSION}",
                          hint="use the same altlab version on both hosts")
    for i, entry in enumerate(data["images"]):
        if not (isinstance(entry, dict) and isinstance(entry.get("image"), str) and isinstance(entry.get("id"), str)):
            raise AltlabError(f"{not_ours}: {MANIFEST_NAME} images[{i}] has no image and id")
    return data


def load(file: Path) -> list[tuple[SavedImage, str]]:
    """`docker load` FILE after checking its manifest; each image with "loaded" or "already present"."""
    data = read_manifest(file)
    images = [SavedImage(e["image"], e["id"], tuple(e.get("uses") or ())) for e in data["images"]]
    before = {s.image: _image_id(s.image) for s in images}
    docker.run(["load", "-q", "-i", str(file)], timeout=3600, hint=f"{file} may be damaged: save it again")
    out = []
    for s in images:
        now = _image_id(s.image)
        if now != s.id:
            raise AltlabError(f"after loading {file}, {s.image} has id {now or 'none'}, expected {s.id}",
                              hint="the file may be damaged: save it again on the source host")
        out.append((s, "already present" if before[s.image] == s.id else "loaded"))
    return out


# --- the `altlab images save|load` commands ---------------------------------------------------------

def cmd_images_save(args: argparse.Namespace) -> int:
    from .catalog import Catalog

    catalog = Catalog([Path(d) for d in args.lab_dir])
    labs = [catalog.get(lab_id) for lab_id in args.labs]
    out = Path(args.output)
    for s in save(labs, out, args.flavour):
        print(f"saved {s.image} {s.id[:19]} ({', '.join(s.uses)})")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.0f} MB); on the other host: altlab images load {out.name}")
    return 0


def cmd_images_load(args: argparse.Namespace) -> int:
    file = Path(args.file)
    data = read_manifest(file)
    print(f"{file}: made {data.get('created')}, labs {', '.join(data.get('labs') or {})}, "
          f"flavour {data.get('flavour')}")
    for s, how in load(file):
        print(f"{how}: {s.image} {s.id[:19]}")
    return 0


def add_transfer_commands(isub: Any) -> None:
    """`images save` and `images load` under the `altlab images` subcommands."""
    sp = isub.add_parser("save", help="write the images some labs need into one file (for a host with no registry)")
    sp.add_argument("labs", nargs="+", metavar="LAB")
    sp.add_argument("-o", "--output", required=True, help="the file to write (a docker save tar with a manifest)")
    sp.add_argument("--flavour", choices=["debian", "upstream"],
                    help="default: each lab's own (debian where it has one)")
    sp.set_defaults(fn=cmd_images_save)
    lp = isub.add_parser("load", help="load a file written by `altlab images save` and report what it held")
    lp.add_argument("file")
    lp.set_defaults(fn=cmd_images_load)
