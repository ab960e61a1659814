"""`altlab images save` / `load`: a lab's images carried in one file, checked by its manifest on the way in."""

from __future__ import annotations

import json
import subprocess
import tarfile
import uuid
from pathlib import Path

import pytest

from pytest_altlab.errors import AltlabError
from pytest_altlab.images_transfer import MANIFEST_NAME, read_manifest

from .conftest import altlab


def _tiny_lab(root: Path, image: str) -> Path:
    """A lab whose one service runs IMAGE (the test's own tag, so removing it touches nothing shared)."""
    lab = root / "labs" / "carry"
    (lab / "compose").mkdir(parents=True)
    (lab / "lab.yaml").write_text("id: carry\ntitle: Carry\nsummary: s\nskills: [docker]\n"
                                  "services: {box: {use: box}}\nbreak: break.sh\n")
    (lab / "break.sh").write_text("true\n")
    (lab / "TASK.md").write_text("1. nothing\n")
    (lab / "checks").mkdir()  # a lab needs checks to load
    (lab / "checks" / "test_carry.py").write_text("import pytest\n\n\n@pytest.mark.points(1)\n@pytest.mark.covers(1)\n"
                                                 "def test_nothing(lab):\n    pass\n")
    (lab / "compose" / "box.yaml").write_text(
        f"x-altlab:\n  flavours:\n    debian: {{image: '{image}'}}\n"
        f"services:\n  box:\n    image: '{image}'\n")
    return lab.parent


def _id(image: str) -> str:
    return subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", image], capture_output=True,
                          text=True, check=True).stdout.strip()


@pytest.mark.docker
def test_save_then_load_round_trip(tmp_path: Path) -> None:
    tag = f"altlab-test/carry:{uuid.uuid4().hex[:12]}"
    # An image of our own (a label on the base: no new layer), so it can be removed and loaded back.
    subprocess.run(["docker", "build", "-q", "-t", tag, "--label", f"io.altlab.test={tag}", "-"],
                   input=b"FROM altlab/debian:trixie\n", capture_output=True, check=True)
    try:
        want = _id(tag)
        labs = _tiny_lab(tmp_path, tag)
        out = tmp_path / "carry.tar"
        res = altlab("--lab-dir", str(labs), "images", "save", "carry", "-o", str(out))
        assert res.returncode == 0, res.stderr
        assert f"saved {tag}" in res.stdout
        manifest = read_manifest(out)
        assert manifest["labs"] == {"carry": {"version": 1, "flavour": "debian"}}
        assert manifest["images"] == [{"image": tag, "id": want, "uses": ["carry/box"]}]
        assert manifest["created"].endswith("+00:00")

        again = altlab("images", "load", str(out))  # the image is still here: said so, nothing broken
        assert again.returncode == 0, again.stderr
        assert f"already present: {tag}" in again.stdout

        subprocess.run(["docker", "rmi", tag], capture_output=True, check=True)
        loaded = altlab("images", "load", str(out))
        assert loaded.returncode == 0, loaded.stderr
        assert f"loaded: {tag}" in loaded.stdout
        assert "labs carry" in loaded.stdout
        assert _id(tag) == want
    finally:
        subprocess.run(["docker", "rmi", tag], capture_output=True)


@pytest.mark.docker
def test_save_refuses_a_missing_image_and_writes_nothing(tmp_path: Path) -> None:
    tag = f"altlab-test/absent:{uuid.uuid4().hex[:12]}"
    out = tmp_path / "none.tar"
    res = altlab("--lab-dir", str(_tiny_lab(tmp_path, tag)), "images", "save", "carry", "-o", str(out))
    assert res.returncode != 0
    assert f"not on this Docker engine: {tag} (needed by carry/box)" in res.stderr
    assert "Traceback" not in res.stderr
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def test_load_of_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    res = altlab("images", "load", str(tmp_path / "nope.tar"))
    assert res.returncode != 0
    assert res.stderr.startswith(f"altlab: error: {tmp_path / 'nope.tar'} does not exist")
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(("members", "reason"), [
    (None, "not a tar archive"),
    ({"manifest.json": b"[]"}, f"it has no {MANIFEST_NAME}"),  # a plain `docker save` file
    ({MANIFEST_NAME: b"{not json"}, "is not JSON"),
    ({MANIFEST_NAME: json.dumps({"format": "other", "images": []}).encode()}, "not an altlab images manifest"),
])
def test_a_file_that_is_not_ours_is_refused(tmp_path: Path, members: dict[str, bytes] | None, reason: str) -> None:
    f = tmp_path / "f.tar"
    if members is None:
        f.write_text("hello\n")
    else:
        with tarfile.open(f, "w") as tar:
            for name, data in members.items():
                (tmp_path / name).write_bytes(data)
                tar.add(tmp_path / name, arcname=name)
    with pytest.raises(AltlabError) as e:
        read_manifest(f)
    assert f"{f} is not an altlab images file" in str(e.value)
    assert reason in str(e.value)
