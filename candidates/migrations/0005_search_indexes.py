"""Trigram indexes for the pipeline's search by name or email (PostgreSQL only).

The search filters with `icontains`, which Django writes on PostgreSQL as
`UPPER(column::text) LIKE UPPER('%word%')`: these GIN indexes (pg_trgm) are on that very expression,
so a search reads the matching people instead of every application in the user's slice. Other
databases migrate without them (and search as before). pg_trgm is a trusted extension: the database
owner may create it.
"""

from django.db import migrations

INDEXES = {
    "candidate_first_name_trgm": "first_name",
    "candidate_last_name_trgm": "last_name",
    "candidate_email_key_trgm": "email_key",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "candidates_candidate" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("candidates", "0004_ats_imports")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
