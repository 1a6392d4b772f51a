import importlib
import importlib.util
import random

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Load realistic demo data: a login per role (password portal-demo), org reference data, "
        "and each module's demo records. Idempotent; deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2027, help="Random seed (default 2027).")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="N > 1: add a volume layer, written in bulk, up to N units in all (default 1: the demo alone).",
        )

    def handle(self, *args, seed, scale, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        rng = random.Random(seed)

        def log(message):
            self.stdout.write(f"  {message}")

        # Each app with a `demo` module seeds its own records, in INSTALLED_APPS order (portal first).
        for app_config, module in _modules("demo"):
            self.stdout.write(f"{app_config.label}:")
            module.seed(rng=rng, scale=scale, log=log)
        if scale > 1:
            # Then the volume layer: each app's `bulk` module writes its share of N units in bulk (rows,
            # not services), from a generator of its own so the demo above is the same at every scale.
            volume_rng = random.Random(f"{seed}:volume")
            for app_config, module in _modules("bulk"):
                self.stdout.write(f"{app_config.label} (volume):")
                module.seed(rng=volume_rng, scale=scale, log=log)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))


def _modules(name: str):
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.{name}"
        if importlib.util.find_spec(module_name) is not None:
            yield app_config, importlib.import_module(module_name)
