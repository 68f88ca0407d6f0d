"""Sound keys join the search index (kesher.engine.phonetic): beside its words, a name, title,
organisation, interest, need, offer or tag now has keys that its spelling in the other script
shares, so "Michal" finds "מיכל". They are rows of the same table; every workspace's index is
rebuilt once to add them, which takes about as long as `search_reindex_workspace` does (about
two minutes for 100,000 people, docs/user-guide.md: "Search").

The terms' index on the document alone becomes one on (document, term, weight), so scoring a
word over known documents reads the index only.

The keys of existing rows are added after the migrations, by `kesher migrate` (and `kesher
demo`): search_indexes_upgrade rebuilds each workspace whose index has no sound keys yet. A
migration would have to read people, organisations, needs and notes through today's models,
which breaks as soon as one of them gains a column in a later migration. Going back removes
the keys, which is all the older code needs.
"""

from django.db import migrations, models
import django.db.models.deletion

# As kesher.engine.phonetic.SOUND_MARK, written out: a migration must not change if it does.
SOUND_MARK = "\u2261"
MAX_CHAR = "\U0010ffff"


def remove_sound_keys(apps, schema_editor):
    SearchTerm = apps.get_model("search", "SearchTerm")
    SearchTerm.objects.filter(term__gte=SOUND_MARK, term__lt=SOUND_MARK + MAX_CHAR).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_searchterm_workspace_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(fields=["document", "term", "weight"], name="searchterm_doc_term"),
        ),
        migrations.AlterField(
            model_name="searchterm",
            name="document",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="terms",
                to="search.searchdocument",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, remove_sound_keys, elidable=True),
    ]
