"""What the vendors services share: the error they raise, validation, locking and telling the people
who run an engagement."""

from functools import partial

from django.core.exceptions import ValidationError

from portal.exceptions import PortalError
from portal.models import User
from portal.services.notifications import notify
from portal.services.records import move
from vendors import choices
from vendors.models import (
    Engagement,
    Invoice,
)

MAX_ENGAGEMENT_DAYS = 3 * 366
MAX_INVOICE_PERIOD_DAYS = 366
MAX_INVOICE_AGE_DAYS = 5 * 366


class VendorError(PortalError):
    pass


def clean(instance, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=True)
    except ValidationError as exc:
        raise VendorError(" ".join(m for messages in exc.message_dict.values() for m in messages)) from None


def locked_engagement(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("requisition__hiring_manager", "requisition__cost_center", "vendor", "worker")
        .get(pk=engagement.pk)
    )


def locked_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).select_related("vendor").get(pk=invoice.pk)


# Moves along the transition tables in vendors.choices.
move_engagement = partial(move, transitions=choices.ENGAGEMENT_TRANSITIONS, error=VendorError)
move_invoice = partial(move, transitions=choices.INVOICE_TRANSITIONS, error=VendorError)


def tell(engagement: Engagement, message: str, by: User | None) -> None:
    req = engagement.requisition
    people = {p for p in (engagement.created_by, req.recruiter, req.hiring_manager) if p is not None}
    notify(users=[p for p in people if p != by], message=message, url=engagement.get_absolute_url())
