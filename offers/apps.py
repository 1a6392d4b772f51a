from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"

    def ready(self):
        from django.db.models.signals import post_migrate

        from offers import receivers, spine

        spine.register()
        post_migrate.connect(receivers.after_migrate, dispatch_uid="offers.after_migrate")
