"""Drop the plaintext board and the dated voter records: ballots are now encrypted (0003).

Decisions cast under the old scheme cannot be converted (their ballots were never encrypted),
so their boards go; the decisions themselves stay.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("commons", "0003_transport_theme")]

    operations = [
        migrations.DeleteModel(name="BoardEntry"),
        migrations.DeleteModel(name="VoterRecord"),
    ]
