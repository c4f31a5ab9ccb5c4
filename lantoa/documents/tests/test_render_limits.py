"""A user's template is filled within bounds: output size, memory and time; what passes them is refused
with a message, and the process that asked is left as it was."""

import time

import pytest
from django.core.exceptions import ValidationError

from lantoa.documents import services
from lantoa.documents.services import DocumentError, check_template, default_template, render_docx, sample_context

from .helpers import edited


def with_tag(tag: str) -> bytes:
    return edited(default_template(), {"{{ title }}": "{{ title }}" + tag})


def test_a_template_rendering_100_mb_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        check_template(with_tag("{{ 'a' * 100000000 }}"))
    assert "20.000.000" in " ".join(excinfo.value.messages)  # the limit is named


def test_output_over_the_limit_is_refused_as_it_grows(monkeypatch):
    monkeypatch.setattr(services, "MAX_RENDERED_CHARS", 2_000_000)
    with pytest.raises(DocumentError):
        render_docx(with_tag("{% for i in range(100000) %}xxxxxxxxxxxxxxxxxxxx{% endfor %}"), sample_context())


def test_a_template_taking_memory_beyond_the_bound_is_refused():
    with pytest.raises(DocumentError):
        render_docx(with_tag("{{ 'a'|center(6000000000) }}"), sample_context())


def test_a_template_running_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(services, "RENDER_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(DocumentError) as excinfo:
        render_docx(
            with_tag("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
            sample_context(),
        )
    assert time.monotonic() - started < 10
    assert "1" in str(excinfo.value)


def test_errors_inside_the_template_still_name_themselves():
    with pytest.raises(DocumentError) as excinfo:
        render_docx(with_tag("{{ 1 / 0 }}"), sample_context())
    assert "ZeroDivisionError" in str(excinfo.value)
    assert render_docx(default_template(), sample_context()).startswith(b"PK")
