"""Email addresses: the one rule of a well-formed address, and the model and form fields that apply it.

Django's EmailValidator accepts an internationalised domain (it checks its IDNA form) but only an ASCII local
part, so it refuses real addresses such as marc-andré.côté@example.ca, which French-Canadian ATS exports and
people's own forms hold. RFC 6531 (SMTPUTF8) allows UTF-8 in the local part. We accept there the letters,
combining marks and digits of any script besides what ASCII always allowed, and everything else Django checks
stays as it is. Spaces, control and invisible format characters (bidirectional overrides, zero-width joiners)
and symbols stay refused outside quotes: they only make one address look like another.
"""

import unicodedata

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models

# Unicode major categories a non-ASCII character of a local part may belong to: letters, marks (an accent
# written as a combining character, as macOS exports do) and numbers.
LOCAL_PART_CATEGORIES = {"L", "M", "N"}
# What an accepted non-ASCII character is checked as: an ASCII letter, which a local part may hold anywhere.
STAND_IN = "a"


class EmailValidator(validators.EmailValidator):
    """Django's EmailValidator, with internationalised local parts (letters, marks and digits of any script)."""

    def __call__(self, value):
        if not isinstance(value, str) or "@" not in value:
            return super().__call__(value)
        local, domain = value.rsplit("@", 1)
        if any(not _allowed_in_local_part(char) for char in local if not char.isascii()):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        as_ascii = "".join(char if char.isascii() else STAND_IN for char in local)
        try:
            super().__call__(f"{as_ascii}@{domain}")
        except ValidationError:
            raise ValidationError(self.message, code=self.code, params={"value": value}) from None


def _allowed_in_local_part(char: str) -> bool:
    return unicodedata.category(char)[0] in LOCAL_PART_CATEGORIES


validate_email = EmailValidator()


class EmailFormField(forms.EmailField):
    """A form's email input under validate_email. A text input (with the email keyboard): a browser's
    type="email" input refuses a non-ASCII local part before the form is even sent."""

    default_validators = [validate_email]
    widget = forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email", "spellcheck": "false"})


class EmailField(models.EmailField):
    """An email column under validate_email; its form field is EmailFormField."""

    default_validators = [validate_email]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": EmailFormField, **kwargs})
