"""What the browser is sent (cockpit.delivery): compressed code and data,
kept compressed once, cached by fingerprint; pages uncompressed."""

from __future__ import annotations

import gzip
import json
import re

from tests.test_auth_web import log_in, make_app, store  # noqa: F401 - the store fixture

GZIP = {"Accept-Encoding": "gzip, deflate"}


def core_components_url(client) -> str:
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    (url,) = re.findall(r'src="(/_dash-component-suites/dash/dcc/dash_core_components\.v[^"]+)"', page)
    return url


def test_dash_code_is_sent_gzipped_once_compressed_and_cached_for_a_year(store):  # noqa: F811
    client = make_app(store).server.test_client()
    log_in(client)
    url = core_components_url(client)
    first = client.get(url, headers=GZIP)
    assert first.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in first.headers["Cache-Control"]
    body = gzip.decompress(first.data)
    assert len(first.data) < len(body) / 2.5 and b"dash_core_components" in body
    again = client.get(url, headers=GZIP)
    assert again.data == first.data  # the kept bytes
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data == body


def test_our_assets_with_their_mtime_are_immutable_and_without_it_revalidated(store):  # noqa: F811
    client = make_app(store).server.test_client()
    versioned = client.get("/assets/cockpit.css?m=1700000000", headers=GZIP)
    assert versioned.status_code == 200
    assert "immutable" in versioned.headers["Cache-Control"]
    assert versioned.headers["Content-Encoding"] in ("gzip", "deflate")
    bare = client.get("/assets/cockpit.css")
    assert "immutable" not in bare.headers.get("Cache-Control", "")


def test_callback_answers_are_compressed_and_pages_are_not(store):  # noqa: F811
    client = make_app(store).server.test_client()
    log_in(client)
    page = client.get("/", headers={**GZIP, "Accept": "text/html"})
    assert "Content-Encoding" not in page.headers  # HTML: never (BREACH), and small
    layout = client.get("/_dash-layout", headers=GZIP)
    assert layout.headers["Content-Encoding"] == "gzip"
    assert "no-store" in layout.headers["Cache-Control"]
    assert json.loads(gzip.decompress(layout.data))["type"] == "Div"


def test_a_fresh_worker_serves_dash_code_to_requests_that_arrive_together(store):  # noqa: F811
    """A worker's first requests arrive together (a wall screen's cold load
    asks for ten scripts at once). Dash fills its registry of scripts on its
    first request but marks the work done before doing it, so requests in
    that gap answered 500 "dash is not a registered library" (seen once in
    the browser benchmark; plotly/dash#3971). They must wait for it."""
    import threading

    warm = make_app(store).server.test_client()
    log_in(warm)
    url = core_components_url(warm)
    cookie = warm.get_cookie("cockpit_session")
    statuses: list[int] = []
    for _ in range(3):  # three fresh workers
        server = make_app(store).server
        clients = [server.test_client() for _ in range(24)]
        for client in clients:
            client.set_cookie("cockpit_session", cookie.value)
        start = threading.Barrier(len(clients))

        def fetch(client, start: threading.Barrier) -> None:
            start.wait()
            statuses.append(client.get(url, headers=GZIP).status_code)

        threads = [threading.Thread(target=fetch, args=(c, start)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 72
