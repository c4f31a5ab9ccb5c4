from django.core.management.base import BaseCommand

from lantoa.public.rules import load_rules


class Command(BaseCommand):
    help = "Add the shipped voluntary-BHXH rules (data/voluntary_rules.json) that the rules table lacks."

    def handle(self, *args, **options):
        added = load_rules()
        self.stdout.write(f"voluntary rules: {added} added")
