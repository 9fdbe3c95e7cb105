"""Where request-time code finds the engine and the settings.

``cockpit.app.create_app`` puts one ``CockpitContext`` on the Flask server;
layouts and callbacks read it with ``current()`` (no module-level state).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import flask
from sqlalchemy import Engine

from cockpit.outage import LastGood, Outage
from cockpit.settings import Settings
from queries.scope import AccessDeniedError, Viewer

EXTENSION_KEY = "cockpit"


@dataclass(frozen=True)
class CockpitContext:
    settings: Settings
    engine: Engine
    root_code: str
    # What the pages show while the store is unreachable (cockpit.outage).
    last_good: LastGood = field(default_factory=LastGood, compare=False)
    outage: Outage = field(default_factory=Outage, compare=False)


def install(server: flask.Flask, context: CockpitContext) -> None:
    server.extensions[EXTENSION_KEY] = context


def current() -> CockpitContext:
    return flask.current_app.extensions[EXTENSION_KEY]


def viewer() -> Viewer:
    """Who is asking, as the web layer (cockpit.auth.web) put it on ``flask.g``
    for this request; refused when nobody logged in."""
    found = flask.g.get("viewer")
    if found is None:
        raise AccessDeniedError("请先登录。")
    return found
