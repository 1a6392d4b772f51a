from django.core.management.base import BaseCommand

from portal import registry
from portal.roles import apply_roles


class Command(BaseCommand):
    help = "Give every registered role its group holding exactly the permissions granted to it in code (idempotent)."

    def handle(self, *args, **options):
        for role, count in apply_roles().items():
            spec = registry.role(role)
            self.stdout.write(f"{spec.label} ({role}): {count} permissions. {spec.description}")
