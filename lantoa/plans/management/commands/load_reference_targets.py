from django.core.management.base import BaseCommand

from lantoa.plans.services import reference_targets_load


class Command(BaseCommand):
    help = "Load the national reference targets (28-NQ/TW, 403/NQ-CP) a plan may follow. Safe to re-run."

    def handle(self, *args, **options):
        added = reference_targets_load(actor=None)
        self.stdout.write(f"national reference targets: {added} added")
