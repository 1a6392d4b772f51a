"""`engagement_started(sender=Engagement, engagement, by)`: sent inside the start's transaction, once a
planned engagement becomes active (pre-boarding starts its checklist from it)."""

from django.dispatch import Signal

engagement_started = Signal()
