from django.db import migrations, models

# The rows that exist get their value from the deadlines already stored (as
# unions.services.union_next_due_refresh computes it); later writes keep it.
BACKFILL = """
UPDATE unions_unionmembership SET next_due = (
    SELECT MIN(d.due_date) FROM deadlines_deadline d
    WHERE d.person_id = unions_unionmembership.person_id
      AND d.state = 'open'
      AND (d.rule LIKE 'training.%' OR d.rule = 'committees.amr_term_end')
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0001_initial"),
        ("deadlines", "0002_open_person_due_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="unionmembership",
            name="next_due",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
