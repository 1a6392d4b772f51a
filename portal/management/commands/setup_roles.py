from django.core.management.base import BaseCommand

from portal.roles import apply_roles


class Command(BaseCommand):
    help = "Create the role groups and give each exactly the permissions defined in portal/roles.py (idempotent)."

    def handle(self, *args, **options):
        for role, count in apply_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
