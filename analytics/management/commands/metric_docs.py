from django.core.management.base import BaseCommand

from analytics import docs


class Command(BaseCommand):
    help = "Write the dashboards' metric definitions into docs/metrics.md from the registry."

    def handle(self, *args, **options):
        changed = docs.write()
        self.stdout.write("docs/metrics.md updated." if changed else "docs/metrics.md already up to date.")
