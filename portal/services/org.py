"""Saving organisation reference data. Admin pages and the demo seeder both come through here."""

from django.db import models, transaction

from portal.choices import ORG_RECORD_SAVED
from portal.models import User
from portal.services.records import save_with_history


def save_org_record(*, record: models.Model, by: User | None, reason: str = "") -> models.Model:
    """Validate (field rules, constraints, overlaps) and save a reference record with its history row.

    Raises django.core.exceptions.ValidationError with a message per field when a value is refused.
    """
    record.full_clean()
    with transaction.atomic():
        save_with_history(record, by=by, reason=reason or ORG_RECORD_SAVED.format(model=record._meta.model_name))
    return record
