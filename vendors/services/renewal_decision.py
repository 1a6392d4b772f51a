"""The renewal decision on the spine: the hiring manager is asked before the end, and the decision closes
when they renew or the engagement ends."""

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import clock
from portal.choices import Role
from portal.models import Decision, User
from portal.permissions import can_take_decision
from portal.services.decisions import raise_decision, resolve_decision
from vendors import choices
from vendors.choices import (
    RENEWAL_KIND,
    EngagementStatus,
)
from vendors.models import (
    Engagement,
)
from vendors.selectors import open_renewals
from vendors.services.base import move_engagement


def ask_renewal(engagement: Engagement, *, attempt: int = 0) -> Decision | None:
    """The hiring manager's decision: renew (new end date and rate) or end, due on the end date."""
    req = engagement.requisition
    manager = req.hiring_manager if req.hiring_manager_id and req.hiring_manager.is_active else None
    if engagement.status == EngagementStatus.ACTIVE:
        move_engagement(
            engagement, EngagementStatus.EXTENSION_PENDING, by=None, reason=choices.ENGAGEMENT_EXTENSION_DUE
        )
    due = timezone.make_aware(datetime.combine(max(engagement.end_date, clock.today()), time(17)))
    return raise_decision(
        kind=RENEWAL_KIND,
        title=_("Renew or end %(ref)s: %(who)s (%(vendor)s)")
        % {"ref": engagement.reference, "who": engagement.worker, "vendor": engagement.vendor},
        detail=_("Ends %(end)s. Renew with a new end date and rate, or let it end.")
        % {"end": engagement.end_date.isoformat()},
        owner=manager,
        owner_role="" if manager else Role.ADMIN,
        due_at=due,
        subject=engagement,
        by=None,
        key=f"engagement:{engagement.pk}:renewal:{engagement.end_date.isoformat()}:{attempt}",
    )


def close_renewal(engagement: Engagement, *, outcome: str, by: User | None, note: str) -> None:
    for decision in open_renewals(engagement):
        taker = by if by is not None and can_take_decision(by, decision) else None
        resolve_decision(decision=decision, outcome=outcome, by=taker, note=note[:4000])
