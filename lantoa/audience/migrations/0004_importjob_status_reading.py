from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audience', '0003_reach_person_voluntary_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importjob',
            name='status',
            field=models.CharField(choices=[('reading', 'Reading the file'), ('uploaded', 'Uploaded'), ('mapped', 'Columns mapped'), ('checking', 'Checking'), ('checked', 'Checked'), ('importing', 'Importing'), ('done', 'Imported'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='uploaded', max_length=10, verbose_name='status'),
        ),
    ]
