"""The few pages Flask renders itself, outside Dash: the login form, the
logout confirmation, the wall screen's confirmation and the refusals (400,
403, 404, 409, 413, 429).

Plain HTML with our own Bootstrap and assets/auth.css; no script at all,
so they work under the strictest CSP and with JavaScript off.
"""

from __future__ import annotations

import flask
from jinja2 import DictLoader, Environment, select_autoescape

from cockpit.components import urls

BOOTSTRAP = "/assets/vendor/bootstrap.min.css"
STYLESHEET = "/assets/auth.css"

_BASE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{ title }} - 监督驾驶舱</title>
<link rel="icon" href="/_favicon.ico">
<link rel="stylesheet" href="{{ bootstrap }}">
<link rel="stylesheet" href="{{ stylesheet }}">
</head>
<body class="auth-page">
<main class="auth-card">
<header class="auth-header">
<div class="auth-brand">监督驾驶舱</div>
<div class="auth-subtitle">{{ subtitle or "小微权力监督" }}</div>
</header>
{% block content %}{% endblock %}
</main>
<footer class="auth-footer">本系统仅供授权人员使用，登录与访问均记入审计日志。</footer>
</body>
</html>
"""

_LOGIN = """{% extends "base.html" %}
{% block content %}
<h1 class="auth-title">登录</h1>
{% if message %}
<div class="alert {{ 'alert-warning' if throttled else 'alert-danger' }} auth-message" role="alert">
{{ message }}</div>
{% endif %}
<form method="post" action="{{ action }}" class="auth-form" autocomplete="on">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<input type="hidden" name="next" value="{{ next }}">
<div class="mb-3">
<label for="username" class="form-label">用户名</label>
<input type="text" class="form-control form-control-lg" id="username" name="username" value="{{ username }}"
 autocomplete="username" autocapitalize="off" spellcheck="false" maxlength="64" required autofocus>
</div>
<div class="mb-4">
<label for="password" class="form-label">密码</label>
<input type="password" class="form-control form-control-lg" id="password" name="password"
 autocomplete="current-password" maxlength="256" required>
</div>
<button type="submit" class="btn btn-primary btn-lg w-100">登录</button>
</form>
{% endblock %}
"""

_LOGOUT = """{% extends "base.html" %}
{% block content %}
<h1 class="auth-title">退出登录</h1>
<p class="auth-text">{{ who }}，确认退出监督驾驶舱？</p>
<form method="post" action="{{ action }}" class="auth-form">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<button type="submit" class="btn btn-primary btn-lg w-100">退出</button>
</form>
<p class="auth-links"><a href="{{ home }}">返回驾驶舱</a></p>
{% endblock %}
"""

_KIOSK = """{% extends "base.html" %}
{% block content %}
<h1 class="auth-title">打开大屏</h1>
<p class="auth-text">这是大屏「{{ name }}」的接入链接。确认后，此浏览器将作为大屏持续显示驾驶舱大屏，
不再用于个人登录。</p>
<form method="post" action="{{ action }}" class="auth-form">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<button type="submit" class="btn btn-primary btn-lg w-100">在此浏览器上打开大屏</button>
</form>
<p class="auth-links"><a href="{{ home }}">不打开，返回登录页</a></p>
{% endblock %}
"""

_MESSAGE = """{% extends "base.html" %}
{% block content %}
<h1 class="auth-title">{{ title }}</h1>
<p class="auth-text">{{ message }}</p>
{% if link %}<p class="auth-links"><a href="{{ link }}">{{ link_label }}</a></p>{% endif %}
{% endblock %}
"""

_TEMPLATES = Environment(
    loader=DictLoader(
        {
            "base.html": _BASE,
            "login.html": _LOGIN,
            "logout.html": _LOGOUT,
            "kiosk.html": _KIOSK,
            "message.html": _MESSAGE,
        }
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def _html(template: str, status: int, **values) -> flask.Response:
    values = {"bootstrap": BOOTSTRAP, "stylesheet": STYLESHEET, "subtitle": "", **values}
    body = _TEMPLATES.get_template(template).render(**values)
    return flask.Response(body, status=status, mimetype="text/html")


def login_page(
    csrf_token: str,
    next_path: str,
    username: str = "",
    message: str = "",
    throttled: bool = False,
    subtitle: str = "",
    status: int = 200,
) -> flask.Response:
    return _html(
        "login.html",
        status,
        title="登录",
        action=urls.LOGIN,
        csrf_token=csrf_token,
        next=next_path,
        username=username,
        message=message,
        throttled=throttled,
        subtitle=subtitle,
    )


def logout_page(csrf_token: str, who: str) -> flask.Response:
    return _html(
        "logout.html",
        200,
        title="退出登录",
        action=urls.LOGOUT,
        csrf_token=csrf_token,
        who=who,
        home=urls.HOME,
    )


def kiosk_confirm_page(csrf_token: str, action: str, name: str) -> flask.Response:
    return _html(
        "kiosk.html", 200, title="打开大屏", action=action, csrf_token=csrf_token, name=name, home=urls.LOGIN
    )


def message_page(
    status: int, title: str, message: str, link: str = "", link_label: str = ""
) -> flask.Response:
    return _html("message.html", status, title=title, message=message, link=link, link_label=link_label)
