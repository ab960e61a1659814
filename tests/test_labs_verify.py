"""Every lab proves itself: `altlab verify` (broken 0, solution full, restart, near-misses, alternatives)."""

from __future__ import annotations

import pytest

from pytest_altlab.catalog import Catalog
from pytest_altlab.composefile import load_service_file
from pytest_altlab.images import image_exists

from .conftest import TEST_LABS, altlab

pytestmark = pytest.mark.docker

LABS, BROKEN = Catalog().load_all()  # a broken lab must not hide the others: it fails its own test


def test_every_lab_manifest_is_valid() -> None:
    assert not BROKEN, "\n".join(str(e) for e in BROKEN)


def _unrunnable_reason(m) -> str | None:
    """Labs whose servers exist only as upstream images skip here, saying why; nothing stands in for them."""
    if "debian" in m.flavours:
        return None
    missing = [load_service_file(s.use, m.path).images.get("upstream") for s in m.services]
    missing = sorted({img for img in missing if img and not image_exists(img)})  # one line per image
    if missing:
        return f"{m.id} runs only on upstream images, not available on this machine: {', '.join(missing)}"
    return None


@pytest.mark.parametrize("manifest", LABS, ids=[m.id for m in LABS])
def test_lab_verifies(manifest) -> None:
    flavour = "debian" if "debian" in manifest.flavours else "upstream"
    reason = _unrunnable_reason(manifest)
    if reason:
        pytest.skip(reason)
    res = altlab("verify", manifest.id, "--flavour", flavour, timeout=1800)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "lab verified" in res.stdout
    rows = [line for line in res.stdout.splitlines() if "│ ok " in line or "FAILED" in line]
    assert len([r for r in rows if "FAILED" in r]) == 0
    assert res.stdout.count("near-miss") >= min(2, sum(v.kind == "near-miss" for v in manifest.variants))


def test_probe_lab_verifies_and_a_broken_lab_does_not(tmp_path) -> None:
    ok = altlab("--lab-dir", str(TEST_LABS), "verify", "probe")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # A lab whose break step does nothing must fail its self-test: the broken state scores > 0.
    import shutil

    shutil.copytree(TEST_LABS / "probe", tmp_path / "probe")
    (tmp_path / "probe" / "break.sh").write_text("printf '%s\\n' \"$ANSWER\" > /srv/answer\n")
    bad = altlab("--lab-dir", str(tmp_path), "verify", "probe", "--quick")
    assert bad.returncode == 1
    assert "lab NOT verified" in bad.stdout
    assert "grade broken" in bad.stdout


def test_two_state_folders_self_test_the_same_lab_at_once(tmp_path) -> None:
    """Two checkouts (two ALTLAB_HOMEs) on one engine verify the same lab side by side: engine names carry
    the state folder's tag, so neither start's cleanup removes the other's containers."""
    import os
    import subprocess
    import sys

    procs = []
    for name in ("one", "two"):
        env = {**os.environ, "ALTLAB_HOME": str(tmp_path / name)}
        procs.append(subprocess.Popen([sys.executable, "-m", "pytest_altlab.cli", "--lab-dir", str(TEST_LABS),
                                       "verify", "probe"], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=900) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, out[-3000:] + err[-2000:]
        assert "lab verified" in out and "left behind" not in out


def test_labs_side_by_side_each_verify_in_a_process_of_its_own(tmp_path) -> None:
    # Two labs at once (`--jobs 2`): pytest is not thread-safe, so each lab's self-test runs in its own process;
    # each lab's output comes out whole, and the per-lab wall times close the run.
    import shutil

    for name in ("probe-one", "probe-two"):
        shutil.copytree(TEST_LABS / "probe", tmp_path / name)
        f = tmp_path / name / "lab.yaml"
        f.write_text(f.read_text().replace("id: probe", f"id: {name}", 1))
    res = altlab("--lab-dir", str(tmp_path), "verify", "probe-one", "probe-two", "--jobs", "2", "--quick",
                 timeout=900)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    out = res.stdout
    for name in ("probe-one", "probe-two"):
        assert f"{name}: verified" in out or f"verify {name}" in out + res.stderr, out
    # Whole blocks: each lab's header, its phase table, its verdict, then the next lab (never interleaved).
    marks = [("head" if ln.startswith("verify probe-") else "end") for ln in out.splitlines()
             if ln.startswith("verify probe-") or ln.startswith("lab verified in")]
    assert marks == ["head", "end", "head", "end"], out
    assert "per-lab wall time:" in out and "probe-one" in out.split("per-lab wall time:")[1]
