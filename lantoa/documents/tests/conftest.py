"""LibreOffice and pdftotext for the PDF tests: a skip on a developer's machine without them, a failure
under CI (scripts/system-deps.sh installs both)."""

import os
import shutil

import pytest

from lantoa.documents.services import libreoffice_binary


@pytest.fixture(scope="session")
def libreoffice():
    missing = [
        name
        for name, found in (("libreoffice", libreoffice_binary()), ("pdftotext", shutil.which("pdftotext")))
        if not found
    ]
    if missing:
        reason = f"{', '.join(missing)} not installed: run scripts/system-deps.sh"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
