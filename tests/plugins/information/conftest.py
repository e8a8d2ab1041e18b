import pytest

from tests.factories import make_people


@pytest.fixture
def info(make_platform):
    """A migrated platform with only the information plugin enabled."""
    return make_platform(plugins=["information"])


@pytest.fixture
def cast(info):
    return make_people()


@pytest.fixture
def api(info_app, cast):
    """A client for the HTTP API of an app built on the information-only platform."""
    from rongtong.core.web.tokens import issue_token
    from tests.support.apiflow import Api

    return Api(info_app.test_client(), issue_token)


@pytest.fixture
def info_app(info):
    from rongtong.core.web.app import create_app

    app = create_app(platform=info)
    app.config["TESTING"] = True
    return app
