import pytest

from tests.factories import make_people


@pytest.fixture
def info(make_platform):
    """A migrated platform with only the information plugin enabled."""
    return make_platform(plugins=["information"])


@pytest.fixture
def cast(info):
    return make_people()
