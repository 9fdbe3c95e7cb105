"""Who sees what, over HTTP as a browser or a hand-made request would ask:
real accounts, the real login form, Dash's callback endpoint called with
payloads written by hand. Out-of-scope requests are refused with 403 (a
record: 404, like one that does not exist); a wall screen reaches its own
panels only, and nothing it can reach holds personal data."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from cockpit.app import create_app
from cockpit.auth.users import create_kiosk_token, create_user
from cockpit.ids import (
    AdminIds,
    ExportIds,
    InspectIds,
    QueueIds,
    RegionIds,
    ScreenIds,
    ShellIds,
    VillageIds,
    WeeklyIds,
)
from cockpit.settings import DEFAULT_SCREEN_PANELS, SCREEN_PANELS, Settings
from cockpit.store import create_store, make_engine
from cockpit.store.schema import petitions, warnings
from tests import fixture_city as city
from tests.test_access import ALLOWED, EVERY_REGION, VILLAGES
from tests.viewers import PASSWORD, login

ACCOUNTS = {  # username: (role, regions), as tests/viewers.py
    "leader": ("leader", ()),
    "admin": ("admin", ()),
    "town": ("town", (city.JIA,)),
    "inspector": ("inspector", (city.V3, city.BING)),
}
KIOSK_TOKEN = "a-wall-screen-token-for-tests"
PINNED_TOKEN = "a-screen-pinned-to-jia-for-tests"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('http') / 'store.sqlite3'}")
    create_store(engine)
    with engine.begin() as conn:
        city.load(conn)
        for username, (role, regions) in ACCOUNTS.items():
            create_user(conn, username, PASSWORD, role, regions)
        create_kiosk_token(conn, "大厅大屏", token=KIOSK_TOKEN)
        create_kiosk_token(conn, "甲镇大屏", city.JIA, token=PINNED_TOKEN)
    yield engine
    engine.dispose()


def settings_of(engine, **more) -> Settings:
    return Settings(database_url=str(engine.url), demo=False, secret_key="x" * 40, **more)


@pytest.fixture(scope="module")
def app(store):
    return create_app(settings_of(store), store)


def kiosk(app, token: str = KIOSK_TOKEN):
    client = app.server.test_client()
    assert client.get(f"/kiosk/{token}").status_code in (302, 303)
    return client


@pytest.fixture(scope="module")
def clients(app):
    return {username: login(app, username) for username in ACCOUNTS}


def callback_key(app, first_output: str) -> str:
    """The callback_map key of the callback whose first output is ``first_output``."""
    for key in app.callback_map:
        outputs = key.strip(".").split("...")
        if outputs[0].split("@")[0].rsplit(".", 1)[0] == first_output:
            return key
    raise KeyError(first_output)


def call(app, client, first_output: str, *values):
    """POST a hand-made request to Dash's callback endpoint: the callback
    whose first output is ``first_output``, with ``values`` for its inputs
    then its states, as the renderer would send them."""
    key = callback_key(app, first_output)
    spec = app.callback_map[key]
    outputs = []
    for part in key.strip(".").split("..."):
        component, prop = part.rsplit(".", 1)  # "href@<hash>" as the renderer sends it
        outputs.append({"id": component, "property": prop})
    inputs, state = spec["inputs"], spec["state"]
    values = list(values)
    body = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [{"id": str(i["id"]), "property": i["property"], "value": values.pop(0)} for i in inputs],
        "state": [{"id": str(s["id"]), "property": s["property"], "value": values.pop(0)} for s in state],
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    cookie = client.get_cookie("_csrf_token")
    headers = {"X-CSRFToken": cookie.value} if cookie else {}
    return client.post("/_dash-update-component", json=body, headers=headers)


def region_callback(code: str) -> tuple[str, dict]:
    params = {"code": code, "window": {"window": "month"}}
    return (VillageIds.KPIS if code in VILLAGES else RegionIds.KPIS), params


CASES = [(user, code) for user in ACCOUNTS for code in EVERY_REGION]


@pytest.mark.parametrize(("user", "code"), CASES)
def test_pages_and_hand_made_callbacks_are_refused_outside_the_users_regions(app, clients, user, code):
    client, allowed = clients[user], code in ALLOWED[user]
    expected = 200 if allowed else 403
    assert client.get(f"/region/{code}").status_code == expected
    assert (
        client.get(f"/warnings?region={code}").status_code == 200
    )  # the page says why, the data is refused:
    output, params = region_callback(code)
    assert call(app, client, output, "v1", params).status_code == expected
    queue = {"region": code, "category": None, "owner": None, "overdue": False}
    assert call(app, client, QueueIds.RED, "v1", queue).status_code == expected
    assert call(app, client, ScreenIds.FOCUS_NAME, "v1", code).status_code == expected
    assert client.get(f"/inspect/{code}").status_code == expected
    inspect = {"code": code, "window": {"window": "month"}, "section": "overdue"}
    assert call(app, client, InspectIds.BODY, "v1", inspect).status_code == expected
    if not allowed:  # an allowed pack is built by tests/test_export_pages.py (it needs Chromium)
        assert call(app, client, ExportIds.DOWNLOAD, 1, "2026-W46", code).status_code == 403
        assert call(app, client, WeeklyIds.DOWNLOAD, 1, "2026-W46", code).status_code == 403


@pytest.mark.parametrize("user", list(ACCOUNTS))
def test_a_record_outside_the_users_regions_answers_as_missing(app, clients, user):
    engine = app.server.extensions["cockpit"].engine
    with engine.connect() as conn:
        rows = [("petition", *r) for r in conn.execute(select(petitions.c.id, petitions.c.village_code))]
        rows += [("warning", *r) for r in conn.execute(select(warnings.c.id, warnings.c.village_code))]
    for kind, record_id, village in rows:
        status = clients[user].get(f"/{kind}/{record_id}").status_code
        assert status == (200 if village in ALLOWED[user] else 404), (kind, record_id, village)


@pytest.mark.parametrize("user", list(ACCOUNTS))
def test_the_administrators_pages_and_callbacks_are_refused_to_everyone_else(app, clients, user):
    expected = 200 if user == "admin" else 403
    for path in ("/admin", "/admin/kiosk", "/admin/thresholds", "/admin/audit"):
        assert clients[user].get(path).status_code == expected, path
    made = call(app, clients[user], AdminIds.KIOSK_MESSAGE, 1, f"{user}的大屏", None)
    assert made.status_code == expected
    created = call(app, clients[user], AdminIds.ACCOUNTS, 1, f"x-{user}", "", "leader", [], PASSWORD + "x")
    assert created.status_code == expected


def test_the_weekly_archive_is_for_viewers_of_the_whole_root_only(app, clients):
    name = "周报_示例市_990100000000_2026-W46.zip"
    assert clients["town"].get(f"/exports/weekly/{name}").status_code == 403
    assert clients["inspector"].get(f"/exports/weekly/{name}").status_code == 403
    assert clients["leader"].get(f"/exports/weekly/{name}").status_code == 404  # allowed; not archived


# --- the wall screen ----------------------------------------------------------


def test_a_wall_screen_reaches_the_screen_only(app):
    client = kiosk(app)
    assert client.get("/screen").status_code == 200
    for path in (
        "/",
        f"/region/{city.JIA}",
        "/warnings",
        "/rules",
        "/weekly",
        "/inspect",
        f"/inspect/{city.JIA}",
        "/petition/1",
        "/warning/1",
        "/admin",
    ):
        assert client.get(path).status_code == 403, path
    inspect = {"code": city.CITY, "window": {"window": "month"}, "section": "disclosure"}
    assert call(app, client, InspectIds.BODY, "v1", inspect).status_code == 403
    output, params = region_callback(city.JIA)
    assert call(app, client, output, "v1", params).status_code == 403
    queue = {"region": None, "category": None, "owner": None, "overdue": False}
    assert call(app, client, QueueIds.RED, "v1", queue).status_code == 403
    assert call(app, client, ExportIds.DOWNLOAD, 1, "2026-W46", city.CITY).status_code == 403


def test_a_pinned_wall_screen_is_refused_other_regions(app):
    client = kiosk(app, PINNED_TOKEN)
    assert call(app, client, ScreenIds.FOCUS_NAME, "v1", city.JIA).status_code == 200
    assert call(app, client, ScreenIds.FOCUS_NAME, "v1", city.V1).status_code == 200
    for other in (city.CITY, city.YI, city.V3):
        assert call(app, client, ScreenIds.FOCUS_NAME, "v1", other).status_code == 403


def personal_data(app) -> list[str]:
    """What a wall screen must never show: every warning's title and subject,
    every petition's summary and reporter."""
    engine = app.server.extensions["cockpit"].engine
    with engine.connect() as conn:
        found = list(conn.execute(select(warnings.c.title, warnings.c.subject_id)).scalars())
        found += list(conn.execute(select(warnings.c.subject_id)).scalars())
        for row in conn.execute(
            select(petitions.c.summary, petitions.c.reporter_name, petitions.c.reporter_phone)
        ):
            found += [value for value in row if value]
    return sorted({value for value in found if value and len(value) >= 2})


def readable(body: str) -> str:
    """A response as text with its Chinese unescaped (Dash's JSON escapes it)."""
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body


# A whole number: not inside a random token (…fff14087690797ab…) nor after a
# decimal point (a chart's share 0.19767863106); Chinese text around it is fine.
PHONE_OR_ID = re.compile(r"(?<![0-9A-Za-z.])(1[3-9]\d{9}|\d{17}[\dXx])(?![0-9A-Za-z])")


# The wall screen's panels: the default four, then every other panel.
OTHER_PANELS = [key for key in SCREEN_PANELS if key not in DEFAULT_SCREEN_PANELS]
PANEL_SETS = [
    DEFAULT_SCREEN_PANELS,
    tuple(OTHER_PANELS[:4]),
    tuple(OTHER_PANELS[4:8]),
]


@pytest.mark.parametrize("panels", PANEL_SETS, ids=",".join)
def test_nothing_a_wall_screen_can_reach_holds_personal_data(store, panels):
    app = create_app(settings_of(store, screen_panels=panels), store)
    client = kiosk(app)
    bodies = [
        client.get(path).get_data(as_text=True)
        for path in ("/screen", "/_dash-layout", "/_dash-dependencies")
    ]
    for focus in EVERY_REGION:
        bodies.append(client.get(f"/screen?region={focus}").get_data(as_text=True))
        answer = call(app, client, ScreenIds.FOCUS_NAME, "v1", focus)
        assert answer.status_code == 200
        bodies.append(answer.get_data(as_text=True))
    rotation = [city.CITY, city.EAST, city.QINGLAN]
    bodies.append(call(app, client, ScreenIds.FOCUS, 1, rotation, city.CITY).get_data(as_text=True))
    bodies.append(call(app, client, ShellIds.DATA_VERSION, 1, None, None).get_data(as_text=True))
    text = "\n".join(readable(body) for body in bodies)
    secrets = personal_data(app)
    assert secrets, "the fixture has titles and summaries to look for"
    # Whole values only: a subject id "S4" inside a random Dash id is no leak.
    leaked = [
        value for value in secrets if re.search(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", text)
    ]
    assert leaked == []
    assert [text[max(0, m.start() - 30) : m.end() + 10] for m in PHONE_OR_ID.finditer(text)] == []
