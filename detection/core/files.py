"""Stored files that follow their row out of the database."""

from __future__ import annotations

from django.db import transaction
from django.db.models.fields.files import FieldFile


def delete_files_on_commit(fields: list[FieldFile], *, using: str) -> None:
    """Delete the files behind ``fields`` once the current transaction commits (at once outside
    one), so a rolled-back deletion keeps them. Empty fields are skipped."""
    fields = [field for field in fields if field and field.name]
    if not fields:
        return
    storage, names = fields[0].storage, [field.name for field in fields]

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files, using=using)
