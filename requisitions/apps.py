from django.apps import AppConfig


class RequisitionsConfig(AppConfig):
    name = "requisitions"

    def ready(self):
        from django.db.models.signals import post_migrate

        from requisitions import receivers, spine

        spine.register()
        post_migrate.connect(receivers.after_migrate, dispatch_uid="requisitions.after_migrate")
