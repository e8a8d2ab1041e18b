import datetime

import pytest

from rongtong.core.models import utcnow
from tests.factories import make_people


@pytest.fixture
def tech(make_platform):
    """A migrated platform with only the technical plugin enabled."""
    return make_platform(plugins=["technical"])


@pytest.fixture
def cast(tech):
    return make_people()


@pytest.fixture
def institutions(tech):
    """Three contracted institutions around today's date, and one whose contract has ended."""
    from rongtong.plugins.technical.models import Institution

    today = utcnow().date()
    year = datetime.timedelta(days=365)
    return {
        "lab": Institution.create(name="省检测研究院", capabilities=["inspection_testing", "technical_evaluation"],
                                  contract_start=today - year, contract_end=today + year, qualifications="CMA、CNAS"),
        "lab2": Institution.create(name="市质检中心", capabilities=["inspection_testing"],
                                   contract_start=today - year, contract_end=today + datetime.timedelta(days=10)),
        "soft": Institution.create(name="智造软件公司", capabilities=["it_adoption", "development"],
                                   contract_start=today - year, contract_end=today + year),
        "old": Institution.create(name="旧合作机构", capabilities=["inspection_testing"],
                                  contract_start=today - 2 * year, contract_end=today - datetime.timedelta(days=1)),
    }


@pytest.fixture
def tech_app(tech):
    from rongtong.core.web.app import create_app

    app = create_app(platform=tech)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def api(tech_app, cast):
    from rongtong.core.web.tokens import issue_token
    from tests.support.apiflow import Api

    return Api(tech_app.test_client(), issue_token)


def working_slot(calendar, days_ahead=1, hour=9, hours=2):
    """``(starts_at, ends_at)`` in naive UTC: ``hour`` o'clock in the site's zone on the
    ``days_ahead``-th working day from today, lasting ``hours`` (within the default opening hours
    08:30-17:30 of a device)."""
    day = calendar.add_working_days(calendar.local_date(utcnow()), days_ahead)
    local = datetime.datetime.combine(day, datetime.time(hour), tzinfo=calendar.tz)
    start = local.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return start, start + datetime.timedelta(hours=hours)
