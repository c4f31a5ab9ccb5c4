from django.core.management.base import BaseCommand

from lantoa.taxonomy.services import taxonomy_load


class Command(BaseCommand):
    help = "Load the topics (incl. the 11 reform contents) and target groups of the plan. Safe to re-run."

    def handle(self, *args, **options):
        created, total = taxonomy_load(actor=None)
        self.stdout.write(f"topics and target groups: {created} created, {total} in all")
