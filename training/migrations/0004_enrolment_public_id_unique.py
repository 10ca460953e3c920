import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    """After 0003 filled every enrolment's public id (its own transaction)."""

    dependencies = [("training", "0003_course_booking")]

    operations = [
        migrations.AlterField(
            model_name="enrolment",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalenrolment",
            name="public_id",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
