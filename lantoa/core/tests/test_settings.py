"""Settings come from the environment; a bad value stops start-up and names the variable."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_int, env_list, env_str, secret_key

REPO = Path(__file__).resolve().parents[3]
SETTINGS_VARS = [
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "LOG_LEVEL",
    "LOGIN_MAX_FAILURES",
    "LOGIN_LOCK_MINUTES",
    "PLAN_DOCUMENT_MAX_MB",
    "SECURE_COOKIES",
    "ALLOWED_HOSTS",
    "TIME_ZONE",
    "SQLITE_PATH",
    "MEDIA_ROOT",
]


def start_django(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    """`django.setup()` with the production settings in a fresh interpreter, var/ in a temp folder."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", LANTOA_VAR_DIR=str(tmp_path / "var"), **overrides)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print('DEBUG', settings.DEBUG); print('DB', settings.DATABASES['default']['ENGINE'])",
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_repo_root_is_where_manage_py_is():
    assert (REPO / "config" / "settings.py").is_file()


def test_good_environment_starts(tmp_path):
    result = start_django(tmp_path, DEBUG="yes", LOG_LEVEL="WARNING", LOGIN_MAX_FAILURES="3")
    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout
    assert "DB django.db.backends.sqlite3" in result.stdout
    # The generated secret key went to the temp var dir, readable by the owner only.
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.is_file()
    assert len(key_file.read_text().strip()) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_postgres_url_is_accepted(tmp_path):
    result = start_django(tmp_path, DATABASE_URL="postgres://lantoa:secret@db.example:5432/lantoa")
    assert result.returncode == 0, result.stderr
    assert "DB django.db.backends.postgresql" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("SECURE_COOKIES", "2", "SECURE_COOKIES='2' is not a boolean"),
        ("LOGIN_MAX_FAILURES", "abc", "LOGIN_MAX_FAILURES='abc' is not a whole number"),
        ("LOGIN_MAX_FAILURES", "0", "LOGIN_MAX_FAILURES=0 is below the minimum 1"),
        ("LOGIN_LOCK_MINUTES", "-5", "LOGIN_LOCK_MINUTES=-5 is below the minimum 1"),
        ("PLAN_DOCUMENT_MAX_MB", "lots", "PLAN_DOCUMENT_MAX_MB"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 32 characters long"),
        ("DATABASE_URL", "nonsense://x", "DATABASE_URL is not a usable database URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' must be one of"),
    ],
)
def test_bad_setting_fails_loudly(tmp_path, name, value, expected):
    result = start_django(tmp_path, **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr
    assert expected in result.stderr
    assert "DEBUG " not in result.stdout  # settings never finished loading


def test_bad_setting_does_not_touch_the_repo_var_dir(tmp_path):
    repo_key = REPO / "var" / "secret_key"
    before = repo_key.stat().st_mtime_ns if repo_key.exists() else None
    start_django(tmp_path, LOG_LEVEL="LOUD")
    after = repo_key.stat().st_mtime_ns if repo_key.exists() else None
    assert before == after
    assert (tmp_path / "var" / "secret_key").exists()


# --- config/env.py -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "On"])
def test_env_bool_true(monkeypatch, raw):
    monkeypatch.setenv("LANTOA_TEST_FLAG", raw)
    assert env_bool("LANTOA_TEST_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", " off", ""])
def test_env_bool_false(monkeypatch, raw):
    monkeypatch.setenv("LANTOA_TEST_FLAG", raw)
    assert env_bool("LANTOA_TEST_FLAG", True) is False


def test_env_bool_default(monkeypatch):
    monkeypatch.delenv("LANTOA_TEST_FLAG", raising=False)
    assert env_bool("LANTOA_TEST_FLAG", True) is True
    assert env_bool("LANTOA_TEST_FLAG") is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_rejects(monkeypatch, raw):
    monkeypatch.setenv("LANTOA_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="LANTOA_TEST_FLAG"):
        env_bool("LANTOA_TEST_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.delenv("LANTOA_TEST_N", raising=False)
    assert env_int("LANTOA_TEST_N", 5) == 5
    monkeypatch.setenv("LANTOA_TEST_N", "  ")
    assert env_int("LANTOA_TEST_N", 5) == 5
    monkeypatch.setenv("LANTOA_TEST_N", " 42 ")
    assert env_int("LANTOA_TEST_N", 5, minimum=1, maximum=100) == 42
    monkeypatch.setenv("LANTOA_TEST_N", "1")
    assert env_int("LANTOA_TEST_N", 5, minimum=1) == 1  # the minimum itself is allowed


@pytest.mark.parametrize(
    ("raw", "kwargs", "message"),
    [
        ("abc", {}, "LANTOA_TEST_N='abc' is not a whole number"),
        ("1.5", {}, "is not a whole number"),
        ("0", {"minimum": 1}, "LANTOA_TEST_N=0 is below the minimum 1"),
        ("101", {"maximum": 100}, "LANTOA_TEST_N=101 is above the maximum 100"),
    ],
)
def test_env_int_rejects(monkeypatch, raw, kwargs, message):
    monkeypatch.setenv("LANTOA_TEST_N", raw)
    with pytest.raises(ImproperlyConfigured) as info:
        env_int("LANTOA_TEST_N", 5, **kwargs)
    assert message in str(info.value)


def test_env_list(monkeypatch):
    monkeypatch.delenv("LANTOA_TEST_LIST", raising=False)
    assert env_list("LANTOA_TEST_LIST", ["localhost"]) == ["localhost"]
    monkeypatch.setenv("LANTOA_TEST_LIST", " lantoa.example , ,10.0.0.5,")
    assert env_list("LANTOA_TEST_LIST", ["localhost"]) == ["lantoa.example", "10.0.0.5"]
    monkeypatch.setenv("LANTOA_TEST_LIST", "")
    assert env_list("LANTOA_TEST_LIST", ["localhost"]) == []


def test_env_str(monkeypatch):
    monkeypatch.delenv("LANTOA_TEST_S", raising=False)
    assert env_str("LANTOA_TEST_S", "mặc định") == "mặc định"
    monkeypatch.setenv("LANTOA_TEST_S", "Đồng Tháp")
    assert env_str("LANTOA_TEST_S", "x") == "Đồng Tháp"


def test_env_choice(monkeypatch):
    levels = {"DEBUG", "INFO"}
    monkeypatch.delenv("LANTOA_TEST_LEVEL", raising=False)
    assert env_choice("LANTOA_TEST_LEVEL", "INFO", levels) == "INFO"
    monkeypatch.setenv("LANTOA_TEST_LEVEL", " DEBUG ")
    assert env_choice("LANTOA_TEST_LEVEL", "INFO", levels) == "DEBUG"
    monkeypatch.setenv("LANTOA_TEST_LEVEL", "LOUD")
    with pytest.raises(ImproperlyConfigured) as info:
        env_choice("LANTOA_TEST_LEVEL", "INFO", levels)
    assert str(info.value) == "LANTOA_TEST_LEVEL='LOUD' must be one of ['DEBUG', 'INFO']"


def test_secret_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert secret_key(tmp_path / "var") == "k" * 32
    assert not (tmp_path / "var").exists()  # nothing written when the environment has it


def test_secret_key_too_short(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 31)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        secret_key(tmp_path)


def test_secret_key_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "   ")  # blank counts as unset
    var = tmp_path / "nested" / "var"
    first = secret_key(var)
    assert len(first) >= 32
    path = var / "secret_key"
    assert path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.delenv("SECRET_KEY")
    assert secret_key(var) == first
    # A different var dir gets a different key.
    assert secret_key(tmp_path / "other") != first


def test_secret_key_read_from_existing_file(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("an-existing-key-kept-from-last-year-0123456789\n")
    assert secret_key(tmp_path) == "an-existing-key-kept-from-last-year-0123456789"
