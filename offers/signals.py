"""`offer_accepted(sender=Offer, offer, version, by)`: sent inside the acceptance's transaction, the one
place other modules react to a hire (an agency's fee, the pre-boarding checklist). Receivers write in
that transaction; anything they send by email waits for the commit (portal.services.notifications)."""

from django.dispatch import Signal

offer_accepted = Signal()
