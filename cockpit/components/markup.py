"""Lists and tables drawn as one component: HTML built here, escaped here.

A Dash component per cell is a React component with its own wrapper, props
and callbacks bookkeeping: a ranking of 40 regions × 12 linked cells was
~1,000 of them, and dash-renderer spent most of a drill building them
(docs/performance.md). Lists that only show and link are built as one HTML
string and drawn by one ``HtmlBlock`` (assets/cockpit.js), whose links
navigate inside the app like dcc.Link (``data-nav``, handled in cockpit.js).

Every string from the store is hostile: ``tag`` escapes every child that is
not ``Markup`` (what ``tag`` itself returns) and every attribute value, and
``HtmlBlock`` takes nothing but ``Markup``. Whitespace in text is collapsed to
single spaces.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import ClassVar

from dash.development.base_component import Component

_SPACE = re.compile(r"\s+")
_NAME = re.compile(r"^[a-z][a-z0-9]*$")
_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9-]*$")


class Markup(str):
    """HTML built by this module: safe to put into more markup as it is."""

    __slots__ = ()


def escaped(value: object) -> Markup:
    """``value`` as text: ``& < > " '`` as entities, whitespace one space."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(_SPACE.sub(" ", str(value)), quote=True))


def _children(children: Iterable) -> str:
    parts = []
    for child in children:
        if child is None:
            continue
        if isinstance(child, str | int | float):
            parts.append(escaped(child))
        else:
            parts.append(_children(child))
    return "".join(parts)


def tag(name: str, *children, **attributes) -> Markup:
    """``<name attributes>children</name>``. Attribute names are given in
    Python spelling (``class_``, ``data_nav``: "class", "data-nav"); a None
    value leaves the attribute out."""
    if not _NAME.match(name):
        raise ValueError(f"not a tag name: {name!r}")
    attrs = []
    for key, value in attributes.items():
        if value is None:
            continue
        attr = key.rstrip("_").replace("_", "-")
        if not _ATTRIBUTE.match(attr):
            raise ValueError(f"not an attribute name: {key!r}")
        attrs.append(f' {attr}="{escaped(value)}"')
    return Markup(f"<{name}{''.join(attrs)}>{_children(children)}</{name}>")


def link(href: str, *children, **attributes) -> Markup:
    """A link inside the app: opened without reloading the page (like
    dcc.Link); a middle click or ctrl-click opens a tab as usual."""
    return tag("a", *children, href=href, data_nav="1", **attributes)


def join(parts: Iterable[Markup | None]) -> Markup:
    """The parts one after another (None: nothing)."""
    return Markup("".join(escaped(part) for part in parts if part is not None))


class HtmlBlock(Component):
    """Markup drawn as it is, in one ``<div>`` (assets/cockpit.js). With
    ``expanded``, a button (``expand_label``) swaps ``html`` for it: a long
    list shows its first rows and draws the rest only when asked."""

    _namespace = "cockpit_markup"
    _type = "HtmlBlock"
    _children_props: ClassVar[list] = []
    _base_nodes: ClassVar[list] = ["children"]

    def __init__(
        self,
        html: Markup,
        id: str | None = None,
        className: str | None = None,  # noqa: N803 - Dash's prop name
        expanded: Markup | None = None,
        expand_label: str | None = None,
    ):
        if not isinstance(html, Markup) or not isinstance(expanded, Markup | None):
            raise TypeError("HtmlBlock draws only Markup built by cockpit.components.markup")
        props = ["id", "className", "html", "expanded", "expand_label"]
        self._prop_names = props
        self._valid_wildcard_attributes = []
        self.available_properties = props
        self.available_wildcard_properties = []
        given = {"id": id, "className": className, "expanded": expanded, "expand_label": expand_label}
        super().__init__(html=str(html), **{k: str(v) for k, v in given.items() if v is not None})
