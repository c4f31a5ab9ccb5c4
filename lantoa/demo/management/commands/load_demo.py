from django.core.management.base import BaseCommand

from lantoa.demo.services import demo_load, demo_remove


class Command(BaseCommand):
    help = (
        "Fill 2022–2025 with demo activities, campaigns, radio broadcasts and a synthetic registry of people "
        "with their reach, create a demo 2026–2030 plan for the communes formed in 2025 and fill 2026 up to "
        "today on them (all marked demo); --remove deletes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remove", action="store_true")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--people", type=int, default=None, help="size of the demo registry (default: about 100,000)"
        )

    def handle(self, *args, remove, seed, people, **options):
        if remove:
            self.stdout.write(f"demo data removed: {demo_remove(actor=None)}")
            return
        result = demo_load(actor=None, seed=seed, people=people)
        if result.get("stale"):
            self.stdout.write(
                "demo data already loaded, from before the 2026–2030 demo plan and the 2026 records "
                "(load_demo --remove, then load_demo, to get them)"
            )
        elif result.get("already"):
            self.stdout.write("demo data already loaded (load_demo --remove to delete it)")
        else:
            self.stdout.write(f"demo data loaded: {result}")
