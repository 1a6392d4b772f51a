"""Agencies and contractors: vendors, rate cards, engagements, timesheets and invoices."""

from django.apps import AppConfig


class VendorsConfig(AppConfig):
    name = "vendors"

    def ready(self):
        from django.db.models.signals import post_migrate

        from offers.models import Offer
        from offers.signals import offer_accepted
        from vendors import receivers, spine

        spine.register()
        post_migrate.connect(receivers.after_migrate, dispatch_uid="vendors.after_migrate")
        offer_accepted.connect(receivers.on_offer_accepted, sender=Offer, dispatch_uid="vendors.offer_accepted")
