"""Plain messages instead of stack traces: not found, bad input."""

from __future__ import annotations

from dash import dcc, html


def message_card(title: str, detail: str = "", link: str = "/", link_text: str = "返回首页") -> html.Div:
    return html.Div(
        [
            html.H2(title, className="message-title"),
            html.P(detail, className="message-detail") if detail else None,
            dcc.Link(link_text, href=link, className="btn btn-primary"),
        ],
        className="message-card",
    )


def not_found(what: str = "页面", detail: str = "", link: str = "/", link_text: str = "返回首页") -> html.Div:
    return message_card(
        f"未找到该{what}", detail or "链接可能有误，或该记录不在本驾驶舱的管辖范围内。", link, link_text
    )


def forbidden(detail: str, link: str = "/", link_text: str = "返回首页") -> html.Div:
    """What a page says to a viewer asking for something outside its scope."""
    return message_card("无权访问", detail, link, link_text)
