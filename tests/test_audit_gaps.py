"""What the audit log records on SQLite, PostgreSQL and MariaDB, where it
once had gaps: a village's lists read through its callback, a wall screen
sending a callback that does not match its key, reactivated accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cockpit.auth.users import create_kiosk_token, create_user, set_active
from cockpit.ids import VillageIds
from cockpit.store.access import audit_log
from tests import fixture_city as city
from tests.test_access_http import call
from tests.test_auth_web import HTML, PASSWORD, SHELL_POLL, csrf_header, log_in, make_app


@pytest.fixture
def store(engine):
    with engine.begin() as conn:
        city.load(conn)
        create_user(conn, "town1", PASSWORD, "town", [city.JIA])
        create_user(conn, "leader1", PASSWORD, "leader")
    return engine


@pytest.fixture
def app(store):
    return make_app(store)


def entries(engine, action: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.target).where(audit_log.c.action == action)
        ).all()
    return [tuple(r) for r in rows]


def test_the_village_callback_called_directly_logs_the_view(app, store):
    client = app.server.test_client()
    log_in(client, "town1")
    params = {"code": city.V1, "window": {"window": "month"}}
    answer = call(app, client, VillageIds.KPIS, None, params)
    assert answer.status_code == 200
    assert entries(store, "view_village") == [("town1", city.V1)]
    # The page kept open redraws its lists at every data change: logged once.
    assert call(app, client, VillageIds.KPIS, "v2", params).status_code == 200
    assert client.get(f"/region/{city.V1}", headers=HTML).status_code == 200
    assert entries(store, "view_village") == [("town1", city.V1)]


def test_a_wall_screen_sending_a_mismatched_callback_is_refused_and_logged(app, store):
    with store.begin() as conn:
        token = create_kiosk_token(conn, "大厅大屏")
    client = app.server.test_client()
    client.get(f"/kiosk/{token}")

    def post(body):
        return client.post("/_dash-update-component", json=body, headers=csrf_header(client))

    # The screen's key with an output property it does not have (was 500).
    wrong_property = {**SHELL_POLL, "outputs": [{**o, "property": "style"} for o in SHELL_POLL["outputs"]]}
    # Another callback's key (an administrator's, three outputs) with the
    # screen's outputs (its check read only the outputs, Dash the key).
    width = len(SHELL_POLL["outputs"])
    admin_key = next(k for k in app.callback_map if k.startswith("..admin-") and k.count("...") == width - 1)
    bodies = [
        wrong_property,
        {**SHELL_POLL, "outputs": SHELL_POLL["outputs"][::-1]},
        {**SHELL_POLL, "output": admin_key},
    ]
    for body in bodies:
        answer = post(body)
        assert answer.status_code == 403, body["output"]
        assert answer.json == {"error": "大屏只能显示驾驶舱大屏的内容。"}
    denied = entries(store, "denied")
    assert len(denied) == len(bodies) and all(actor == "kiosk:大厅大屏" for actor, _ in denied)
    assert post(SHELL_POLL).status_code == 200


def test_reactivating_an_account_does_not_revive_its_old_sessions(app, store):
    """The attacker's finding: deactivate, then reactivate, and a cookie
    copied before works again."""
    client = app.server.test_client()
    assert log_in(client).status_code == 303
    copied = app.server.test_client()
    copied.set_cookie("cockpit_session", client.get_cookie("cockpit_session").value)
    assert copied.get("/", headers=HTML).status_code == 200
    with store.begin() as conn:
        set_active(conn, "leader1", False)
    assert client.get("/", headers=HTML).status_code == 302
    with store.begin() as conn:
        set_active(conn, "leader1", True)
    assert copied.get("/", headers=HTML).status_code == 302  # the old session stays ended
    fresh = app.server.test_client()
    assert log_in(fresh).status_code == 303 and fresh.get("/", headers=HTML).status_code == 200


def test_outputs_must_be_the_ones_the_key_names_as_the_renderer_sends_them():
    from cockpit.callback_keys import outputs_match

    nav = "..page-nav.href@692e1c...screen-focus.data.."
    sent = [{"id": "page-nav", "property": "href@692e1c"}, {"id": "screen-focus", "property": "data"}]
    assert outputs_match(sent, nav)
    assert not outputs_match([{**sent[0], "property": "href"}, sent[1]], nav)
    assert not outputs_match(sent[::-1], nav)
    assert not outputs_match(sent[0], nav)  # one output where the key names two
    pattern = '{"index":["MATCH"],"type":"row"}.children'
    assert outputs_match({"id": {"index": 3, "type": "row"}, "property": "children"}, pattern)
    assert not outputs_match({"id": {"index": 3, "kind": "row"}, "property": "children"}, pattern)
    assert not outputs_match({"id": "row", "property": "children"}, '{"not json.children')
