from django.db import migrations


def load(apps, schema_editor):
    from lantoa.feedback.data.rules import CLOCK_RULES, HOLIDAYS

    ClockRule = apps.get_model("feedback", "ClockRule")
    Holiday = apps.get_model("feedback", "Holiday")
    for kind, count, days, cx, remote, remote_cx, accept, max_ext, ext, start, end, basis, confirm in CLOCK_RULES:
        ClockRule.objects.get_or_create(
            kind=kind,
            valid_from=start,
            defaults=dict(
                day_count=count,
                days=days,
                complex_days=cx,
                remote_days=remote,
                remote_complex_days=remote_cx,
                accept_days=accept,
                max_extensions=max_ext,
                extension_days=ext,
                valid_to=end,
                legal_basis=basis,
                needs_confirmation=confirm,
            ),
        )
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(date=day, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
