"""Loading the shipped topics and target groups. Existing codes are left as an administrator edited them."""

import json
from pathlib import Path

from django.db import transaction

from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log
from lantoa.taxonomy.models import TargetGroup, Topic

DATA_FILE = Path(__file__).parent / "data" / "topics_groups.json"


@transaction.atomic
def taxonomy_load(*, actor, path: Path = DATA_FILE) -> tuple[int, int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    created = 0
    for model, rows in ((Topic, data["topics"]), (TargetGroup, data["groups"])):
        existing = set(model.objects.values_list("code", flat=True))
        for order, row in enumerate(rows, start=1):
            if row["code"] in existing:
                continue
            obj = model.objects.create(order=order, **row)
            audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=obj, verb="taxonomy_load", source="system")
            created += 1
    return created, Topic.objects.count() + TargetGroup.objects.count()
