"""Two platforms in one process (issue 10 §3; see core.platform): on the same database both work;
a platform on another database takes over, and the older one refuses to be used instead of
silently reading and writing the newer one's tables."""
from __future__ import annotations

import pytest

from rongtong.core.db import display_url
from rongtong.core.errors import PlatformError
from rongtong.core.models import Enterprise
from rongtong.core.platform import Platform
from tests.conftest import SAMPLE_ENTRY_POINTS
from tests.factories import enterprise


def test_two_platforms_on_the_same_database_both_work(make_platform):
    first = make_platform()
    second = make_platform(migrate=False)
    ent = enterprise(name="同库企业")
    assert first.is_current and second.is_current
    for platform in (first, second):
        (name,) = platform.db.execute_sql('SELECT "name" FROM "core_enterprise" WHERE "id" = %s'
                                          .replace("%s", platform.db.param), (ent.id,)).fetchone()
        assert name == "同库企业"
        assert platform.engine is not None


def test_a_platform_on_another_database_replaces_the_older_one(make_config, tmp_path):
    first = Platform(make_config(), entry_points=SAMPLE_ENTRY_POINTS)
    first.upgrade()
    enterprise(name="第一个库的企业")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    second = Platform(make_config(database={"url": other}), entry_points=SAMPLE_ENTRY_POINTS)
    second.upgrade()

    assert Enterprise.select().count() == 0  # the models now reach the second database only
    assert not first.is_current and second.is_current
    for use in (lambda: first.engine, lambda: first.db, first.upgrade):
        with pytest.raises(PlatformError, match="replaced by a newer platform") as err:
            use()
        assert "other.db" in err.value.message  # names the database that took over
    assert second.engine is not None
    second.db.close()


def test_the_message_never_shows_a_database_password():
    assert display_url("postgresql://rt:s3cret@db.example:5432/rt") == "postgresql://rt:***@db.example:5432/rt"
    assert display_url("sqlite:///var/rt.db") == "sqlite:///var/rt.db"
