"""Checks of cutycapt-xvfb: 100 points. They run the wrapper as the service account on test pages in a
private temporary directory that is removed afterwards, and read the PNGs on the host."""

import pytest

# The test e-mail: a coloured bar, Latin and Cyrillic text. The Cyrillic check renders it twice with
# different letters in the big line: where no installed font has Cyrillic glyphs, every letter is
# drawn as the same empty box and the two PNGs come out identical.
PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>altlab preview check</title></head>
<body style="margin:0;background:#ffffff;font-family:sans-serif;color:#111111">
<div style="height:48px;background:#1a73e8"></div>
<h1 style="margin:16px 24px;font-size:28px">Altcraft preview check</h1>
<div style="margin:8px 24px;font-size:72px;line-height:1.2">{letters}</div>
<p style="margin:8px 24px;font-size:20px">Предпросмотр письма: проверка кириллицы.</p>
</body></html>
"""
PAGE_A = PAGE.format(letters="ЖЖЖЖ ЯЯЯЯ")
PAGE_B = PAGE.format(letters="ШШШШ ФФФФ")


def _main(lab, previewer):
    """The wrapper's run on PAGE_A, once per grading (and again after a restart)."""
    return lab.cached("preview-main", lambda: previewer.render(PAGE_A))


@pytest.mark.points(10)
@pytest.mark.covers(1)
@pytest.mark.persistent
@pytest.mark.look("`apt-get install` from the local repository (/etc/apt/sources.list.d/local.sources)")
def test_packages_installed(lab):
    """cutycapt and xvfb are installed"""
    res = lab.exec("preview", ["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\\n", "cutycapt", "xvfb"])
    status = dict(line.split(" ", 1) for line in res.stdout.splitlines() if " " in line)
    missing = [p for p in ("cutycapt", "xvfb") if status.get(p, "").strip() != "installed"]
    assert not missing, f"not installed: {', '.join(missing)}"


@pytest.mark.points(20)
@pytest.mark.covers(2)
@pytest.mark.persistent
@pytest.mark.look("run it yourself: `su - mailpreview -c 'html-preview /srv/preview/samples/welcome-ru.html x.png'`")
def test_wrapper_renders_as_user(lab, previewer):
    """The wrapper, run by the service account, writes a valid PNG of an HTML page"""
    r = _main(lab, previewer)
    assert r.ok, (f"`{lab.params.wrapper} page.html out.png` run as '{lab.params.preview_user}' did not produce "
                  f"a PNG: {r.describe()}")
    r.image()  # a valid, decodable PNG, or an assertion saying what is wrong with it


@pytest.mark.points(10)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_wrapper_renders_as_user")
@pytest.mark.look("cutycapt's --min-width")
def test_preview_wide_enough(lab, previewer):
    """The preview is at least 800 px wide"""
    img = _main(lab, previewer).image()
    want = int(lab.params.min_width)
    assert img.width >= want, f"the preview is {img.width}x{img.height} px; it must be at least {want} px wide"


@pytest.mark.points(20)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_wrapper_renders_as_user")
@pytest.mark.look("a white PNG: the page was captured before it was painted (`cutycapt --help`: --delay)")
def test_preview_not_blank(lab, previewer):
    """The preview shows the page, not an empty white image"""
    img = _main(lab, previewer).image()
    ink = img.ink_fraction()
    assert ink >= 0.02, (
        f"the preview is blank: {100 * ink:.2f}% of its {img.width}x{img.height} pixels differ from the "
        f"background, but the test page has a coloured bar and text (expected at least 2%)")


@pytest.mark.points(15)
@pytest.mark.covers(3)
@pytest.mark.persistent
@pytest.mark.depends("test_preview_not_blank")
@pytest.mark.look("`fc-list :lang=ru` lists the fonts that cover Cyrillic")
def test_cyrillic_text_renders(lab, previewer):
    """Cyrillic text is drawn with real glyphs (a font that covers Cyrillic is installed)"""
    a = _main(lab, previewer).image()
    r = previewer.render(PAGE_B)
    assert r.ok, f"a second run of the wrapper failed: {r.describe()}"
    b = r.image()
    assert (a.width, a.height) == (b.width, b.height), (
        f"two previews of pages of the same layout came out in different sizes ({a.width}x{a.height} and "
        f"{b.width}x{b.height})")
    assert a.pixels != b.pixels, (
        "two pages that differ only in their Cyrillic letters (ЖЖЖЖ ЯЯЯЯ and ШШШШ ФФФФ) render to identical "
        "images: every Cyrillic letter is drawn as the same placeholder box, so no installed font covers Cyrillic")


@pytest.mark.points(15)
@pytest.mark.covers(4)
@pytest.mark.persistent
@pytest.mark.depends("test_wrapper_renders_as_user")
@pytest.mark.look("what happens to the X display when two previews run at the same time (`xvfb-run --help`)")
def test_parallel_previews(lab, previewer):
    """Two previews started half a second apart both succeed"""
    runs = previewer.render_many([PAGE_A, PAGE_B], stagger=0.5)
    problems = []
    for i, r in enumerate(runs, 1):
        if not r.ok:
            problems.append(f"run {i}: {r.describe()}")
            continue
        try:
            r.image()
        except AssertionError as e:
            problems.append(f"run {i}: {e}")
    assert not problems, "two previews at the same time: " + "; ".join(problems)


@pytest.mark.points(10)
@pytest.mark.covers(5)
@pytest.mark.after_restart
def test_preview_survives_restart(restart_outcome):
    """Everything above still works after the container restarts"""
    restart_outcome.assert_all_passed()
