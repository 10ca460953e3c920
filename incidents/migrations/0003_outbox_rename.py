from django.db import migrations


class Migration(migrations.Migration):
    """Incident notifications become rows of the one outbox (core.outbox): its field names."""

    dependencies = [("incidents", "0002_incident_attachments")]

    operations = [migrations.RenameField("incidentnotification", "error", "last_error")]
