"""The one rule of a well-formed email address: Django's, with internationalised local parts."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email as djangos_rule

from candidates.models import Candidate
from portal.emails import EmailFormField, validate_email

ACCEPTED = [
    "ada@example.com",
    "Ada.Byron+pipeline@Example.COM",
    "marc-andré.côté@example.ca",  # a French-Canadian ATS export
    "e\u0301lise@example.ca",  # the accent as a combining mark, as macOS writes it
    "zoë.o'brien@example.ie",
    "δοκιμή@παράδειγμα.δοκιμή",
    "用户@例子.广告",
    "рамиль@пример.рф",
    "अजय@डाटा.भारत",
    "marc@exämple.ca",
    "nadia@localhost",
]
REFUSED = [
    "",
    "not-an-email",
    "ada@",
    "@example.com",
    "ada byron@example.com",
    ".ada@example.com",
    "ada.@example.com",
    "ada..byron@example.com",
    "ada@example",
    "ada@-example.com",
    "marc\u00a0andré@example.ca",  # a no-break space
    "marc\u200dandré@example.ca",  # a zero-width joiner: looks like marcandré
    "ada\u202emoc.elgoog@example.com",  # a right-to-left override: reads as another address
    "ada€@example.com",
    "ada\u0000@example.com",
    "é" * 320 + "@example.ca",
]


@pytest.mark.parametrize("address", ACCEPTED)
def test_a_well_formed_address_is_accepted_in_any_script(address):
    validate_email(address)


@pytest.mark.parametrize("address", REFUSED)
def test_a_malformed_or_deceptive_address_is_refused(address):
    with pytest.raises(ValidationError) as refused:
        validate_email(address)
    assert refused.value.messages == ["Enter a valid email address."]
    assert refused.value.params == {"value": address}


@pytest.mark.parametrize("address", [a for a in ACCEPTED if a.isascii()] + REFUSED)
def test_on_ascii_addresses_it_agrees_with_djangos_rule(address):
    """Only non-ASCII local parts are added: everything Django accepts or refuses stays so."""

    def verdict(rule):
        try:
            rule(address)
        except ValidationError:
            return False
        return True

    if address.split("@")[0].isascii():
        assert verdict(validate_email) == verdict(djangos_rule)


def test_the_candidate_email_and_its_form_field_apply_it():
    field = Candidate._meta.get_field("email")
    assert [v for v in field.validators if isinstance(v, type(djangos_rule))] == [validate_email]
    assert all(v is not djangos_rule for v in field.validators)
    form_field = field.formfield()
    assert isinstance(form_field, EmailFormField)
    assert form_field.clean(" marc-andré.côté@example.ca ") == "marc-andré.côté@example.ca"
    with pytest.raises(ValidationError):
        form_field.clean("marc\u200dandré@example.ca")
    # A text input with the email keyboard: a browser's type="email" would refuse the address unsent.
    assert 'type="text"' in form_field.widget.render("email", "") and 'inputmode="email"' in (
        form_field.widget.render("email", "")
    )
