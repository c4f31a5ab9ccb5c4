"""The default gateway: keeps each message in the database (one `OutboxEntry` per message, so a retry
never doubles it) and a line in a file, and counts it delivered. Everything works with no provider."""

import json
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from lantoa.messaging.gateways.base import Gateway, OutgoingMessage, PermanentError, SendResult, register


@register
class OutboxGateway(Gateway):
    kind = "outbox"
    label = "Hộp thư đi nội bộ (không gửi ra ngoài)"

    def send(self, message: OutgoingMessage) -> SendResult:
        from lantoa.messaging.models import OutboxEntry

        if self.options.get("fail_numbers") and message.phone in self.options["fail_numbers"]:
            # Lets a trial run show what a refused number looks like.
            raise PermanentError("outbox: number refused by configuration", code="refused")
        try:
            with transaction.atomic():
                OutboxEntry.objects.create(message_id=message.message_id, phone=message.phone, text=message.text)
        except IntegrityError:
            return SendResult(provider_id=f"outbox-{message.message_id}", delivered=True, detail="already in outbox")
        path = self.options.get("file") or str(Path(settings.VAR_DIR) / "outbox.jsonl")
        if path != "-":
            line = {"id": message.message_id, "to": message.phone, "text": message.text}
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        return SendResult(provider_id=f"outbox-{message.message_id}", delivered=True)
