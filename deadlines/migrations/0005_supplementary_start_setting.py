"""The 2-day supplementary course's "start within 9 months of the 3-day course" became a rule of
its own (training.amo_supplementary_first_start); its local number `months_after_basic` moves
with it from the first-year rule, so a kommune that agreed on fewer months keeps its number (and
its first-year setting no longer holds a value that rule does not have)."""

from django.db import migrations

FIRST = "training.amo_supplementary_first"
START = "training.amo_supplementary_first_start"
NAME = "months_after_basic"


def move_forward(apps, schema_editor):
    RuleSetting = apps.get_model("deadlines", "RuleSetting")
    for setting in RuleSetting.objects.filter(rule=FIRST):
        values = dict(setting.values or {})
        if NAME not in values:
            continue
        months = values.pop(NAME)
        target, _created = RuleSetting.objects.get_or_create(
            kommune_id=setting.kommune_id,
            rule=START,
            defaults={"local_reference": setting.local_reference, "values": {}},
        )
        target.values = {**(target.values or {}), NAME: months}
        target.save(update_fields=["values"])
        setting.values = values
        setting.save(update_fields=["values"])


def move_back(apps, schema_editor):
    RuleSetting = apps.get_model("deadlines", "RuleSetting")
    for setting in RuleSetting.objects.filter(rule=START):
        values = dict(setting.values or {})
        if NAME not in values:
            continue
        first, _created = RuleSetting.objects.get_or_create(
            kommune_id=setting.kommune_id,
            rule=FIRST,
            defaults={"local_reference": setting.local_reference, "values": {}},
        )
        first.values = {**(first.values or {}), NAME: values.pop(NAME)}
        first.save(update_fields=["values"])
        setting.values = values
        setting.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0004_daily_count"),
    ]

    operations = [migrations.RunPython(move_forward, move_back)]
