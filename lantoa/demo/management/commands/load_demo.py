from django.core.management.base import BaseCommand

from lantoa.demo.services import demo_load, demo_remove


class Command(BaseCommand):
    help = (
        "Fill 2022–2025 with demo activities, campaigns, radio broadcasts and a synthetic registry of people "
        "with their reach (marked demo); --remove deletes them."
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
        if result.get("already"):
            self.stdout.write("demo data already loaded (load_demo --remove to delete it)")
        else:
            self.stdout.write(f"demo data loaded: {result}")
