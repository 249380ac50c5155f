"""Every way into a lesson works: launch buttons, downloads, JupyterLite practice, PDF handouts.

Specifications:
* ``notebooks/`` holds one launchable notebook per lesson, generated from the
  MyST source and up to date (Binder, JupyterHub and Colab open these);
* each lesson page's Binder, JupyterHub (nbgitpuller) and Colab buttons have
  the right form and point at a notebook that exists in the repository, whose
  first cell is the setup cell that works on every platform;
* each lesson page offers the executed notebook (with its outputs), the MyST
  source and its PDF handout, and every one of those files exists;
* every lesson has JupyterLite practice cells that import only what Pyodide
  provides, and every practice notebook runs from top to bottom with
  ``eolab`` unavailable (as in the browser);
* the JupyterLite app loads from the site, lists the practice notebooks and
  asks for Pyodide exactly where ``_config.yml`` says;
* each lesson's PDF handout is A4, prints the page's public URL and page
  numbers, holds the page's figures, and no code line is cut at the margin;
  exercise solutions stay hidden in print.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import nbformat
import pytest
import yaml
from conftest import ROOT, SITE
from launch_results import recording, this_python

from eonb_book import handouts as pdf_handouts
from eonb_book import lite as lite_contents
from eonb_book import notebooks, toc
from eonb_book.settings import COURSE_PDF, PYODIDE_URL

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL, BRANCH = notebooks.repository()
ORG, REPO = REPO_URL.split("github.com/")[1].split("/")[:2]
PYODIDE_URL = CONFIG["sphinx"]["config"].get("eonb_pyodide_url", PYODIDE_URL)
LESSONS = [(doc, src) for doc, src in toc.pages(ROOT) if Path(doc).name.startswith("lesson")]
LESSON_IDS = [Path(doc).name for doc, _ in LESSONS]
_LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>')


def page_links(docname: str) -> dict[str, str]:
    """The header buttons of a built page, by their tooltip (``title``), as absolute or
    site paths."""
    html = (SITE / f"{docname}.html").read_text(encoding="utf-8")
    links = {}
    for match in _LINK.finditer(html):
        title = re.search(r'\btitle="([^"]*)"', match.group(0))
        if title:
            links.setdefault(title.group(1), match.group(1).replace("&amp;", "&"))
    return links


def site_file(docname: str, href: str) -> Path:
    """The built file a page-relative link points at."""
    return (SITE / docname).parent.joinpath(href.split("?")[0].split("#")[0]).resolve()


# --------------------------------------------------------------------------- launch notebooks


def test_launch_notebooks_are_generated_and_up_to_date():
    problems = notebooks.stale()
    assert not problems, "notebooks/ is stale (run `make notebooks` and commit):\n" + "\n".join(
        problems
    )


def test_binder_installs_everything_from_requirements(repo_root):
    """Binder installs requirements.txt only: it must pull in eolab itself."""
    lines = [
        line.split("#")[0].strip()
        for line in (repo_root / "requirements.txt").read_text().splitlines()
    ]
    assert "-e ." in lines or "." in lines, (
        "requirements.txt must install eolab from the repository (`-e .`)"
    )
    pinned = [line for line in lines if line and not line.startswith("-")]
    assert all("==" in line for line in pinned), (
        f"unpinned requirements: {[p for p in pinned if '==' not in p]}"
    )


@pytest.mark.parametrize("doc", [doc for doc, _ in LESSONS], ids=LESSON_IDS)
def test_launch_notebook_starts_with_the_setup_cell(doc):
    """One setup cell for every platform (its behaviour: tests/test_launch_colab.py, _hub.py)."""
    nb = nbformat.read(notebooks.notebook_path(doc), as_version=4)
    first = nb.cells[0]
    assert notebooks.SETUP_TAG in first.metadata.get("tags", [])
    assert first.source == notebooks.setup_source()
    assert f'"{REPO_URL}", "{BRANCH}"' in first.source
    assert all(cell.get("outputs", []) == [] for cell in nb.cells if cell.cell_type == "code")


@pytest.mark.build
@pytest.mark.parametrize("doc", [doc for doc, _ in LESSONS], ids=LESSON_IDS)
def test_launch_buttons_point_at_the_lesson_notebook(doc, repo_root):
    links = page_links(doc)
    nb = f"notebooks/{lite_contents.practice_name(doc)}.ipynb"
    assert (repo_root / nb).exists(), f"{nb} is missing: run `make notebooks`"

    binder = links["Launch on Binder"]
    assert binder == (
        f"{CONFIG['launch_buttons']['binderhub_url']}/v2/gh/{ORG}/{REPO}/{BRANCH}"
        f"?urlpath=lab/tree/{nb}"
    )

    hub = urlparse(links["Launch on JupyterHub"])
    assert f"{hub.scheme}://{hub.netloc}" == CONFIG["launch_buttons"]["jupyterhub_url"]
    assert hub.path == "/hub/user-redirect/git-pull"
    query = {k: v[0] for k, v in parse_qs(hub.query).items()}
    assert query == {"repo": REPO_URL, "branch": BRANCH, "urlpath": f"lab/tree/{REPO}/{nb}"}

    assert links["Launch on Colab"] == (
        f"{CONFIG['launch_buttons']['colab_url']}/github/{ORG}/{REPO}/blob/{BRANCH}/{nb}"
    )


# --------------------------------------------------------------------------- downloads


@pytest.mark.build
@pytest.mark.parametrize("doc", [doc for doc, _ in LESSONS], ids=LESSON_IDS)
def test_downloads_executed_notebook_source_and_pdf(doc):
    links = page_links(doc)
    executed = site_file(doc, links["Download notebook file"])
    nb = nbformat.read(executed, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert outputs, f"{executed.name} has no outputs: it must be the executed notebook"
    unexpected = [
        o
        for c in nb.cells
        if c.cell_type == "code" and "raises-exception" not in c.metadata.get("tags", [])
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not unexpected, unexpected
    assert (
        site_file(doc, links["Download source file"]).read_text(encoding="utf-8").startswith("---")
    )
    for label in ("PDF handout of this page", "The whole course as one PDF"):
        pdf = site_file(doc, links[label])
        assert pdf.exists(), f"{label}: {pdf} missing (make test runs tools/pdf_handouts.py)"
        assert pdf.read_bytes()[:5] == b"%PDF-"


# --------------------------------------------------------------------------- JupyterLite practice


@pytest.mark.parametrize("doc,source", LESSONS, ids=LESSON_IDS)
def test_every_lesson_has_practice_that_pyodide_can_run(doc, source):
    practice = lite_contents.read_practice(source, doc)
    assert practice is not None, f"{source.name} has no `lite-practice` cells for JupyterLite"
    assert any(c.cell_type == "code" for c in practice.cells)
    assert lite_contents.check_imports(practice) == []


def _code_names(source: str, context) -> set[str]:
    import ast

    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, context)}
    if context is ast.Store:
        names |= {
            a.asname or a.name.split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names
        }
    return names


@pytest.mark.parametrize("doc,source", LESSONS, ids=LESSON_IDS)
def test_practice_cells_leave_the_lessons_variables_alone(doc, source):
    """Practice cells also run inside the lesson: they must not overwrite a variable the lesson
    made earlier and uses later (a practice `agb = np.array(...)` once broke lesson 2b)."""
    import ast

    import jupytext

    cells = [c for c in jupytext.read(source, fmt="md:myst").cells if c.cell_type == "code"]
    practice = [lite_contents.PRACTICE_TAG in c.metadata.get("tags", []) for c in cells]
    problems = []
    for i, cell in enumerate(cells):
        if not practice[i]:
            continue
        before = set().union(
            *[
                _code_names(c.source, ast.Store)
                for c, p in zip(cells[:i], practice, strict=False)
                if not p
            ]
        )
        later = set().union(*[_code_names(c.source, ast.Load) for c in cells[i + 1 :]])
        clash = (
            _code_names(cell.source, ast.Store) & before & later - {"np", "xr", "pd", "plt", "math"}
        )
        if clash:
            problems.append(
                f"practice cell `{cell.source.splitlines()[0][:50]}` overwrites {sorted(clash)}"
            )
    assert not problems, problems


@pytest.fixture(scope="module")
def practice_contents(tmp_path_factory):
    out = tmp_path_factory.mktemp("lite-contents")
    pages = [(doc, src, f"../../{doc}.html") for doc, src in toc.pages(ROOT)]
    return out, lite_contents.write_contents(pages, out)


@pytest.mark.slow
@pytest.mark.parametrize("doc", [doc for doc, _ in LESSONS], ids=LESSON_IDS)
def test_practice_notebook_runs_without_eolab(doc, practice_contents):
    """Run the practice notebook as JupyterLite would: no eolab, only its own data files."""
    from nbclient import NotebookClient

    out, practices = practice_contents
    practice = next(p for p in practices if p.docname == doc)
    nb = nbformat.read(out / practice.path, as_version=4)
    blocker = nbformat.v4.new_code_cell("import sys; sys.modules['eolab'] = None  # as in Pyodide")
    nb.cells.insert(0, blocker)
    # The notebook's own "Check yourself" (eonb_book/lite_checks.py): the expected answer is
    # "Right", and at least two usual mistakes are each named by their own message.
    nb.cells.append(
        nbformat.v4.new_code_cell("""\
import contextlib, io
said = io.StringIO()
with contextlib.redirect_stdout(said):
    right = check_answer(expected_answer())
assert right is True and said.getvalue().startswith("Right"), said.getvalue()
assert len(mistakes()) >= 2, "a check names at least two mistakes"
for value, why in mistakes():
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        verdict = check_answer(value)
    assert verdict is False and why in said.getvalue(), (value, why, said.getvalue())
print("checks ok")""")
    )
    # Recorded for the page "Where each lesson runs" (JupyterLite column).
    with recording(f"lite-practice/{practice.name}", [practice.name]) as details:
        NotebookClient(
            nb,
            kernel_name="python3",
            timeout=120,
            resources={"metadata": {"path": str(out / lite_contents.PRACTICE_DIR)}},
        ).execute()
        errors = [
            o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert not errors, errors
        printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        assert "Replace ... with your answer" in printed, "the practice's check cell did not run"
        assert "checks ok" in printed
        details.update(this_python(), environment="CPython with eolab blocked (not Pyodide)")


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("doc", [doc for doc, _ in LESSONS], ids=LESSON_IDS)
def test_jupyterlite_button_opens_the_practice_and_asks_for_configured_pyodide(
    doc, browser, site_url, artifacts_dir
):
    """The page's JupyterLite button opens its practice notebook from our site; the only outside
    request is the kernel fetching Pyodide from ``eonb_pyodide_url`` (JupyterLite's service worker
    does not survive request routing, so requests are recorded, not routed)."""
    name = lite_contents.practice_name(doc)
    assert (SITE / "lite" / "files" / lite_contents.PRACTICE_DIR / f"{name}.ipynb").exists()
    href = page_links(doc)["Practise in your browser (JupyterLite)"]
    assert href.endswith(f"lite/lab/index.html?path={lite_contents.PRACTICE_DIR}/{name}.ipynb")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    try:
        page.goto(f"{site_url}{doc}.html", wait_until="load")
        page.goto(page.url.rsplit("/", 1)[0] + "/" + href, wait_until="load")
        title = page.locator(".jp-RenderedMarkdown h1").filter(has_text="Practice:").first
        title.wait_for(timeout=90_000)  # the notebook is open
        listing = page.locator(".jp-DirListing-itemText").filter(has_text=f"{name}.ipynb").first
        listing.wait_for(timeout=10_000)  # and in the file browser
        deadline = time.time() + 60
        while time.time() < deadline and not [u for u in requests if not u.startswith(site_url)]:
            page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / f"lite-{name}.png"))
    finally:
        context.close()
    outside = [u for u in requests if not u.startswith((site_url, "data:", "blob:"))]
    pyodide_dir = PYODIDE_URL.rsplit("/", 1)[0] + "/"
    assert outside, "the practice notebook did not try to start its Pyodide kernel"
    assert all(url.startswith(pyodide_dir) for url in outside), (
        f"JupyterLite asked for files outside {pyodide_dir}: {outside}"
    )


# --------------------------------------------------------------------------- PDF handouts


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.build
@pytest.mark.parametrize("doc", [doc for doc, _ in LESSONS], ids=LESSON_IDS)
def test_pdf_handout_is_a4_with_url_page_numbers_and_figures(doc):
    pdf = SITE / pdf_handouts.PDF_DIR / f"{doc}.pdf"
    assert pdf.exists(), f"{pdf} is missing (make test prints the handouts first)"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[56](\.\d+)? x 84[12](\.\d+)? pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = _pdf_text(pdf)
    _, base = pdf_handouts.site_config()
    assert f"{base}{doc}.html" in text, "every handout page names the lesson's public URL"
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    html = (SITE / f"{doc}.html").read_text(encoding="utf-8")
    figures = len(re.findall(r'<img[^>]+src="[^"]*_images/', html))
    assert len(images) >= figures, (
        f"{pdf.name}: {len(images)} images for {figures} figures on the page"
    )


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("doc", [doc for doc, _ in LESSONS], ids=LESSON_IDS)
def test_print_layout_keeps_code_whole_and_solutions_hidden(doc, browser, site_url):
    """With the print stylesheet no code block scrolls (it wraps) and solutions are hidden."""
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    try:
        page.goto(f"{site_url}{doc}.html", wait_until="load")
        page.emulate_media(media="print")
        cut = page.evaluate("""() => [...document.querySelectorAll('main pre')]
            .filter(pre => pre.offsetParent !== null && pre.scrollWidth > pre.clientWidth + 1)
            .map(pre => pre.innerText.split('\\n').sort((a, b) => b.length - a.length)[0])""")
        assert not cut, f"code cut at the right margin in print: {cut[:3]}"
        shown = page.evaluate("""() => [...document.querySelectorAll(
            'main .solution > :not(.admonition-title)')]
            .filter(el => el.getClientRects().length > 0).map(el => el.innerText.slice(0, 60))""")
        assert not shown, f"exercise solutions would be printed: {shown}"
        hidden_chrome = page.evaluate("""() => ['.bd-header', '.bd-sidebar-primary',
            '.header-article']
            .map(s => document.querySelector(s)).filter(el => el &&
            el.offsetParent !== null).length""")
        assert hidden_chrome == 0, "navigation and buttons must not print"
    finally:
        page.close()


@pytest.mark.build
def test_course_pdf_holds_every_page():
    pdf = SITE / pdf_handouts.PDF_DIR / COURSE_PDF
    text = _pdf_text(pdf)
    for doc, _ in toc.pages(ROOT):
        html = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        title = re.sub(
            r"<[^>]+>|#", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        ).strip()
        first_words = " ".join(title.split()[:3])
        assert first_words in " ".join(text.split()), f"course PDF lacks {doc} ({first_words!r})"
