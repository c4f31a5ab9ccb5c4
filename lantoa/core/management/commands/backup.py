from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantoa.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump for PostgreSQL) and the uploaded files "
        "into one .tar.gz archive. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="archive to write (default: lantoa-backup-<time>.tar.gz here)")

    def handle(self, *args, path, **options):
        target = Path(path or backup.default_name())
        if target.is_dir():
            target = target / backup.default_name()
        try:
            manifest = backup.backup_create(target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        size = target.stat().st_size
        self.stdout.write(
            f"backup: {target} ({size / 1024 / 1024:.1f} MB): {manifest['vendor']} database, "
            f"{len(manifest['files'])} files, {len(manifest['migrations'])} migrations applied"
        )
