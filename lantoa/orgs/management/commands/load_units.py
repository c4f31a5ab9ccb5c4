from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lantoa.orgs.services import units_load


class Command(BaseCommand):
    help = "Load units from a JSON data file (default: the Hồng Ngự units of §VII). Existing codes are kept."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path)

    def handle(self, *args, path=None, **options):
        try:
            created, existing = units_load(actor=None, path=path)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"units: {created} created, {existing} already there")
