"""Bad input anywhere gets a clear answer, never a 500 or a stack trace.

A fuzz test over HTTP, as a browser, a script or an attacker would ask:
page URLs with garbage, query strings no page expects, and for every
callback in ``app.callback_map`` hand-made payloads with values of the wrong
type, keys missing, bodies that are not JSON at all. The requests are made
from a fixed seed, so a failure can be replayed; each answer must have a
status a client can act on and a body without a traceback.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

import dash
import pytest
from dash.dash import _ID_CONTENT, _ID_LOCATION

from cockpit.app import create_app
from cockpit.auth import errors
from cockpit.auth.errors import install_error_handlers
from cockpit.auth.users import create_kiosk_token, create_user
from cockpit.components import urls
from cockpit.ids import (
    AdminIds,
    ExportIds,
    InspectIds,
    PageIds,
    QueueIds,
    RegionIds,
    ScreenIds,
    ShellIds,
    VillageIds,
    WeeklyIds,
    WindowIds,
)
from cockpit.settings import Settings
from cockpit.store import create_store, make_engine
from tests import fixture_city as city
from tests.viewers import PASSWORD, login

SEED = 20261120
KIOSK_TOKEN = "a-wall-screen-token-for-the-fuzz-test"
PAGE_STATUSES = frozenset((200, 302, 400, 403, 404))
CALLBACK_STATUSES = frozenset((200, 204, 400, 401, 403, 404, 413))  # 413: a body over its sender's limit
LEAKS = re.compile(r'Traceback|File "|\b[A-Z]\w*(?:Error|Exception|Warning)\b')
NOT_A_REGION = "990199999999"  # well formed, in no store: an export never gets as far as Chromium

# --- bad values -----------------------------------------------------------------

HUGE = "区" * 50_000
GARBAGE_STRINGS = [
    "",
    " ",
    "x",
    "null",
    "undefined",
    "NaN",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999",
    "'; DROP TABLE regions; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)",
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "地区🙂𝕏",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "A" * 5_000,
    HUGE,
    "0000-00-00",
    "9999-99-99",
    "2026-W99",
    "2026-W00",
    "0000-W01",
    city.CITY + "'",
    city.CITY + "\x00",
    city.CITY * 3,
]
BAD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    float("1e308"),
    2**70,
    [],
    [None],
    [1, "a", {}],
    [[[[[]]]]],
    {},
    {"a": {"b": {"c": [1, {"d": None}]}}},
    {"code": None, "window": None},
    {"code": ["x"], "window": {"window": ["month"]}},
    {"code": city.CITY, "window": "month"},
    {"code": city.CITY, "window": {"window": "nonsense"}},
    {"code": city.CITY, "window": {"from": "2026-13-45", "to": "x"}},
    {"code": city.CITY, "window": {"from": "2026-12-01", "to": "2026-01-01"}},
    {"code": city.CITY, "window": {"from": "0001-01-01", "to": "9999-12-31"}},
    {"code": city.CITY, "window": {"window": "month"}, "category": {"x": 1}},
    {"region": [], "category": 5, "owner": {"x": 1}, "overdue": "maybe"},
    {"region": city.CITY, "unexpected": 1},
    {"points": [{"location": ["x"]}]},
    {"points": "x"},
    *GARBAGE_STRINGS,
]

# --- page URLs and query strings ---------------------------------------------------

PAGES = [
    "/",
    "/screen",
    f"/region/{city.CITY}",
    f"/region/{city.JIA}",
    f"/region/{city.V1}",
    "/warnings",
    "/rules",
    "/weekly",
    "/inspect",
    f"/inspect/{city.JIA}",
    f"/inspect/{city.V1}?section=disclosure",
    "/petition/1",
    "/warning/1",
    urls.ADMIN,
    "/admin/kiosk",
    "/admin/thresholds",
    "/admin/import",
    "/admin/audit",
]
QUERIES = [
    "?window=nonsense",
    "?window=",
    "?window=month&window=year",
    "?window=custom",
    "?from=yesterday&to=tomorrow",
    "?from=2026-12-01&to=2026-01-01",
    "?from=0000-01-01&to=9999-12-31",
    "?from=9999-12-31&to=9999-12-31",
    "?from=0001-01-01",
    "?to=2026-11-20",
    "?from=2026-02-30&to=2026-02-31",
    "?from=2026-01-01T00:00:00%2B99:00&to=2026-02-01",
    "?from=%00&to=%00",
    "?from=2026-01-01&from=2026-02-01&to=2026-03-01&to=x",
    "?category='\"><script>alert(1)</script>",
    "?category=%27%20OR%201%3D1%20--",
    "?category=a&category=b&category=",
    f"?category={quote(HUGE[:3000])}",
    "?region=' OR 1=1 --",
    "?region=../../etc/passwd",
    f"?region={city.CITY}&region={city.V1}",
    "?region=990199999999",
    "?owner=[]&overdue=maybe",
    "?overdue=1&overdue=0",
    "?code=evil",
    "?code=a&code=b",
    "?petition_id=1&petition_id=2",
    "?warning_id=1&warning_id=x",
    "?petition_id=1%20OR%201=1",
    "?warning_id=-1",
    "?pathname_=x&search_=y",
    "?week=2026-W99",
    "?section=nonsense",
    "?section=overdue&section=queries",
    f"?section={quote(HUGE[:3000])}",
    "?action=%00&actor='",
    "?page=-1&limit=99999999999",
    "?=&&&=x",
    "?%ff%fe=%ff",
    "?a[b][c]=1",
    "?1=2",
    "?__class__=x&__init__=y",
]
PATH_GARBAGE = [quote(s, safe="") for s in GARBAGE_STRINGS if s and s != HUGE] + [
    "..",
    "%2e%2e",
    "%252e",
    ";",
    "%0d%0aSet-Cookie:x=1",
    "~root",
    "a" * 3000,
]
TEMPLATES = [
    "/region/{}",
    "/inspect/{}",
    "/petition/{}",
    "/warning/{}",
    "/{}",
    "/admin/{}",
    "/screen/{}",
    "/region/{}/x",
]


@dataclass
class Outcome:
    """Answers of one test's requests: how many of each status, and the bad ones."""

    statuses: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)

    def check(self, what: str, answer, allowed: frozenset) -> None:
        self.statuses[answer.status_code] += 1
        body = answer.get_data(as_text=True)
        leak = LEAKS.search(body)
        if answer.status_code not in allowed or leak:
            shown = leak.group(0) if leak else body[:200]
            self.failures.append(f"{answer.status_code} {what[:300]}: {shown}")

    def report(self, title: str) -> None:
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        print(f"\n{title}: {sum(self.statuses.values())} requests ({summary})")
        assert not self.failures, f"{len(self.failures)} bad answers:\n" + "\n".join(self.failures)


# --- the app ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'store.sqlite3'}")
    create_store(engine)
    with engine.begin() as conn:
        city.load(conn)
        # Spare accounts and a spare token first: a fuzzed row id of 1 or True
        # (== 1) may deactivate them, never the accounts the test logs in with.
        for spare in ("spare-1", "spare-2", "spare-3"):
            create_user(conn, spare, PASSWORD, "leader", ())
        create_kiosk_token(conn, "备用大屏", token="a-spare-token-the-fuzz-may-revoke")
        create_user(conn, "leader", PASSWORD, "leader", ())
        create_user(conn, "admin", PASSWORD, "admin", ())
        create_kiosk_token(conn, "大厅大屏", token=KIOSK_TOKEN)
    settings = Settings(database_url=str(engine.url), demo=False, secret_key="x" * 40)
    dash_app = create_app(settings, engine)
    dash_app.server.testing = False  # as in production: an unhandled error is a 500, not raised here
    yield dash_app
    engine.dispose()


@pytest.fixture(scope="module")
def clients(app):
    kiosk = app.server.test_client()
    assert kiosk.get(f"{urls.KIOSK}/{KIOSK_TOKEN}").status_code in (302, 303)
    found = {"leader": login(app, "leader"), "admin": login(app, "admin"), "kiosk": kiosk}
    found["anonymous"] = app.server.test_client()
    found["leader"].get("/")  # the first request registers Dash's page router
    return found


def headers(client) -> dict:
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value} if cookie else {}


# --- callback payloads ------------------------------------------------------------

ROW = 9_999  # a row id of no account or token
THRESHOLD = "LAB-01:grace_hours"  # a threshold's row: rule and parameter
GOOD = {  # a plausible value of each input and state, so one bad value at a time is what is tested
    (ShellIds.DATA_VERSION, "data"): "v1",
    (ShellIds.STATUS_KEY, "data"): "fresh",
    (RegionIds.PARAMS, "data"): {"code": city.CITY, "window": {"window": "month"}},
    (VillageIds.PARAMS, "data"): {"code": city.V1, "window": {"window": "month"}},
    (InspectIds.PARAMS, "data"): {"code": city.CITY, "window": {"window": "month"}, "section": "overdue"},
    (QueueIds.PARAMS, "data"): {"region": None, "category": None, "owner": None, "overdue": False},
    (ScreenIds.FOCUS, "data"): city.CITY,
    (ScreenIds.ROTATION, "data"): [city.CITY, city.EAST],
    (ExportIds.WEEK, "value"): "2026-W46",
    (ExportIds.REGION, "data"): NOT_A_REGION,
    (WeeklyIds.WEEK, "value"): "2026-W46",
    (WeeklyIds.REGION, "value"): NOT_A_REGION,
    (WindowIds.PRESET, "value"): "year",
    (WindowIds.RANGE, "start_date"): "2026-01-01",
    (WindowIds.RANGE, "end_date"): "2026-02-01",
    (PageIds.NAV, "pathname"): f"/region/{city.CITY}",
    (PageIds.NAV, "search"): "?window=month",
    (RegionIds.CATEGORY, "value"): None,
    (RegionIds.MAP, "clickData"): {"points": [{"location": city.JIA}]},
    (QueueIds.REGION, "value"): city.JIA,
    (AdminIds.NEW_USERNAME, "value"): "fuzzed",
    (AdminIds.NEW_ROLE, "value"): "leader",
    (AdminIds.NEW_REGIONS, "value"): [],
    (AdminIds.NEW_PASSWORD, "value"): PASSWORD,
    (AdminIds.KIOSK_NAME, "value"): "模糊测试大屏",
    (_ID_LOCATION, "pathname"): "/",
    (_ID_LOCATION, "search"): "",
}
CLICKS = {"n_clicks": 1, "n_intervals": 1}


def parse_id(raw: str) -> str | dict:
    """A callback_map id as the renderer sends it: a wildcard's MATCH made a row id."""
    if not raw.startswith("{"):
        return raw
    found = json.loads(raw)
    row = THRESHOLD if found.get("type", "").startswith("admin-threshold") else ROW
    return {k: row if v == ["MATCH"] else v for k, v in found.items()}


def good_value(component, prop: str, concrete):
    if prop == "id":
        return concrete
    if prop in CLICKS:
        return CLICKS[prop]
    return GOOD.get((component, prop))


@dataclass
class Callback:
    key: str
    outputs: list
    slots: list  # [kind ("inputs"/"state"), component id as sent, property, good value]

    def body(self, changed: dict | None = None, ids: dict | None = None) -> dict:
        """The payload with the slots' good values, ``changed`` by slot index
        (and ``ids``: a slot index's id replaced)."""
        changed, ids = changed or {}, ids or {}
        parts: dict[str, list] = {"inputs": [], "state": []}
        for n, (kind, component, prop, value) in enumerate(self.slots):
            value = changed.get(n, value)
            component = ids.get(n, component)
            if prop == "id" and n in ids:
                value = component
            parts[kind].append({"id": component, "property": prop, "value": value})
        first = self.slots[0]
        changed_id = json.dumps(first[1]) if isinstance(first[1], dict) else first[1]
        return {
            "output": self.key,
            "outputs": self.outputs if self.key.startswith("..") else self.outputs[0],
            "inputs": parts["inputs"],
            "state": parts["state"],
            "changedPropIds": [f"{changed_id}.{first[2]}"],
        }


def callbacks(app) -> list[Callback]:
    found = []
    for key, spec in app.callback_map.items():
        outputs = []
        for part in key.strip(".").split("..."):
            component, prop = part.rsplit(".", 1)  # "href@<hash>" as the renderer sends it
            outputs.append({"id": parse_id(component), "property": prop})
        slots = []
        for kind in ("inputs", "state"):
            for item in spec[kind]:
                concrete = parse_id(str(item["id"]))
                raw = item["id"]
                slots.append([kind, concrete, item["property"], good_value(raw, item["property"], concrete)])
        found.append(Callback(key, outputs, slots))
    return found


def bad_ids(concrete: dict) -> list[dict]:
    """A pattern-matching id with its row key made wrong."""
    return [
        {**concrete, "key": bad}
        for bad in (None, "1", "'; DROP TABLE users; --", [1], {"a": 1}, -1, 1.5, 2**70, HUGE[:500])
    ] + [{"type": concrete.get("type")}, {**concrete, "type": "no-such-type"}, {}]


def payloads(app) -> list[tuple[str, object]]:
    """Every callback's payload with one input or state made wrong at a time."""
    found = []
    for cb in callbacks(app):
        found.append((f"{cb.key} good", cb.body()))
        for n, slot in enumerate(cb.slots):
            for bad in BAD_VALUES:
                found.append((f"{cb.key} slot {n}={bad!r:.60}", cb.body(changed={n: bad})))
            if isinstance(slot[1], dict):
                for bad_id in bad_ids(slot[1]):
                    found.append((f"{cb.key} slot {n} id={bad_id!r:.60}", cb.body(ids={n: bad_id})))
    return found


def broken_bodies(app) -> list[tuple[str, dict]]:
    """Requests Dash itself would choke on: keys missing, wrong shapes, not JSON."""
    found = []
    for cb in callbacks(app):
        good = cb.body()
        for missing in good:
            body = {k: v for k, v in good.items() if k != missing}
            found.append((f"{cb.key} without {missing}", {"json": body}))
        for key, bad in (
            ("inputs", "x"),
            ("inputs", [1, 2]),
            ("inputs", [{"id": None}]),
            ("inputs", []),
            ("inputs", {"a": 1}),
            ("state", "x"),
            ("state", [None]),
            ("outputs", "x"),
            ("outputs", [1]),
            ("outputs", None),
            ("output", None),
            ("output", ["x"]),
            ("changedPropIds", "x"),
            ("changedPropIds", [None, 1]),
        ):
            found.append((f"{cb.key} {key}={bad!r}", {"json": {**good, key: bad}}))
        text = json.dumps(good)
        for cut in (1, len(text) // 3, len(text) // 2, len(text) - 1):
            found.append((f"{cb.key} cut at {cut}", {"data": text[:cut], "content_type": "application/json"}))
        found.append((f"{cb.key} as form", {"data": {"output": cb.key}}))
        found.append((f"{cb.key} as text", {"data": text, "content_type": "text/plain"}))
    for name, body in (
        ("unknown output", {"output": "no-such.children", "outputs": {"id": "no-such", "property": "x"}}),
        ("unknown output, inputs", {"output": "x.y", "outputs": {}, "inputs": [], "state": []}),
        ("list", []),
        ("string", "x"),
        ("number", 1),
        ("null", None),
        ("nested", {"output": {"a": {"b": []}}}),
        ("huge output", {"output": HUGE, "outputs": {"id": HUGE, "property": "x"}, "inputs": []}),
    ):
        found.append((name, {"json": body}))
    for name, data, kind in (
        ("empty json", b"", "application/json"),
        ("not json", b"not json at all", "application/json"),
        ("binary", bytes(range(256)), "application/json"),
        ("bad utf-8", b'{"output": "\xff\xfe"}', "application/json"),
        ("nan", b'{"output": NaN}', "application/json"),
        ("deep", b"[" * 5000 + b"]" * 5000, "application/json"),
        ("xml", b"<xml/>", "application/xml"),
        ("no content type", b"{}", None),
        ("multipart", b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x"),
    ):
        found.append((name, {"data": data, "content_type": kind}))
    return found


def page_urls() -> list[str]:
    rng = random.Random(SEED)
    found = [page + query for page in PAGES for query in QUERIES]
    found += [template.format(garbage) for template in TEMPLATES for garbage in PATH_GARBAGE]
    alphabet = "azAZ09-_./%?&=;'\"<>区🙂\\"
    for _ in range(60):
        found.append("/" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))))
    return found


def router_cases() -> list[tuple[object, object]]:
    """(pathname, search) as Dash's page router gets them from the browser's location."""
    found = [(page, query) for page in PAGES for query in QUERIES]
    found += [(template.format(g), "") for template in TEMPLATES[:3] for g in PATH_GARBAGE[:20]]
    found += [(bad, "") for bad in BAD_VALUES[:16]] + [("/", bad) for bad in BAD_VALUES[:16]]
    return found


def post(client, **kwargs):
    return client.post("/_dash-update-component", headers=headers(client), **kwargs)


# --- the tests ---------------------------------------------------------------------


def test_the_fuzz_sends_well_over_a_thousand_malformed_requests(app, clients):
    total = len(page_urls()) * 3 + len(router_cases()) * 2 + len(payloads(app)) + len(broken_bodies(app))
    print(f"\n{total} malformed requests in all")
    assert total >= 1_000


def test_bad_page_urls_get_a_page_or_a_refusal_never_a_500(clients):
    outcome = Outcome()
    for url in page_urls():
        for who in ("leader", "kiosk", "anonymous"):
            outcome.check(f"{who} GET {url}", clients[who].get(url), PAGE_STATUSES)
    outcome.report("page URLs")


def test_bad_query_strings_and_paths_in_the_page_router_get_a_message(app, clients):
    outcome = Outcome()
    router = next(cb for cb in callbacks(app) if cb.key.startswith(f"..{_ID_CONTENT}."))
    for pathname, search in router_cases():
        body = router.body(changed={0: pathname, 1: search})
        for who in ("leader", "admin"):
            answer = post(clients[who], json=body)
            outcome.check(f"{who} router {pathname!r:.200} {search!r:.200}", answer, CALLBACK_STATUSES)
    outcome.report("page router")


def test_every_callback_answers_wrong_values_with_a_message(app, clients):
    rng = random.Random(SEED)
    outcome = Outcome()
    for what, body in payloads(app):
        who = "admin" if "admin-" in body["output"] else "leader"
        outcome.check(f"{who} {what}", post(clients[who], json=body), CALLBACK_STATUSES)
        if rng.random() < 0.05:  # now and then the same from a wall screen and from nobody
            for other in ("kiosk", "anonymous"):
                answer = post(clients[other], json=body)
                outcome.check(f"{other} {what}", answer, CALLBACK_STATUSES)
    outcome.report("callback payloads")


def test_malformed_callback_requests_are_a_bad_request(app, clients):
    outcome = Outcome()
    for what, kwargs in broken_bodies(app):
        for who in ("leader", "admin", "kiosk"):
            outcome.check(f"{who} {what}", post(clients[who], **kwargs), CALLBACK_STATUSES)
    outcome.report("malformed bodies")


def test_normal_callbacks_still_work_after_the_fuzz(app, clients):
    """The error handlers take nothing from Dash: a good call is 200, a
    PreventUpdate 204, a refusal 403."""
    leader = clients["leader"]
    region = next(cb for cb in callbacks(app) if cb.key.startswith(f"..{RegionIds.KPIS}."))
    assert post(leader, json=region.body()).status_code == 200
    create = next(cb for cb in callbacks(app) if cb.key.startswith(f"..{AdminIds.ACCOUNTS}."))
    assert post(clients["admin"], json=create.body(changed={0: 0})).status_code == 204
    assert post(leader, json=create.body()).status_code == 403
    assert post(clients["kiosk"], json=region.body()).status_code == 403
    assert leader.get("/").status_code == 200


def test_a_bad_value_is_answered_with_what_is_wrong_in_chinese(app, clients):
    region = next(cb for cb in callbacks(app) if cb.key.startswith(f"..{RegionIds.KPIS}."))
    params = {"code": city.CITY, "window": {"from": "2026-12-01", "to": "2026-01-01"}}
    answer = post(clients["leader"], json=region.body(changed={1: params}))
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "时间范围无效：结束日期早于开始日期"}


def test_an_unexpected_error_is_a_500_with_a_plain_message_and_no_traceback(caplog):
    plain = dash.Dash(__name__)
    install_error_handlers(plain)

    def fail():
        raise KeyError("a secret detail")

    plain.server.add_url_rule("/boom", "boom", fail)
    plain.server.add_url_rule("/_dash-boom", "dash-boom", fail)
    page = plain.server.test_client().get("/boom")
    assert page.status_code == 500
    assert "服务器内部错误" in page.get_data(as_text=True)
    assert "secret" not in page.get_data(as_text=True)
    assert not LEAKS.search(page.get_data(as_text=True))
    assert plain.server.test_client().get("/_dash-boom").get_json() == {"error": errors.UNEXPECTED}
    assert "a secret detail" in caplog.text  # the log has it all
