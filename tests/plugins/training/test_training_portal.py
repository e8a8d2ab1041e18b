"""Training in the portal (DB1302 6.4.3 d: sessions published ahead of time, registration with a
waiting list): an enterprise user finds the published sessions from the portal menu, registers,
reads "my registrations" with the status and cancels — the freed seat goes to the first on the
waiting list, through the same functions as the API."""
from __future__ import annotations

import datetime
import re

import pytest

from rongtong.core.models import utcnow
from rongtong.plugins.training.models import TrainingProgramme, TrainingRegistration, TrainingSession
from tests import factories


@pytest.fixture
def session(platform, people):
    """A published session with one seat, a week ahead."""
    req = platform.engine.open_request(enterprise=people.ent_a, service_key="training", actor=people.user_a,
                                       title="班组长培训")
    prog = TrainingProgramme.get(TrainingProgramme.request == req.id)
    start = utcnow() + datetime.timedelta(days=7)
    return TrainingSession.create(programme=prog, title="精益生产（第一期）", starts_at=start,
                                  ends_at=start + datetime.timedelta(hours=6), venue="培训中心 301", capacity=1,
                                  published_at=utcnow())


def text(response):
    return response.get_data(as_text=True)


def token(client, path="/training/sessions"):
    return re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(path))).group(1)


def test_register_see_my_registrations_and_cancel(client, login, people, session):
    home = text(client.get("/"))
    assert 'href="/training/sessions"' in home and "培训报名" in home  # the portal menu link
    page = text(client.get("/training/sessions"))
    assert "精益生产（第一期）" in page and "培训中心 301" in page and "/login" in page  # public; log in to register

    other = factories.user("user_a2", ["enterprise"], enterprise=people.ent_b)
    login(client, people.user_a)
    response = client.post(f"/training/sessions/{session.id}/register", data={"csrf_token": token(client), "note": "两人参加"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/training/my")
    mine = text(client.get("/training/my"))
    assert "精益生产（第一期）" in mine and re.search(r'class="status">已报名', mine)
    again = client.post(f"/training/sessions/{session.id}/register", data={"csrf_token": token(client)})
    assert again.status_code == 409  # already registered: a clear message, nothing new
    assert TrainingRegistration.select().count() == 1

    login(client, other)  # the only seat is taken: the waiting list
    client.post(f"/training/sessions/{session.id}/register", data={"csrf_token": token(client)})
    waiting = TrainingRegistration.get(TrainingRegistration.user == other.id)
    assert waiting.status == "waitlisted"
    assert re.search(r'class="status">候补中[^<]*1', text(client.get("/training/my")))

    login(client, people.user_a)
    mine_reg = TrainingRegistration.get(TrainingRegistration.user == people.user_a.id)
    login(client, other)  # someone else's registration cannot be cancelled
    assert client.post(f"/training/registrations/{mine_reg.id}/cancel",
                       data={"csrf_token": token(client, "/training/my")}).status_code == 404
    login(client, people.user_a)
    response = client.post(f"/training/registrations/{mine_reg.id}/cancel", data={"csrf_token": token(client, "/training/my")})
    assert response.status_code == 303
    assert TrainingRegistration.get_by_id(mine_reg.id).status == "cancelled"
    assert TrainingRegistration.get_by_id(waiting.id).status == "registered"  # promoted, exactly one
    twice = client.post(f"/training/registrations/{mine_reg.id}/cancel", data={"csrf_token": token(client, "/training/my")})
    assert twice.status_code == 409


def test_portal_registration_refusals(client, login, people, session):
    login(client, people.user_a)
    long_note = client.post(f"/training/sessions/{session.id}/register?lang=en",
                            data={"csrf_token": token(client), "note": "长" * 301})
    assert long_note.status_code == 422 and 'data-error-for="note"' in text(long_note)
    assert client.post("/training/sessions/999999/register", data={"csrf_token": token(client)}).status_code == 404
    login(client, people.staff)  # seats are booked by enterprise users
    assert client.post(f"/training/sessions/{session.id}/register", data={"csrf_token": token(client)}).status_code == 403
    assert TrainingRegistration.select().count() == 0
