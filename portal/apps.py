from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from portal import receivers, spine
        from portal.celery import ensure_broker_folders

        spine.register()
        ensure_broker_folders()
        post_migrate.connect(receivers.after_migrate, dispatch_uid="portal.after_migrate")
        user_logged_in.connect(receivers.start_session_clock, dispatch_uid="portal.start_session_clock")
