"""Pre-boarding: checklists from templates, start-date risk, the start confirmation."""

from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"

    def ready(self):
        from django.db.models.signals import post_migrate

        from offers.models import Offer
        from offers.signals import offer_accepted
        from onboarding import receivers, spine
        from vendors.models import Engagement
        from vendors.signals import engagement_started

        spine.register()
        post_migrate.connect(receivers.after_migrate, dispatch_uid="onboarding.after_migrate")
        offer_accepted.connect(receivers.on_offer_accepted, sender=Offer, dispatch_uid="onboarding.offer_accepted")
        engagement_started.connect(
            receivers.on_engagement_started, sender=Engagement, dispatch_uid="onboarding.engagement_started"
        )
