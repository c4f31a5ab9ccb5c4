import pytest


@pytest.fixture
def voluntary_rules(db):
    """The shipped rules table (the migration loads it; a flushing browser test may have emptied it)."""
    from lantoa.public.rules import load_rules

    load_rules()
