"""Reading a Dash layout in tests: its components, ids, text and links."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r'(?<![-\w])href="([^"]*)"')


def markup_texts(markup: str) -> list[str]:
    """Each piece of text an HtmlBlock (cockpit.components.markup) shows."""
    return [html.unescape(part) for part in _TAG.split(markup) if part.strip()]


def _markup_text(markup: str) -> str:
    return " ".join(markup_texts(markup))


def walk(component) -> Iterator[dict]:
    """Every component (as its JSON) in a layout tree."""
    stack = [component]
    while stack:
        node = stack.pop()
        if hasattr(node, "to_plotly_json"):
            node = node.to_plotly_json()
        if isinstance(node, dict) and "props" in node:
            yield node
            stack.extend(reversed(list(node["props"].values())))
        elif isinstance(node, list | tuple):
            stack.extend(reversed(node))


def ids(component) -> set[str]:
    return {str(node["props"]["id"]) for node in walk(component) if "id" in node["props"]}


def text(component) -> str:
    """The text a layout shows, its strings and numbers joined by spaces."""
    parts: list[str] = []
    for node in walk(component):
        children = node["props"].get("children")
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, str | int):
                parts.append(str(child))
        if node.get("type") == "HtmlBlock":
            parts.append(_markup_text(node["props"]["html"]))
    return " ".join(parts)


def hrefs(component) -> list[str]:
    """Every link's target, in order (an HtmlBlock's links included)."""
    found = []
    for node in walk(component):
        if "href" in node["props"]:
            found.append(node["props"]["href"])
        if node.get("type") == "HtmlBlock":
            found += [html.unescape(href) for href in _HREF.findall(node["props"]["html"])]
    return found
