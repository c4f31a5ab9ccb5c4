import datetime as dt

from django.db import migrations


def create(apps, schema_editor):
    Policy = apps.get_model("messaging", "Policy")
    if not Policy.objects.exists():
        Policy.objects.create(
            name="Nghị định 91/2020/NĐ-CP",
            valid_from=dt.date(2020, 10, 1),
            send_from=dt.time(7, 0),
            send_until=dt.time(22, 0),
            max_per_day=3,
            require_consent=True,
            approval_threshold=100,
            basis="Nghị định 91/2020/NĐ-CP về chống tin nhắn rác (hiệu lực 01/10/2020): gửi 7h–22h, tối đa 3 "
            "tin/24 giờ mỗi số, phải có đồng ý trước, dừng khi bị từ chối, tôn trọng danh sách không làm phiền.",
        )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
