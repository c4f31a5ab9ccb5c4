"""Backing up the database and the uploaded files into one archive, and restoring them.

The archive is a gzip'd tar with `manifest.json` (format, database vendor, applied migrations, SHA-256
of every member), the database (`database.sqlite3`, a copy made with SQLite's online backup API, or
`database.pgdump`, `pg_dump --format=custom`) and `media/…` (the files of the default storage).
A restore replaces the database and the files with the archive's: stop the web processes and workers
first. An archive is restored into a database of the same vendor only (moving from SQLite to PostgreSQL
is `dumpdata` / `loaddata`, see the README).
"""

import datetime as dt
import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_root() -> Path:
    """Where the default storage keeps files; the backup covers files on the file system only."""
    if not isinstance(default_storage, FileSystemStorage):
        raise BackupError(
            f"the default file storage is {type(default_storage).__name__}; only FileSystemStorage can be backed up"
        )
    return Path(default_storage.location)


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: PG_BIN_DIR, else PATH, else the newest Debian server's binaries."""
    if os.environ.get("PG_BIN_DIR"):
        return str(Path(os.environ["PG_BIN_DIR"]) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[4]))
    if not candidates:
        raise BackupError(f"{name} not found (install the PostgreSQL client, or set PG_BIN_DIR)")
    return candidates[-1]


def _pg_env(db: dict) -> dict:
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(cmd: list[str], env: dict) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def _dump_database(alias: str, work: Path) -> tuple[str, Path]:
    conn = connections[alias]
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        out = work / SQLITE_MEMBER
        target = sqlite3.connect(out)
        try:
            # The online backup API copies a consistent snapshot while others keep writing.
            conn.connection.backup(target)
        finally:
            target.close()
        return SQLITE_MEMBER, out
    if conn.vendor == "postgresql":
        out = work / PG_MEMBER
        _run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "-f", str(out)],
            _pg_env(conn.settings_dict),
        )
        return PG_MEMBER, out
    raise BackupError(f"databases of vendor {conn.vendor} cannot be backed up")


def _migrations(alias: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[alias])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup_create(path: str | Path, *, alias: str = "default") -> dict:
    """Write the archive to `path` (written beside it first, then renamed); returns its manifest."""
    path = Path(path)
    root = media_root()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as tmp:
        work = Path(tmp)
        member, db_file = _dump_database(alias, work)
        files = {}
        if root.is_dir():
            for file in sorted(p for p in root.rglob("*") if p.is_file()):
                files[file.relative_to(root).as_posix()] = _sha256(file)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connections[alias].vendor,
            "database": {"member": member, "sha256": _sha256(db_file)},
            "migrations": _migrations(alias),
            "files": files,
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=member)
            for name in files:
                tar.add(root / name, arcname=MEDIA_PREFIX + name)
        os.replace(partial, path)
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupError(f"not a Lan Tỏa backup (no readable {MANIFEST})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not supported (this version reads {FORMAT})")
    return manifest


def backup_inspect(path: str | Path) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        return _read_manifest(tar)


def _extract_checked(path: Path, work: Path) -> dict:
    """Unpack into `work`, refusing anything outside it, and check every member against the manifest."""
    with tarfile.open(path, "r:gz") as tar:
        manifest = _read_manifest(tar)
        tar.extractall(work, filter="data")  # "data": no absolute paths, links out, devices
    expected = {manifest["database"]["member"]: manifest["database"]["sha256"]}
    expected |= {MEDIA_PREFIX + name: digest for name, digest in manifest["files"].items()}
    for name, digest in expected.items():
        member = work / name
        if not member.is_file() or _sha256(member) != digest:
            raise BackupError(f"the archive is damaged: {name} is missing or differs from its checksum")
    return manifest


def _restore_database(alias: str, manifest: dict, work: Path) -> None:
    conn = connections[alias]
    if manifest["vendor"] != conn.vendor:
        raise BackupError(
            f"this backup is of a {manifest['vendor']} database and cannot be restored into {conn.vendor}; "
            "move between databases with dumpdata / loaddata (README, Operations)"
        )
    source = work / manifest["database"]["member"]
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        if conn.in_atomic_block:
            raise BackupError("cannot restore inside a transaction")
        archived = sqlite3.connect(source)
        try:
            # The backup API in reverse: the live file is replaced page by page under one lock.
            archived.backup(conn.connection)
        finally:
            archived.close()
        return
    # PostgreSQL: drop what the dump has and recreate it, in one transaction (all or nothing).
    conn.close()
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "-d",
            conn.settings_dict["NAME"],
            str(source),
        ],
        _pg_env(conn.settings_dict),
    )


def _restore_media(work: Path, root: Path) -> None:
    """Swap the media folder for the archive's: the new one is complete before the old one goes."""
    new = work / MEDIA_PREFIX.rstrip("/")
    new.mkdir(exist_ok=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}-restore-"))
    shutil.copytree(new, staged, dirs_exist_ok=True)
    old = None
    if root.exists():
        old = root.parent / f".{root.name}-old-{os.getpid()}"
        os.replace(root, old)
    os.replace(staged, root)
    if old is not None:
        shutil.rmtree(old)


def backup_restore(path: str | Path, *, alias: str = "default") -> dict:
    """Replace the database and the uploaded files with the archive's; returns its manifest."""
    path = Path(path)
    root = media_root()
    with tempfile.TemporaryDirectory(prefix="lantoa-restore-") as tmp:
        work = Path(tmp)
        manifest = _extract_checked(path, work)
        _restore_database(alias, manifest, work)
        _restore_media(work, root)
    return manifest


def default_name() -> str:
    return f"lantoa-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def settings_summary() -> str:
    db = settings.DATABASES["default"]
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}, files in {media_root()}"
