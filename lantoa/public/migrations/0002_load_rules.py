"""The shipped voluntary-BHXH rules and the national hotline, so that a fresh database answers at once.
Later corrections are rows an administrator adds; `load_voluntary_rules` adds shipped rows still missing."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "voluntary_rules.json"


def load(apps, schema_editor):
    Rule = apps.get_model("public", "Rule")
    Contact = apps.get_model("public", "Contact")
    for item in json.loads(DATA.read_text(encoding="utf-8"))["rules"]:
        Rule.objects.get_or_create(
            kind=item["kind"],
            category=item.get("category", ""),
            area=None,
            years=item.get("years"),
            valid_from=dt.date.fromisoformat(item["from"]),
            defaults={
                "value": Decimal(item["value"]),
                "valid_to": dt.date.fromisoformat(item["to"]) if item.get("to") else None,
                "source": item["source"],
                "note": item.get("note", ""),
            },
        )
    if not Contact.objects.exists():
        Contact.objects.create(
            name="Bảo hiểm xã hội Việt Nam",
            hotline="1900 9068",
            source="Tổng đài hỗ trợ của BHXH Việt Nam",
            order=100,
        )


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
