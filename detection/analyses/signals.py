"""Image files follow their analysis out of the database, whatever deleted it.

A receiver, not a service, because some deletions never pass through our code: the admin's
single and bulk delete, and the cascade when a user is deleted (Django sends ``post_delete``
for every analysis a cascade removes). The files go once the deletion is committed, so a
rolled-back delete keeps them. Anything missed (a crash in between) is removed later by
``manage.py sweep_media`` and the periodic maintenance.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from detection.core.files import delete_files_on_commit
from detection.models import Analysis


@receiver(post_delete, sender=Analysis, dispatch_uid="detection.analysis_files_delete")
def analysis_files_delete(sender, instance: Analysis, using: str, **kwargs) -> None:
    delete_files_on_commit([instance.original, instance.annotated], using=using)
