"""Images of both flavours: debian (built here from Debian packages on a debootstrap base) and upstream."""

from __future__ import annotations

import hashlib
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


def base_image(suite: str) -> str:
    return f"altlab/debian:{suite}"


def image_exists(image: str) -> bool:
    res = docker.run(["image", "inspect", "--format", "{{.Id}}", image], check=False, timeout=60)
    if res.ok:
        return True
    if "No such" in res.stderr or "not found" in res.stderr.lower():
        return False
    raise docker.classify(res)  # the engine itself is the problem: say that, not "image missing"


def build_base(suite: str, echo: Echo = print, force: bool = False) -> str:
    """debootstrap a minimal Debian `suite` and `docker import` it: works with no registry at all.

    With ALTLAB_PULL_BASE=1 the official `debian:<suite>` image is pulled and tagged instead, where a
    registry is reachable (opt-in: by default nothing here talks to a registry)."""
    image = base_image(suite)
    if image_exists(image) and not force:
        return image
    if os.environ.get("ALTLAB_PULL_BASE") == "1":
        if docker.run(["pull", "-q", f"debian:{suite}"], check=False, timeout=600).ok:
            docker.run(["tag", f"debian:{suite}", image])
            return image
        echo(f"could not pull debian:{suite}; falling back to debootstrap")
    if not shutil.which("debootstrap"):
        raise AltlabError(f"cannot build {image}: debootstrap is not installed",
                          hint="`apt-get install debootstrap` (scripts/setup-docker.sh does it)")
    if os.geteuid() != 0:
        raise AltlabError(f"cannot build {image}: debootstrap needs root", hint="run `sudo altlab images build`")
    echo(f"building base image {image} with debootstrap (about 30 s)")
    with tempfile.TemporaryDirectory(prefix=f"altlab-{suite}-") as tmp:
        root = Path(tmp) / "rootfs"
        cmd = ["debootstrap", "--variant=minbase", "--include=ca-certificates", suite, str(root), MIRROR]
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
                              "-c", 'CMD ["bash"]', "-", image], stdin=tar.stdout, capture_output=True, text=True)
        assert tar.stdout is not None
        tar.stdout.close()
        tar.wait()
        if imp.returncode != 0:
            raise CommandFailed(["docker", "import", "-", image], imp.returncode, imp.stderr)
    return image


def context_digest(folder: Path) -> str:
    """A digest of a build folder: an image is rebuilt when its Dockerfile or files change."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _label(image: str) -> str:
    res = docker.run(["image", "inspect", "--format", '{{index .Config.Labels "io.altlab.context"}}', image],
                     check=False, timeout=60)
    return res.stdout.strip() if res.ok else ""


def build_service(sf: ServiceFile, echo: Echo = print, force: bool = False) -> str:
    image = sf.images["debian"]
    digest = context_digest(sf.build) if sf.build else ""
    if image_exists(image) and not force and (not digest or _label(image) == digest):
        return image
    if not sf.build:
        if image.startswith("altlab/debian:"):  # the plain base image is enough for this service
            return build_base(image.split(":", 1)[1], echo, force)
        raise AltlabError(f"{sf.file}: the debian flavour of '{sf.name}' has no `build:` folder")
    build_base(sf.base, echo)
    echo(f"building {image} from Debian packages (once; cached afterwards)")
    ctx = sf.build
    docker.run(["build", "-q", "--build-arg", f"BASE={base_image(sf.base)}", "--label", f"io.altlab.context={digest}",
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
