"""Reading a Dash layout in tests: its components, ids, text and links."""

from __future__ import annotations

from collections.abc import Iterator


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
    return " ".join(parts)


def hrefs(component) -> list[str]:
    return [node["props"]["href"] for node in walk(component) if "href" in node["props"]]
