from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lantoa.plans.services import DEFAULT_PLAN_FILE, plan_load


class Command(BaseCommand):
    help = "Load a plan with its indicators and targets from a JSON data file (default: Hồng Ngự 2022–2025)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PLAN_FILE)

    def handle(self, *args, path, **options):
        try:
            plan, created = plan_load(actor=None, path=path)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        state = "loaded" if created else "already there, left unchanged"
        self.stdout.write(
            f"plan {plan.number} ({plan.start_year}–{plan.end_year}): {state}, {plan.indicators.count()} indicators"
        )
