from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the default data: the Hồng Ngự areas (pre-2025 and current, linked), the units of §VII, "
        "the Hồng Ngự plan 2022–2025, "
        "the national reference targets for 2030, and a first administrator if there is no account. Safe to re-run."
    )

    def handle(self, *args, **options):
        call_command("load_areas", legacy_province=87, district=[870], stdout=self.stdout)
        call_command("load_units", stdout=self.stdout)
        call_command("load_plan", stdout=self.stdout)
        call_command("load_taxonomy", stdout=self.stdout)
        call_command("load_reference_targets", stdout=self.stdout)
        call_command("bootstrap_admin", stdout=self.stdout)
