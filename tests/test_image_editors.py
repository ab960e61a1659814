"""Every debian-flavour service image has an editor for the candidate: vi (vim-tiny) and nano (issue 15)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_altlab.composefile import load_service_file
from pytest_altlab.images import BASE_PACKAGES, image_exists

ROOT = Path(__file__).resolve().parents[1]
DEBIAN_IMAGES = sorted({img for f in (ROOT / "compose").glob("*.yaml")
                        if (img := load_service_file(f.stem).images.get("debian"))})


def test_the_base_images_carry_both_editors() -> None:
    assert {"vim-tiny", "nano"} <= set(BASE_PACKAGES)
    assert len(DEBIAN_IMAGES) >= 10  # the shared service files were found


@pytest.mark.docker
@pytest.mark.parametrize("image", DEBIAN_IMAGES)
def test_a_shell_in_the_image_can_edit_files(image: str) -> None:
    if not image_exists(image):
        pytest.skip(f"{image} is not built here (`altlab images build`)")
    # Both editors exist and start; where vi is vim it also edits a file (ex mode, no terminal needed). busybox vi
    # (the prometheus images, like upstream's busybox base) has no ex mode: there it only has to exist.
    script = ("set -e; command -v vi; command -v nano; nano --version | head -1; printf 'a\\n' > /tmp/f; "
              "if vi --version 2>/dev/null | grep -q VIM; then vi -e -s -c '%s/a/b/' -c wq /tmp/f; "
              "grep -qx b /tmp/f && echo edited; fi")
    cp = subprocess.run(["docker", "run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", script],
                        capture_output=True, text=True, timeout=120)
    assert cp.returncode == 0, f"{image}: {cp.stdout}{cp.stderr}"
    assert "/vi" in cp.stdout and "/nano" in cp.stdout and "GNU nano" in cp.stdout, cp.stdout
