"""The portal's stylesheet: status badges readable by everyone (WCAG AA, 4.5:1)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from candidates.choices import Recommendation
from onboarding.choices import CaseStatus, TaskStatus
from requisitions.choices import Status

CSS = (Path(settings.BASE_DIR) / "static" / "portal" / "portal.css").read_text()
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _rules() -> dict[str, dict[str, str]]:
    """{selector: {property: value}} for every plain rule (comments dropped, grouped selectors split)."""
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in RULE.findall(re.sub(r"/\*.*?\*/", "", CSS, flags=re.S)):
        declarations = {
            name.strip(): value.replace("!important", "").strip()
            for name, _, value in (d.partition(":") for d in body.split(";") if ":" in d)
        }
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules


def _luminance(colour: str) -> float:
    hex_ = colour.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    assert re.fullmatch(r"[0-9a-fA-F]{6}", hex_), f"not an explicit colour: {colour}"

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(hex_[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


BADGES = (
    [f".badge.status-{status}" for status in Status.values]
    + [f".badge.status-{status}" for status in (*TaskStatus.values, *CaseStatus.values)]
    + [f".badge.recommendation-{value}" for value in Recommendation.values]
    + [".badge.badge-overdue"]
)


@pytest.mark.parametrize("selector", BADGES)
def test_every_status_badge_has_explicit_colours_with_aa_contrast(selector):
    rule = _rules().get(selector)
    assert rule is not None, f"no rule for {selector}"
    background = rule.get("background-color") or rule.get("background")
    assert background and "color" in rule, f"{selector} must set both its text and background colours"
    assert contrast(rule["color"], background) >= 4.5, selector


def test_no_template_styles_inline():
    """The content security policy refuses inline styles: a style="" attribute would be dropped in the
    browser, so the look it asks for belongs in portal.css."""
    templates = Path(settings.BASE_DIR) / "templates"
    offenders = [str(t.relative_to(templates)) for t in templates.rglob("*.html") if "style=" in t.read_text()]
    assert offenders == []
