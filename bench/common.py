"""What bench/generate.py and bench/dashboard.py share: pointing Django at the benchmark database.

A database is named by `--database`: a `postgres://…` URL, or else the path of a SQLite file. Neither
script touches the project's own database in `var/`: settings read SQLITE_PATH / DATABASE_URL, and the
secret key, media and static folders go to a throw-away folder beside the database (or in /tmp).
"""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

# The account whose dashboard is measured: a coordinator sees every area and unit.
COORDINATOR = "bench-coordinator"


def is_postgres(database: str) -> bool:
    return database.startswith(("postgres://", "postgresql://"))


def pg_database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def pg_maintenance_url(url: str) -> str:
    """The same server, database `postgres` (to drop and create the benchmark database)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))


def setup_django(database: str) -> None:
    """Configure the environment for `database` and start Django. Call before importing app code."""
    if is_postgres(database):
        os.environ["DATABASE_URL"] = database
        root = os.environ.get("LANTOA_BENCH_SCRATCH") or tempfile.gettempdir()
        scratch = Path(root) / f"lantoa-bench-{pg_database_name(database)}"
    else:
        path = Path(database).resolve()
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(path)
        scratch = path.parent / f"{path.stem}-var"
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ["LANTOA_VAR_DIR"] = str(scratch)
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-for-anything-0123456789")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The Django test client (used for the page timing) talks to "testserver".
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def radio_available() -> bool:
    """True when the commune radio log (indicator M7) is part of the app in this checkout."""
    try:
        from django.apps import apps

        from lantoa.radio.models import Broadcast  # noqa: F401
    except Exception:  # noqa: BLE001 - any failure means: no radio log to benchmark
        return False
    return apps.is_installed("lantoa.radio")
