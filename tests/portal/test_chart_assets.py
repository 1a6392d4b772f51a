"""Charts: Chart.js vendored as published (checksum, version, licence), served as a static file with no CDN
anywhere, and the chart include writing its data with json_script beside a canvas that names it."""

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import engines
from django.template.loader import render_to_string
from django.templatetags.static import static

BASE = Path(settings.BASE_DIR)
VENDOR_DIR = BASE / "static" / "vendor" / "chartjs"
VENDOR = json.loads((VENDOR_DIR / "VENDOR.json").read_text())
CHART_JS = "vendor/chartjs/chart.umd.min.js"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- The vendored library ------------------------------------------------------------------------


def test_vendored_file_matches_its_recorded_checksum():
    assert VENDOR["file"] == "chart.umd.min.js"
    assert re.fullmatch(r"[0-9a-f]{64}", VENDOR["sha256"])
    assert sha256(VENDOR_DIR / VENDOR["file"]) == VENDOR["sha256"]


def test_vendored_source_map_matches_its_recorded_checksum():
    assert sha256(VENDOR_DIR / VENDOR["sourcemap"]) == VENDOR["sourcemap_sha256"]


def test_vendor_record_names_package_version_source_and_licence():
    assert VENDOR["package"] == "chart.js"
    assert re.fullmatch(r"4\.\d+\.\d+", VENDOR["version"]), VENDOR["version"]
    assert VENDOR["source"] == f"npm registry tarball chart.js-{VENDOR['version']}.tgz"
    assert VENDOR["licence"] == "MIT"


def test_vendored_file_is_the_recorded_version():
    """The banner Chart.js writes at the top of its build names the same version as VENDOR.json."""
    head = (VENDOR_DIR / VENDOR["file"]).read_text()[:300]
    assert f"Chart.js v{VENDOR['version']}" in head
    assert "MIT License" in head


def test_licence_is_vendored_beside_the_library():
    licence = VENDOR_DIR / "LICENSE.md"
    assert licence.is_file()
    text = licence.read_text()
    assert "MIT License" in text
    assert "Chart.js Contributors" in text


def test_source_map_comments_name_files_that_exist():
    """The production storage (whitenoise's manifest storage) rewrites sourceMappingURL comments and refuses
    to collect a file whose map is missing, so every map a vendored script names is vendored with it."""
    for script in VENDOR_DIR.glob("*.js"):
        for name in re.findall(r"^//# sourceMappingURL=(\S+)$", script.read_text(), flags=re.M):
            assert (script.parent / name).is_file(), f"{script.name} names {name}, which is missing"


def test_library_is_found_by_the_staticfiles_finders():
    found = finders.find(CHART_JS)
    assert found is not None
    assert Path(found).resolve() == (VENDOR_DIR / "chart.umd.min.js").resolve()


# --- No CDN ------------------------------------------------------------------------------------------

REMOTE_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_remote_script_pattern_catches_cdn_tags():
    assert REMOTE_SCRIPT.search('<script src="https://cdn.jsdelivr.net/npm/chart.js"></script>')
    assert REMOTE_SCRIPT.search("<script defer src='//unpkg.com/chart.js'></script>")
    assert not REMOTE_SCRIPT.search("<script src=\"{% static 'vendor/chartjs/chart.umd.min.js' %}\" defer></script>")


@pytest.mark.parametrize("folder", ["templates", "static/portal"])
def test_no_script_is_loaded_from_another_site(folder):
    root = BASE / folder
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in {".html", ".js", ".css", ".txt"}]
    assert files, f"nothing scanned under {folder}"
    offenders = [str(p.relative_to(BASE)) for p in files if REMOTE_SCRIPT.search(p.read_text())]
    assert offenders == []


# --- The templates -----------------------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict, list[str]]] = []
        self.scripts: dict[str, str] = {}
        self._open: list[str] = []
        self._script_id: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), list(self._open)))
        if tag == "script":
            self._script_id = dict(attrs).get("id", "")
            self.scripts[self._script_id] = ""
        elif tag not in {"meta", "link", "br", "img", "input"}:
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_id = None
        elif self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._script_id is not None:
            self.scripts[self._script_id] += data


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


CHART = {
    "type": "bar",
    "label": "Open requisitions by department </script><b>",
    "labels": ["Engineering", "Finance"],
    "datasets": [{"label": "Open", "data": [4, None]}],
    "links": ["/requisitions/?department=1", None],
    "stacked": False,
    "unit": "",
}


def test_chart_include_writes_the_data_and_a_canvas_naming_it():
    html = render_to_string("includes/chart.html", {"chart": CHART, "chart_id": "chart-open"})
    page = parse(html)

    data = [attrs for tag, attrs, _ in page.tags if tag == "script"]
    assert data == [{"id": "chart-open", "type": "application/json"}]
    assert json.loads(page.scripts["chart-open"]) == CHART
    assert "</script><b>" not in html  # json_script escapes markup inside the data

    canvases = [(attrs, parents) for tag, attrs, parents in page.tags if tag == "canvas"]
    assert len(canvases) == 1
    attrs, parents = canvases[0]
    assert attrs == {"data-chart": "chart-open"}
    boxes = [a for tag, a, _ in page.tags if tag == "div"]
    assert boxes == [{"class": "chart-box"}] and parents == ["div"]
    assert [tag for tag, _, _ in page.tags] == ["script", "div", "canvas"]  # nothing else


def test_chart_script_include_loads_the_vendored_library_deferred():
    page = parse(render_to_string("includes/chart_script.html"))
    assert [(tag, attrs) for tag, attrs, _ in page.tags] == [("script", {"src": static(CHART_JS), "defer": None})]
    assert page.scripts[""] == ""  # a file, no inline code (the CSP allows none)


def test_extra_head_block_loads_before_the_portal_script():
    """Deferred scripts run in document order: Chart.js has to be defined when portal.js draws the charts."""
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block extra_head %}{% include "includes/chart_script.html" %}{% endblock %}'
    )
    page = parse(template.render({}))
    head_scripts = [attrs.get("src", "") for tag, attrs, _ in page.tags if tag == "script"]
    chart = head_scripts.index(static(CHART_JS))
    portal = head_scripts.index(static("portal/portal.js"))
    assert chart < portal


def test_pages_without_charts_do_not_load_the_library():
    html = engines["django"].from_string('{% extends "base.html" %}').render({})
    assert static(CHART_JS) not in html


def test_chart_box_has_a_fixed_height_for_the_responsive_canvas():
    css = (BASE / "static" / "portal" / "portal.css").read_text()
    rule = re.search(r"\.chart-box\s*\{([^}]*)\}", css)
    assert rule is not None
    declarations = {
        k.strip(): v.strip() for k, _, v in (d.partition(":") for d in rule.group(1).split(";") if ":" in d)
    }
    assert declarations.get("position") == "relative"
    assert re.fullmatch(r"\d+px", declarations.get("height", ""))
