"""Rongtong's pytest plugin (installed with Rongtong) gives the fixtures: ``platform``, ``people``,
``client``, ``login``, ``api_client``, ``walk_workflow``... Here we choose the plugins they enable."""
import pytest


@pytest.fixture
def rongtong_plugins():
    return ("${name}",)
