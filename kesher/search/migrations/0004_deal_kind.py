"""Deals join the search box: a new kind of document. The choices only; no rows are written
here (a migration cannot read deals through today's models). `kesher migrate` then indexes the
deals of every workspace whose deals have no documents yet (search_indexes_upgrade)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_sound_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchdocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("person", "Person"),
                    ("organization", "Organisation"),
                    ("deal", "Deal"),
                    ("need", "Need"),
                    ("offer", "Offer"),
                    ("note", "Note"),
                ],
                max_length=16,
            ),
        ),
    ]
