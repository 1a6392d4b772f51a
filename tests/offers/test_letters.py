"""Offer letters: a placeholder is a known name in braces and nothing else, refused by the template
form and the service alike, and rendering substitutes names without ever formatting the stored text."""

import pytest

from offers.admin import LetterTemplateForm
from offers.letters import DEFAULT_LETTER, check_placeholders, letter_values, render_letter
from offers.models import OfferLetterTemplate
from offers.services import OfferError, create_offer, save_letter_template
from tests.offers.conftest import terms

pytestmark = pytest.mark.django_db

# What str.format would do with each: pad to a billion characters, call repr(), read an attribute of the
# value, index into it.
NOT_A_NAME = ["{job_title:>999999999}", "{job_title!r}", "{candidate_name.__class__}", "{job_title[0]}", "{x[0]}"]


@pytest.fixture
def offer(application, recruiter):
    return create_offer(application=application, by=recruiter, terms=terms(application.requisition))


@pytest.mark.parametrize("placeholder", NOT_A_NAME)
def test_a_placeholder_that_is_more_than_a_name_is_refused_by_name(placeholder):
    body = f"Dear {{candidate_first_name}}, welcome as {placeholder}."
    expected = f"Placeholders take a name only, without a format, conversion, attribute or index: {placeholder}."

    assert check_placeholders(body) == expected
    with pytest.raises(OfferError) as refused:
        save_letter_template(template=OfferLetterTemplate(name="Tricky", body=body), by=None)
    assert str(refused.value) == expected
    form = LetterTemplateForm(data={"name": "Tricky", "body": body, "is_default": "on"})
    assert not form.is_valid()
    assert form.errors["body"] == [expected]
    assert not OfferLetterTemplate.objects.filter(name="Tricky").exists()


@pytest.mark.parametrize("body", ["{job_title:>100000}", "{job_title!r}", "{candidate_name.__class__.__name__}"])
def test_a_template_saved_before_the_rule_renders_the_default_letter(offer, body):
    """Such a template was refused only for unknown names: `{job_title:>100000}` printed a letter of a
    hundred thousand characters (a billion with more nines) and `{job_title!r}` printed quotes."""
    saved = OfferLetterTemplate.objects.create(name="Saved long ago", body=f"Dear {{candidate_first_name}}: {body}")
    version = offer.current_version
    values = letter_values(offer, version)
    default = DEFAULT_LETTER
    for name, value in values.items():
        default = default.replace("{" + name + "}", value)

    assert render_letter(offer, version, saved) == default


def test_names_are_substituted_once_and_doubled_braces_are_literal(offer):
    """A value is never read as a template (a candidate named "{job_title}" stays so)."""
    candidate = offer.application.candidate
    candidate.first_name = "{job_title}"
    candidate.save()
    template = OfferLetterTemplate(name="Plain", body="Dear {candidate_first_name}: {{job_title}} is {job_title}. }}")
    save_letter_template(template=template, by=None)

    assert render_letter(offer, offer.current_version, template) == (
        f"Dear {{job_title}}: {{job_title}} is {offer.current_version.title}. }}"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("Dear {candidate_name", "A brace is not closed"),
        ("Dear candidate_name}", "A brace is not closed"),
        ("Dear {job_title:{x}}", "A brace is not closed"),
        ("Dear { job_title }", "Unknown placeholders: { job_title }."),
        ("Dear {}", "Unknown placeholders: {}."),
        ("Dear {candidate_name}, {{literal}}", ""),
    ],
)
def test_braces_are_placeholders_or_doubled(body, problem):
    assert check_placeholders(body).startswith(problem)
    assert bool(check_placeholders(body)) == bool(problem)
