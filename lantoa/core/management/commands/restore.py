from django.core.management.base import BaseCommand, CommandError

from lantoa.core import backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of an archive made by `manage.py backup` "
        "(same database vendor). Stop the web processes and task workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="archive made by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path, yes, **options):
        try:
            manifest = backup.backup_inspect(path)
            if not yes:
                self.stdout.write(
                    f"{path}: {manifest['vendor']} database of {manifest['created_at']}, "
                    f"{len(manifest['files'])} files."
                )
                self.stdout.write(f"This replaces everything in: {backup.settings_summary()}")
                if input("Type 'yes' to restore: ").strip().lower() != "yes":
                    raise CommandError("not restored")
            backup.backup_restore(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restore: done from {path} (made {manifest['created_at']})")
