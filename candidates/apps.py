from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "candidates"

    def ready(self):
        from django.db.models.signals import post_migrate

        from candidates import receivers, spine

        spine.register()
        post_migrate.connect(receivers.after_migrate, dispatch_uid="candidates.after_migrate")
