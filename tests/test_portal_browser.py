"""The portal in a real browser (headless Chromium via Playwright) on the rabbitmq-vhosts lab, two candidates."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_altlab.portal.app import Portal
from pytest_altlab.portal.engine import Engine

from .conftest import altlab
from .portal_support import LiveServer

pytestmark = pytest.mark.docker
EXAM = Path(__file__).parent / "exams" / "portal-rabbit.yaml"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
LAB = "rabbitmq-vhosts"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not Path(CHROMIUM).exists():
        pytest.skip("no /usr/bin/chromium (scripts/bootstrap.sh installs it)")
    home = tmp_path_factory.mktemp("portal-browser-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("ALTLAB_HOME", str(home))
    res = altlab("exam", "start", str(EXAM), "--candidates", "alice,bob", "--seed", "browser", timeout=900)
    assert res.returncode == 0, res.stdout + res.stderr
    srv = LiveServer(Portal(Engine(str(EXAM))))
    try:
        yield srv
    finally:
        srv.stop()
        altlab("exam", "stop", str(EXAM), "--all")
        mp.undo()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = Path(os.environ["ALTLAB_ARTIFACTS"]) if os.environ.get("ALTLAB_ARTIFACTS") else tmp_path_factory.mktemp("x")
    out = base / "portal-screenshots"
    out.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {out}")
    return out


def test_two_candidates_and_a_proctor_in_a_browser(server: LiveServer, shots: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    vhost = server.portal.engine.runners("alice")[0].state().params["vhost"]  # type: ignore[union-attr]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        alice = browser.new_context(viewport={"width": 1400, "height": 860}).new_page()
        alice.goto(server.link("alice"))
        alice.wait_for_url(re.compile(r"/c/alice$"))
        expect(alice.locator("#task")).to_contain_text(vhost)
        expect(alice.locator("#task")).to_contain_text("terminal tabs")  # not `altlab shell`
        expect(alice.locator("#task")).not_to_contain_text("altlab shell")
        alice.click("#check")
        expect(alice.locator("#score")).to_be_visible(timeout=120_000)
        before = float(alice.locator("#score").inner_text().rstrip("%"))
        alice.locator(".term:not([hidden])").click()
        screen = alice.locator(".term:not([hidden]) .xterm-rows")
        expect(screen).to_contain_text("#", timeout=30_000)  # the shell's prompt
        alice.keyboard.type(f"rabbitmqctl add_vhost {vhost}\n")
        expect(screen).to_contain_text(f'Adding vhost "{vhost}"', timeout=60_000)
        alice.click("#check")
        expect(alice.locator("#check")).to_have_text("Check", timeout=120_000)
        after = float(alice.locator("#score").inner_text().rstrip("%"))
        assert after > before, (before, after)
        expect(alice.locator("#result")).not_to_contain_text("expected")  # exam mode: status only, no messages

        # bob tries by hand (his own scripts run in his page; the page's CSP is not what stops him)
        bob = browser.new_context(viewport={"width": 1400, "height": 860}, bypass_csp=True).new_page()
        bob.goto(server.link("bob"))
        bob.wait_for_url(re.compile(r"/c/bob$"))
        outcome = bob.evaluate("""() => new Promise((done) => {
            const ws = new WebSocket(`ws://${location.host}/ws/c/alice/rabbitmq-vhosts/rabbitmq`);
            ws.onopen = () => done("opened"); ws.onerror = () => done("refused");
            setTimeout(() => done("timeout"), 10000); })""")
        assert outcome == "refused"
        assert bob.evaluate("fetch('/c/alice').then((r) => r.status)") == 403
        assert bob.evaluate("fetch('/api/proctor/room').then((r) => r.status)") == 403

        proctor = browser.new_context(viewport={"width": 1400, "height": 700}).new_page()
        proctor.goto(server.link("proctor", "proctor"))
        proctor.wait_for_url(re.compile(r"/proctor$"))
        expect(proctor.locator("tr[data-c=alice]")).to_contain_text("connected", timeout=30_000)
        expect(proctor.locator("tr[data-c=bob]")).to_be_visible()
        expect(proctor.locator("tr[data-c=alice]")).to_contain_text(f"{after:g}%")  # last visible score
        answers = iter(["10", "late start (accommodation)"])
        proctor.on("dialog", lambda d: d.accept(next(answers)))
        proctor.click("tr[data-c=bob] button[data-act=extend]")
        expect(proctor.locator("#note")).to_contain_text("bob: deadline now", timeout=30_000)
        expect(proctor.locator("tr[data-c=bob]")).to_contain_text("+10", timeout=30_000)
        proctor.click("tr[data-c=alice] button[data-act=watch]")
        expect(proctor.locator("#watchterm .xterm-rows")).to_contain_text("add_vhost", timeout=30_000)
        alice.keyboard.type("rabbitmqctl list_vhosts\n")
        alice.wait_for_timeout(1500)
        alice.screenshot(path=str(shots / "candidate.png"))
        proctor.screenshot(path=str(shots / "proctor.png"))
        bob.screenshot(path=str(shots / "candidate-bob.png"))
        browser.close()
    info = server.portal.engine.run.require()["candidates"]  # type: ignore[union-attr]
    assert info["bob"]["accommodations"][0]["minutes"] == 10 and "extra_minutes" not in info["alice"]
    for name in ("candidate.png", "proctor.png"):
        assert (shots / name).stat().st_size > 10_000
    if os.environ.get("ALTLAB_SCREENSHOTS_TO"):  # refresh docs/screenshots/ on purpose only
        for name in ("candidate.png", "proctor.png"):
            shutil.copy(shots / name, Path(os.environ["ALTLAB_SCREENSHOTS_TO"]) / f"portal-{name}")
