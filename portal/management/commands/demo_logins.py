from django.core.management.base import BaseCommand

from portal import registry
from portal.demo import DEMO_PASSWORD, demo_people


class Command(BaseCommand):
    help = "Print the demo logins created by seed_demo."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for person in demo_people():
            roles = ", ".join(registry.role_label(role) for role in person.roles)
            self.stdout.write(
                f"  {person.username:<16} {person.first_name} {person.last_name}, {person.title} [{roles}]"
            )
