"""Viewers of tests/fixture_city.py, one per role, and a request context
that carries one (what the web layer puts on ``flask.g`` after a login)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import flask

from queries.scope import Viewer
from tests.fixture_city import BING, CITY, JIA, V1, V3

LEADER = Viewer(name="leader", role="leader", regions=(CITY,), user_id=1, display_name="市领导")
ADMIN = Viewer(name="admin", role="admin", regions=(CITY,), user_id=2)
TOWN = Viewer(name="town-jia", role="town", regions=(JIA,), user_id=3, display_name="甲镇纪委")
INSPECTOR = Viewer(name="inspector", role="inspector", regions=(V3, BING), user_id=4)
KIOSK = Viewer(name="kiosk:大厅", role="kiosk", regions=(CITY,))
VILLAGE_INSPECTOR = Viewer(name="v1-inspector", role="inspector", regions=(V1,), user_id=5)

ALL = {"leader": LEADER, "admin": ADMIN, "town": TOWN, "inspector": INSPECTOR, "kiosk": KIOSK}


@contextmanager
def as_viewer(app, viewer: Viewer = LEADER, path: str = "/", **kwargs) -> Iterator:
    """A request to ``app`` (a Dash app) made by ``viewer``."""
    with app.server.test_request_context(path, **kwargs):
        flask.g.viewer = viewer
        yield app


PASSWORD = "correct-horse-battery-9"


def add_account(engine, username: str = "leader", role: str = "leader", regions=()) -> None:
    """An account with PASSWORD in the store behind ``engine``."""
    from cockpit.auth.users import create_user

    with engine.begin() as conn:
        create_user(conn, username, PASSWORD, role, regions)


def login(app, username: str = "leader", password: str = PASSWORD):
    """A test client of ``app`` logged in through the real login form."""
    client = app.server.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token, "next": "/"}
    )
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:300]
    return client
