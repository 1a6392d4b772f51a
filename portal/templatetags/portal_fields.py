"""How django-bootstrap5 renders a form field in the portal (settings.BOOTSTRAP5["field_renderers"]).

Two changes from the package's renderer:

- No green "valid" mark on a field when a bound form is shown again: a form comes back because
  something is wrong, and the eye should go to what is wrong. Fields with errors are still marked.
- Required fields are marked up front. A field the form requires gets the label class `required`;
  a field listed in the form's `required_to_submit` ({field name: what to say}, e.g. the fields a
  form needs before it can be submitted) gets `required-to-submit`. Either way a second
  label for the same control follows the field's own label, holding a visible "*" (hidden from
  screen readers) and the words for screen readers ("required", "required to submit"). The field's
  own label keeps its plain text, so "Level" is still the label "Level". A form whose every
  field is required (signing in) shows no marks: they would say nothing.
"""

from django.forms import CheckboxInput
from django.utils.html import format_html
from django_bootstrap5.css import merge_css_classes
from django_bootstrap5.renderers import FieldRenderer as BootstrapFieldRenderer


class FieldRenderer(BootstrapFieldRenderer):
    def get_server_side_validation_classes(self):
        return "is-invalid" if self.field_errors else ""

    def requirement(self) -> tuple[str, str]:
        """(label class, words for screen readers), or ("", "") for an optional field."""
        if isinstance(self.widget, CheckboxInput) or self.show_label is not True:
            return "", ""
        form = self.field.form
        if self.field.field.required and not form.empty_permitted:
            # A form whose every field is required (signing in) gains nothing from the marks.
            if all(field.required for field in form.fields.values() if not field.widget.is_hidden):
                return "", ""
            return "required", "required"
        words = getattr(form, "required_to_submit", {}).get(self.field.name)
        if words:
            return "required-to-submit", words
        return "", ""

    def get_label_class(self, horizontal=False):
        css_class, _ = self.requirement()
        return merge_css_classes(super().get_label_class(horizontal=horizontal), css_class)

    def get_label_html(self, horizontal=False):
        label = super().get_label_html(horizontal=horizontal)
        css_class, words = self.requirement()
        if not css_class or not label:
            return label
        marker = format_html(
            '<label class="required-note {}" for="{}"><span class="required-mark" aria-hidden="true">*</span>'
            '<span class="visually-hidden">{}</span></label>',
            css_class,
            self.field.id_for_label,
            words,
        )
        return label + marker
