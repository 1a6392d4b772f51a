"""Admin: offers are read-only here (every move goes through offers.services, which states the extension
rule once); letter templates are edited here, saved through the service that checks their placeholders."""

from django import forms
from django.contrib import admin

from offers.letters import PLACEHOLDERS, check_placeholders
from offers.models import Offer, OfferLetterTemplate, OfferVersion
from offers.services import save_letter_template
from portal.admin import HistoryAdmin, ReadOnlyAdmin, ReadOnlyInline


class VersionInline(ReadOnlyInline):
    model = OfferVersion
    fields = ["number", "status", "title", "base_amount", "pay_basis", "currency", "start_date", "expires_on"]
    readonly_fields = fields


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ["reference", "application", "requisition", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["application__candidate", "application__requisition", "requisition"]
    inlines = [VersionInline]


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = OfferLetterTemplate
        fields = ["name", "body", "is_default"]
        help_texts = {"body": "Placeholders: " + ", ".join("{" + name + "}" for name in PLACEHOLDERS)}

    def clean_body(self):
        body = self.cleaned_data["body"]
        problem = check_placeholders(body)
        if problem:
            raise forms.ValidationError(problem)
        return body


@admin.register(OfferLetterTemplate)
class OfferLetterTemplateAdmin(HistoryAdmin):
    form = LetterTemplateForm
    list_display = ["name", "is_default", "updated_by", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        save_letter_template(template=obj, by=request.user)
