"""Offer letters: an admin-editable template with {placeholders}, filled from an offer's current version,
shown as a printable page and as a PDF (fpdf2: pure Python, no network)."""

import re

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from offers.costs import annual_base, bonus
from offers.models import Offer, OfferLetterTemplate, OfferVersion

PLACEHOLDERS = {
    "candidate_name": "The candidate's full name",
    "candidate_first_name": "The candidate's first name",
    "job_title": "The job title as offered",
    "level": "The level",
    "location": "The location",
    "employment_type": "Full-time, contract...",
    "department": "The requisition's department",
    "hiring_manager": "The hiring manager's name",
    "recruiter": "The recruiter's name",
    "base_pay": "Base pay with its basis, e.g. 95,000.00 CAD per year",
    "annual_base": "Annual base pay, e.g. 95,000.00 CAD",
    "bonus": "The bonus target, or “none”",
    "equity": "The equity note, or “none”",
    "signing_bonus": "The signing bonus, or “none”",
    "relocation": "Relocation support, or “none”",
    "allowances": "The allowances, one per line, or “none”",
    "start_date": "The start date",
    "expires_on": "The date the offer expires",
    "offer_reference": "The offer's reference, e.g. OFF-0012",
    "version": "The version number",
    "company": "Our company's name",
}

DEFAULT_LETTER = """Dear {candidate_first_name},

We are delighted to offer you the position of {job_title} ({level}) in our {department} team, based in {location}. \
This is a {employment_type} role reporting to {hiring_manager}.

Your base pay will be {base_pay}. Bonus target: {bonus}. Equity: {equity}.
Signing bonus: {signing_bonus}. Relocation support: {relocation}.
Allowances:
{allowances}

Your first day will be {start_date}. This offer remains open until the end of {expires_on}.

Please confirm your acceptance to {recruiter}. We look forward to working with you.

Sincerely,
{company}

Reference {offer_reference}, version {version}"""

# A placeholder is a name in braces, nothing more; a doubled brace is a literal one. Anything else with a
# brace is refused, and the stored text is never given to str.format: a format spec, a conversion, an
# attribute or an index ("{job_title:>999999999}", "{job_title!r}", "{candidate.__class__}") would let a
# template build a huge string or reach into the values.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NOT_A_NAME = re.compile(r"[:!.\[\]]")


def check_placeholders(body: str) -> str:
    """A message naming unknown or malformed placeholders, or "" when the body is fine."""
    fields = []
    for token in _TOKEN.finditer(body):
        if token.group(1) is not None:
            fields.append(token.group(1))
        elif token.group(0) in ("{", "}"):
            return _("A brace is not closed: write placeholders as {job_title}, and a literal brace as {{ or }}.")
    shaped = [field for field in fields if _NOT_A_NAME.search(field)]
    if shaped:
        return _(
            "Placeholders take a name only, without a format, conversion, attribute or index: %(placeholders)s."
        ) % {"placeholders": ", ".join("{" + field + "}" for field in dict.fromkeys(shaped))}
    unknown = sorted({field for field in fields if field not in PLACEHOLDERS})
    if unknown:
        return _("Unknown placeholders: %(names)s. Use: %(known)s.") % {
            "names": ", ".join("{" + n + "}" for n in unknown),
            "known": ", ".join("{" + n + "}" for n in PLACEHOLDERS),
        }
    return ""


def fill_placeholders(body: str, values: dict[str, str]) -> str:
    """`body` with each placeholder replaced by its value, once (a value is never read as a template).
    The caller has checked the body (check_placeholders)."""

    def replace(token: re.Match) -> str:
        name = token.group(1)
        return token.group(0)[0] if name is None else values[name]

    return _TOKEN.sub(replace, body)


def _amount(money) -> str:
    return f"{money.amount:,.2f} {money.currency}"


def _or_none(money) -> str:
    return _amount(money) if money.amount else _("none")


def letter_values(offer: Offer, version: OfferVersion) -> dict[str, str]:
    req, candidate = offer.requisition, offer.application.candidate
    base = version.money(version.base_amount)
    basis = version.get_pay_basis_display().lower()
    allowances = [
        f"- {a.get_kind_display()}: {a.amount:,.2f} {version.currency} per year" for a in version.allowances.all()
    ]
    return {
        "candidate_name": str(candidate),
        "candidate_first_name": candidate.first_name,
        "job_title": version.title,
        "level": str(version.level or "—"),
        "location": str(version.location or "—"),
        "employment_type": version.get_employment_type_display().lower(),
        "department": str(req.department or "—"),
        "hiring_manager": str(req.hiring_manager),
        "recruiter": str(req.recruiter or offer.created_by),
        "base_pay": f"{_amount(base)} {basis}",
        "annual_base": _amount(annual_base(version)),
        "bonus": _or_none(bonus(version)),
        "equity": version.equity_note or _("none"),
        "signing_bonus": _or_none(version.money(version.signing_bonus)),
        "relocation": _or_none(version.money(version.relocation)),
        "allowances": "\n".join(allowances) or _("none"),
        "start_date": formats.date_format(version.start_date, "DATE_FORMAT"),
        "expires_on": formats.date_format(version.expires_on, "DATE_FORMAT"),
        "offer_reference": offer.reference,
        "version": str(version.number),
        "company": getattr(settings, "PORTAL_COMPANY_NAME", "The hiring team"),
    }


def default_template() -> OfferLetterTemplate | None:
    return OfferLetterTemplate.objects.filter(is_default=True).first() or OfferLetterTemplate.objects.first()


def render_letter(offer: Offer, version: OfferVersion, template: OfferLetterTemplate | None = None) -> str:
    """The letter's text. Values are inserted as text (the page escapes them); a template broken since it
    was saved falls back to the default letter."""
    template = template or default_template()
    body = template.body if template is not None else DEFAULT_LETTER
    values = letter_values(offer, version)
    if check_placeholders(body):
        body = DEFAULT_LETTER
    return fill_placeholders(body, values)


# Characters the PDF's built-in font lacks, as their nearest stand-in.
_STAND_INS = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "-",
    "€": "EUR",
    "\u00a0": " ",
}


def _latin1(text: str) -> str:
    text = "".join(_STAND_INS.get(ch, ch) for ch in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def letter_pdf(text: str, *, title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(title))
    pdf.set_margins(22, 22, 22)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in re.split(r"\n", _latin1(text)):
        pdf.multi_cell(0, 6, paragraph or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
