"""How the browser gets the cockpit's code and answers: compressed, and
cached for as long as their URL says they cannot change.

- JavaScript, CSS and the callbacks' JSON over 500 bytes are compressed
  (flask-compress: gzip for plain-HTTP intranets, where browsers offer no
  brotli; br where they do). plotly.js alone is 4.8 MB, 1.4 MB gzipped. HTML
  is not: the pages are a few kB, and the login form holds a CSRF token next
  to what the URL reflects, which compression would expose to BREACH.
- The compressed bytes of the static files (Dash's component suites, our
  /assets) are kept, so plotly.js is compressed once per process and encoding,
  not once per visitor; answers that are computed per request (callbacks,
  pages) are compressed as they go and never kept.
- Dash's component suites come with a fingerprint in their URL and a year's
  max-age (Dash does that). Our /assets URLs carry the file's mtime (``?m=``,
  Dash again): such a URL is given a year too, ``immutable``, so a warm
  browser asks for nothing but the page and its data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import flask
from flask_compress import Compress

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
YEAR = 365 * 24 * 3600
MIMETYPES = (
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
)


class StaticCache:
    """flask-compress's cache of compressed static files: bounded (least
    recently used out), thread-safe, and keeping nothing for keys that name
    no static file (see ``cache_key``)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def _kept(key: str) -> bool:
        return not key.endswith(";")  # "<algorithm>;" + an empty cache_key: not static

    def get(self, key: str) -> bytes | None:
        if not self._kept(key):
            return None
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if not self._kept(key) or len(value) > self.max_bytes:
            return
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return
            self._data[key] = value
            self._size += len(value)
            while self._size > self.max_bytes:
                _old, dropped = self._data.popitem(last=False)
                self._size -= len(dropped)


def cache_key(request: flask.Request) -> str:
    """The static file a GET names (with its fingerprint), or "" (not kept)."""
    if request.method != "GET" or not request.path.startswith(STATIC_PREFIXES):
        return ""
    return request.full_path


def install_delivery(server: flask.Flask) -> None:
    server.config.setdefault("COMPRESS_MIMETYPES", list(MIMETYPES))
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    server.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    server.config.setdefault("COMPRESS_CACHE_BACKEND", StaticCache)
    server.config.setdefault("COMPRESS_CACHE_KEY", cache_key)
    Compress(server)

    @server.after_request
    def _cache_fingerprinted_assets(response: flask.Response) -> flask.Response:
        request = flask.request
        if request.path.startswith("/assets/") and request.args.get("m") and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response


def serialize_dash_setup(app) -> None:
    """Make a worker's first requests wait until Dash has set itself up.

    Dash sets itself up on its first request (a ``before_request`` hook,
    ``Dash._setup_server``), but marks the work done before doing it: under
    gunicorn's threads, the requests arriving meanwhile (a wall screen's
    cold load asks for ten scripts at once) skip it and are answered 500
    "dash is not a registered library" (plotly/dash#3971). A hook run before
    Dash's does the setup under a lock, once, so the others wait for it;
    Dash's own hook then finds it done."""
    lock = threading.Lock()
    ready = threading.Event()

    def set_up_once() -> None:
        if ready.is_set():
            return
        with lock:
            if not ready.is_set():
                app._setup_server()
                ready.set()

    app.server.before_request_funcs.setdefault(None, []).insert(0, set_up_once)
