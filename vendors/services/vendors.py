"""The vendor list: vendors, their contacts and the required clauses checked in their agreements; an
agency's application source follows its vendor."""

from datetime import date

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from candidates.choices import SourceKind
from candidates.models import Source
from portal import clock
from portal.models import User
from portal.services.records import delete_with_history, save_with_history
from vendors import choices
from vendors.choices import (
    VendorStatus,
)
from vendors.models import (
    ClauseCheck,
    RequiredClause,
    Vendor,
    VendorContact,
)
from vendors.permissions import (
    can_manage_vendors,
)
from vendors.services.base import VendorError, clean


def save_vendor(*, vendor: Vendor, by: User) -> Vendor:
    """Add or edit a vendor. An approved vendor has every required clause checked; an agency gets the
    application source recruiters pick for its candidates (renamed with it, retired when terminated)."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    if vendor.created_at is None:
        vendor.created_at = clock.now()
    if not vendor.places_hires:
        vendor.guarantee_days = vendor.guarantee_days if vendor.fee_pct is not None else None
    clean(vendor, exclude=["source"])
    with transaction.atomic():
        if vendor.pk:
            Vendor.objects.select_for_update().get(pk=vendor.pk)
        if vendor.status == VendorStatus.APPROVED:
            missing = missing_clauses(vendor)
            if missing:
                raise VendorError(
                    _("Check these clauses before approving the vendor: %(clauses)s.")
                    % {"clauses": ", ".join(c.name for c in missing)}
                )
        save_with_history(vendor, by=by, reason=choices.VENDOR_SAVED)
        _sync_source(vendor, by=by)
    return vendor


def missing_clauses(vendor: Vendor) -> list[RequiredClause]:
    checked = set(vendor.clause_checks.values_list("clause_id", flat=True)) if vendor.pk else set()
    return [clause for clause in RequiredClause.objects.filter(is_active=True) if clause.pk not in checked]


def _sync_source(vendor: Vendor, *, by: User) -> None:
    if not vendor.places_hires and vendor.source_id is None:
        return
    source = vendor.source
    active = vendor.places_hires and vendor.status != VendorStatus.TERMINATED
    if source is None:
        parent = Source.objects.filter(kind=SourceKind.AGENCY, parent__isnull=True, vendor__isnull=True).first()
        base = slugify(f"agency-{vendor.name}")[:34] or "agency"
        code, n = base, 1
        while Source.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        source = Source(code=code, kind=SourceKind.AGENCY, parent=parent)
    if source.name == vendor.name[:80] and source.is_active == active and source.pk:
        return
    source.name = vendor.name[:80]
    source.is_active = active
    save_with_history(source, by=by, reason="vendors.vendor.source_synced")
    if vendor.source_id != source.pk:
        vendor.source = source
        vendor.save(update_fields=["source"])


def save_contact(*, contact: VendorContact, by: User) -> VendorContact:
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    clean(contact)
    with transaction.atomic():
        if contact.is_primary:
            VendorContact.objects.filter(vendor=contact.vendor, is_primary=True).exclude(pk=contact.pk).update(
                is_primary=False
            )
        save_with_history(contact, by=by, reason="vendors.vendorcontact.saved")
    return contact


def remove_contact(*, contact: VendorContact, by: User) -> None:
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    delete_with_history(contact, by=by, reason="vendors.vendorcontact.removed")


def check_clause(*, vendor: Vendor, clause: RequiredClause, by: User, checked_on: date, note: str = "") -> ClauseCheck:
    """Record that `by` found `clause` in the vendor's agreement on `checked_on`."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    if checked_on > clock.today():
        raise VendorError(_("A clause cannot be checked in the future."))
    if not clause.is_active:
        raise VendorError(_("“%(clause)s” is retired.") % {"clause": clause})
    with transaction.atomic():
        Vendor.objects.select_for_update().get(pk=vendor.pk)
        check = ClauseCheck.objects.filter(vendor=vendor, clause=clause).first() or ClauseCheck(
            vendor=vendor, clause=clause
        )
        check.checked_on, check.checked_by, check.note = checked_on, by, note.strip()[:300]
        save_with_history(check, by=by, reason=choices.CLAUSE_CHECKED)
    return check


def uncheck_clause(*, vendor: Vendor, clause: RequiredClause, by: User) -> None:
    """Take a check back; an approved vendor then goes on hold until the clause is checked again."""
    if not can_manage_vendors(by):
        raise VendorError(_("Only finance and admins keep the vendor list."))
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
        check = ClauseCheck.objects.filter(vendor=locked, clause=clause).first()
        if check is None:
            return
        delete_with_history(check, by=by, reason="vendors.vendor.clause_unchecked")
        if locked.status == VendorStatus.APPROVED and clause.is_active:
            locked.status = VendorStatus.ON_HOLD
            save_with_history(locked, by=by, reason=choices.VENDOR_SAVED)
