"""Write the default report template (Decree 30 layout) to a file, to edit it and upload it back."""

from pathlib import Path

from django.core.management.base import BaseCommand

from lantoa.documents.services import FIELDS, REQUIRED_FIELDS, default_template


class Command(BaseCommand):
    help = "Write the default DOCX report template (Decree 30/2020 layout) to OUT."

    def add_arguments(self, parser):
        parser.add_argument("out", help="path of the .docx to write")

    def handle(self, *args, out, **options):
        Path(out).write_bytes(default_template())
        self.stdout.write(f"{out}: default report template")
        for name, meaning in FIELDS.items():
            mark = "*" if name in REQUIRED_FIELDS else " "
            self.stdout.write(f" {mark} {{{{ {name} }}}}  {meaning}")
