"""Images of both flavours: debian (built here from Debian packages on a debootstrap base) and upstream."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import docker
from .composefile import ServiceFile, load_service_file
from .errors import AltlabError, CommandFailed, ImageMissing
from .manifest import LabManifest

__all__ = ["base_image", "build_base", "build_service", "ensure_images", "image_exists"]

MIRROR = os.environ.get("ALTLAB_DEBIAN_MIRROR", "http://deb.debian.org/debian")
Echo = Callable[[str], None]


# Packages of every base image beyond minbase: CA certificates, and an editor for the candidate (vi from vim-tiny,
# nano), so that every service image built on a base has both. Changing this list rebuilds the bases (their
# label below) and so every image built on them (their label carries the base's image id).
BASE_PACKAGES = ("ca-certificates", "vim-tiny", "nano")
BASE_LABEL = "io.altlab.base"
BASE_ID_LABEL = "io.altlab.base-id"  # on a service image: the id of the base it was built on


def base_image(suite: str) -> str:
    return f"altlab/debian:{suite}"


def _base_digest(suite: str) -> str:
    return hashlib.sha256(f"{suite} {MIRROR} {' '.join(BASE_PACKAGES)}".encode()).hexdigest()[:16]


def image_exists(image: str) -> bool:
    return _image_info(image) is not None


def _image_info(image: str) -> tuple[str, dict[str, str]] | None:
    """(short id, labels) of a local image; None where it does not exist. One engine call: a start asks per service."""
    res = docker.run(["image", "inspect", "--format", "{{.Id}} {{json .Config.Labels}}", image], check=False,
                     timeout=60)
    if res.ok:
        image_id, _, labels = res.stdout.strip().partition(" ")
        return image_id.removeprefix("sha256:")[:12], (json.loads(labels) if labels.startswith("{") else {}) or {}
    if "No such" in res.stderr or "not found" in res.stderr.lower():
        return None
    raise docker.classify(res)  # the engine itself is the problem: say that, not "image missing"


def build_base(suite: str, echo: Echo = print, force: bool = False) -> str:
    """debootstrap a minimal Debian `suite` and `docker import` it: works with no registry at all.

    With ALTLAB_PULL_BASE=1 the official `debian:<suite>` image is pulled and tagged instead, where a
    registry is reachable (opt-in: by default nothing here talks to a registry)."""
    _base_id(suite, echo, force)
    return base_image(suite)


def _base_id(suite: str, echo: Echo, force: bool = False) -> str:
    """The short id of the suite's base image, built first where it is missing or its package list changed: one
    inspect when it is current (a service image asks for it on every start)."""
    image = base_image(suite)
    info = _image_info(image)
    if info and not force and info[1].get(BASE_LABEL) in (_base_digest(suite), "pulled"):
        return info[0]
    _make_base(suite, image, echo)
    made = _image_info(image)
    return made[0] if made else ""


def _make_base(suite: str, image: str, echo: Echo) -> None:
    if os.environ.get("ALTLAB_PULL_BASE") == "1":
        if docker.run(["pull", "-q", f"debian:{suite}"], check=False, timeout=600).ok:
            # The official image has neither editor: add them, as the debootstrap route does.
            docker.run(["build", "-q", "--label", f"{BASE_LABEL}=pulled", "-t", image, "-"], timeout=1800,
                       input=f"FROM debian:{suite}\nRUN apt-get update && apt-get install -y --no-install-recommends "
                             f"{' '.join(BASE_PACKAGES)} && rm -rf /var/lib/apt/lists/*\n")
            return
        echo(f"could not pull debian:{suite}; falling back to debootstrap")
    if not shutil.which("debootstrap"):
        raise AltlabError(f"cannot build {image}: debootstrap is not installed",
                          hint="`apt-get install debootstrap` (scripts/setup-docker.sh does it)")
    if os.geteuid() != 0:
        raise AltlabError(f"cannot build {image}: debootstrap needs root", hint="run `sudo altlab images build`")
    echo(f"building base image {image} with debootstrap (about 30 s)")
    with tempfile.TemporaryDirectory(prefix=f"altlab-{suite}-") as tmp:
        root = Path(tmp) / "rootfs"
        cmd = ["debootstrap", "--variant=minbase", "--include=" + ",".join(BASE_PACKAGES), suite, str(root), MIRROR]
        cp = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if cp.returncode != 0:
            raise CommandFailed(cmd, cp.returncode, cp.stderr + cp.stdout,
                                hint="debootstrap needs the Debian mirror (ALTLAB_DEBIAN_MIRROR)")
        # Lean, non-interactive apt, as in the official debian images.
        (root / "etc/apt/apt.conf.d/90altlab").write_text(
            'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n')
        for p in (root / "var/cache/apt/archives").glob("*.deb"):
            p.unlink()
        for p in (root / "var/lib/apt/lists").glob("*_*"):
            p.unlink()
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        imp = subprocess.run([docker.docker_bin(), "import", "-c", "ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8",
                              "-c", f"LABEL {BASE_LABEL}={_base_digest(suite)}",
                              "-c", 'CMD ["bash"]', "-", image], stdin=tar.stdout, capture_output=True, text=True)
        assert tar.stdout is not None
        tar.stdout.close()
        tar.wait()
        if imp.returncode != 0:
            raise CommandFailed(["docker", "import", "-", image], imp.returncode, imp.stderr)


def context_digest(folder: Path) -> str:
    """A digest of a build folder: an image is rebuilt when its Dockerfile or files change."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def build_service(sf: ServiceFile, echo: Echo = print, force: bool = False) -> str:
    image = sf.images["debian"]
    if not sf.build:
        if image.startswith("altlab/debian:"):  # the plain base image is enough for this service
            return build_base(image.split(":", 1)[1], echo, force)
        raise AltlabError(f"{sf.file}: the debian flavour of '{sf.name}' has no `build:` folder")
    # The build folder and the base it builds on: a rebuilt base (new packages) rebuilds the image too.
    base_id = _base_id(sf.base, echo)
    digest = context_digest(sf.build)
    info = _image_info(image)
    if info and not force and info[1].get("io.altlab.context") == digest and info[1].get(BASE_ID_LABEL) == base_id:
        return image
    echo(f"building {image} from Debian packages (once; cached afterwards)")
    ctx = sf.build
    docker.run(["build", "-q", "--build-arg", f"BASE={base_image(sf.base)}", "--label", f"io.altlab.context={digest}",
                "--label", f"{BASE_ID_LABEL}={base_id}",
                "-t", image, str(ctx)],
               timeout=1800, hint=f"the Dockerfile is {ctx / 'Dockerfile'}; containers need the Debian mirror")
    return image


def ensure_images(manifest: LabManifest, flavour: str, echo: Echo = print) -> dict[str, str]:
    """Make sure every image of the lab exists: build debian ones, try to pull upstream ones."""
    images = {}
    for spec in manifest.services:
        sf = load_service_file(spec.use, manifest.path)
        if flavour == "debian" and "debian" in sf.images:
            images[spec.name] = build_service(sf, echo)
            continue
        image = sf.images.get(flavour) or sf.images.get("upstream")
        if image is None:
            raise ImageMissing(f"{spec.use} ({flavour})", flavour)
        if image == sf.images.get("debian"):  # an upstream flavour that reuses our own Debian-built image
            images[spec.name] = build_service(sf, echo)
            continue
        if not image_exists(image):
            echo(f"pulling {image}")
            if not docker.run(["pull", "-q", image], check=False, timeout=600).ok:
                raise ImageMissing(image, flavour if flavour in sf.images else "upstream")
        images[spec.name] = image
    return images
