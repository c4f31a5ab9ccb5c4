"""`manage.py backup` / `manage.py restore`: a round trip gives back identical records and files, on the
database the suite runs on (SQLite file: the online backup API; PostgreSQL: pg_dump / pg_restore)."""

import io
import json
import tarfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from lantoa.accounts.roles import Role
from lantoa.core import backup
from lantoa.core.models import AuditLog
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit

pytestmark = pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="backups cover SQLite and PostgreSQL"
)


@pytest.fixture
def media(settings, tmp_path):
    """Files on disk (the suite keeps them in memory): what a backup reads."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table the models know (including many-to-many tables), in key order."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


def every_file(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_round_trip_gives_identical_records_and_files(default_data, make_user, media, tmp_path):
    officer = make_user(Role.COMMUNE_OFFICER, "hn-ubnd-long-khanh-a")
    default_storage.save("content/Tờ gấp BHXH tự nguyện.pdf", ContentFile(b"%PDF-1.4 trang 1"))
    default_storage.save("imports/danh-sach.csv", ContentFile("Họ tên;CCCD\nNguyễn Văn A;087085001230\n".encode()))
    rows, files = every_row(), every_file(media)
    assert len(files) == 2 and sum(len(r) for r in rows.values()) > 500  # the default data and more

    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    manifest = backup.backup_inspect(archive)
    assert manifest["vendor"] == connection.vendor and set(manifest["files"]) == set(files)

    # Everything changes after the backup: rows added, changed and deleted; files changed, removed, added.
    make_user(Role.LEADER)
    Area.objects.filter(level=Area.Level.COMMUNE).update(name="đổi tên")
    AuditLog.objects.all().delete()
    officer.delete()
    (media / "content" / "Tờ gấp BHXH tự nguyện.pdf").write_bytes(b"changed")
    (media / "imports" / "danh-sach.csv").unlink()
    default_storage.save("later.txt", ContentFile(b"after the backup"))
    assert every_row() != rows and every_file(media) != files

    call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    assert every_row() == rows
    assert every_file(media) == files
    # The restored database is a working one: writes go on from the restored sequences.
    assert Unit.objects.filter(code="hn-ubnd-long-khanh-a").exists()
    make_user(Role.LEADER)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_foreign_archive_changes_nothing(default_data, media, tmp_path):
    default_storage.save("a.txt", ContentFile(b"kept"))
    archive = tmp_path / "b.tar.gz"
    backup.backup_create(archive)
    rows = every_row()

    # A member that differs from its checksum.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "media/a.txt":
                data = b"evil"
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    # The same archive said to be of the other vendor.
    foreign = tmp_path / "foreign.tar.gz"
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with tarfile.open(archive) as src, tarfile.open(foreign, "w:gz") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == backup.MANIFEST:
                data = json.dumps({**json.loads(data), "vendor": other}).encode()
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))

    Unit.objects.filter(code="hn-ubnd-long-khanh-a").update(name="sau sao lưu")
    rows_now = every_row()
    with pytest.raises(CommandError, match="damaged: media/a.txt"):
        call_command("restore", str(damaged), "--yes")
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(foreign), "--yes")
    assert every_row() == rows_now != rows
    assert every_file(media) == {"a.txt": b"kept"}
