import pytest

from lantoa.accounts.roles import Role

# The real Kannel harness of the messaging tests, for the SMS round trip.
from lantoa.messaging.tests.conftest import any_hour, kannel, kannel_installed  # noqa: F401


@pytest.fixture
def officer_long_khanh(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, "dt-ubnd-long-khanh")


@pytest.fixture
def officer_thuong_lac(default_data, make_user):
    return make_user(Role.COMMUNE_OFFICER, "dt-ubnd-thuong-lac-moi")
