"""Remove analysis image files that no analysis refers to (left by a crash between storing a
file and committing its row, or by deletions from before files followed their rows).

    python manage.py sweep_media [--dry-run] [--grace-seconds 3600]

The periodic maintenance (detection/analyses/maintenance.py) runs the same sweep.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from detection.analyses.maintenance import media_sweep


class Command(BaseCommand):
    help = "Remove analysis image files that no analysis refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the files, remove nothing.")
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=settings.MEDIA_SWEEP_GRACE_SECONDS,
            help="Keep files younger than this (an upload is stored just before its row is saved).",
        )

    def handle(self, *args, dry_run: bool, grace_seconds: int, **options) -> None:
        modified_before = timezone.now() - dt.timedelta(seconds=grace_seconds)
        orphans = media_sweep(modified_before=modified_before, dry_run=dry_run)
        for name in orphans:
            self.stdout.write(name)
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} file{'s' if len(orphans) != 1 else ''}."))
