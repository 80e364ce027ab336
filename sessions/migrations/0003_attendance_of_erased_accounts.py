from django.db import migrations, models


def forget_blank_rows_of_erased_accounts(apps, schema_editor):
    """Rows of accounts erased before now that nothing was recorded on: the reports never
    counted them (they could not tell whether the person was still in the set), and from now
    on every row of an erased account counts, so they go to keep the totals as they were."""
    Attendance = apps.get_model("meetings", "Attendance")
    Attendance.objects.filter(user__isnull=True, status="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_pulse_and_inaction_prompts"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="erased_account",
            field=models.PositiveBigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forget_blank_rows_of_erased_accounts, migrations.RunPython.noop),
    ]
