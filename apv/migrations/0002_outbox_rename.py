from django.db import migrations


class Migration(migrations.Migration):
    """Survey invitations become rows of the one outbox (core.outbox): its field names."""

    dependencies = [("apv", "0001_initial")]

    operations = [
        migrations.RenameField("surveyinvitation", "send_state", "state"),
        migrations.RenameField("surveyinvitation", "send_error", "last_error"),
    ]
