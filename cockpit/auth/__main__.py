"""Accounts and wall-screen tokens from the command line, on the store of
COCKPIT_DATABASE_URL (thin wrappers over cockpit.auth.users; each change
is written to the audit log as done by "cli").

    python -m cockpit.auth create-admin NAME        the first administrator
    python -m cockpit.auth create-user NAME --role town --region CODE
    python -m cockpit.auth set-password NAME
    python -m cockpit.auth deactivate NAME
    python -m cockpit.auth list-users
    python -m cockpit.auth kiosk-token --name 大厅大屏 [--region CODE]
    python -m cockpit.auth kiosk-token --revoke ID
    python -m cockpit.auth kiosk-token --list
    python -m cockpit.auth --url postgresql+psycopg://… list-users   (any command, another store)

Passwords are asked for twice without echo, or read from the first line of
standard input with --password-stdin (for scripts); never taken from the
command line, where other users of the machine could see them.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy import Connection, Engine

from cockpit.auth import audit, users
from cockpit.components.urls import kiosk_href
from queries.scope import ROLE_LABELS, USER_ROLES

ACTOR = "cli"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cockpit.auth", description="监督驾驶舱账号与大屏令牌")
    parser.add_argument("--url", help="the store's SQLAlchemy URL (default: COCKPIT_DATABASE_URL)")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_password(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    admin = commands.add_parser("create-admin", help="create an administrator (the first account)")
    admin.add_argument("username")
    admin.add_argument("--display-name", default="")
    with_password(admin)

    user = commands.add_parser("create-user", help="create an account")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=USER_ROLES)
    user.add_argument("--region", action="append", default=[], help="a granted region's code (repeatable)")
    user.add_argument("--display-name", default="")
    with_password(user)

    password = commands.add_parser("set-password", help="set an account's password (ends its sessions)")
    password.add_argument("username")
    with_password(password)

    deactivate = commands.add_parser("deactivate", help="deactivate an account (ends its sessions)")
    deactivate.add_argument("username")

    commands.add_parser("list-users", help="list the accounts")

    kiosk = commands.add_parser("kiosk-token", help="make, revoke or list wall-screen tokens")
    what = kiosk.add_mutually_exclusive_group(required=True)
    what.add_argument("--name", help="a new token for the screen of this name")
    what.add_argument("--revoke", type=int, metavar="ID", help="revoke the token with this id")
    what.add_argument("--list", action="store_true", help="list the tokens")
    kiosk.add_argument("--region", default=None, help="the region the screen shows (default: the root)")
    return parser


def _read_password(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.password_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        raise users.AccountError("两次输入的密码不一致。")
    return first


def _create(conn: Connection, args: argparse.Namespace, role: str, password: str) -> str:
    regions = getattr(args, "region", [])
    users.create_user(conn, args.username, password, role, regions, display_name=args.display_name)
    detail = f"创建账号（{role}{'：' + ', '.join(regions) if regions else ''}）"
    audit.record(conn, ACTOR, "user_admin", args.username, detail)
    return f"已创建 {ROLE_LABELS[role]} 账号 {args.username}。"


def _list_users(conn: Connection) -> str:
    lines = [f"{'用户名':<20}{'角色':<12}{'状态':<6}地区"]
    for account in users.list_accounts(conn):
        state = "启用" if account.active else "停用"
        role = ROLE_LABELS.get(account.role, account.role)
        lines.append(f"{account.username:<20}{role:<12}{state:<6}{', '.join(account.regions) or '全域'}")
    return "\n".join(lines)


def _kiosk(conn: Connection, args: argparse.Namespace) -> str:
    if args.list:
        lines = ["id  名称  地区  状态"]
        for token in users.list_kiosk_tokens(conn):
            state = "已撤销" if token["revoked_at"] else "有效"
            lines.append(f"{token['id']}  {token['name']}  {token['region_code'] or '全域'}  {state}")
        return "\n".join(lines)
    if args.revoke is not None:
        live = [t for t in users.list_kiosk_tokens(conn) if t["id"] == args.revoke and not t["revoked_at"]]
        if not live:
            raise users.AccountError(f"没有有效的大屏令牌 {args.revoke}。")
        users.revoke_kiosk_token(conn, args.revoke)
        audit.record(conn, ACTOR, "kiosk_admin", str(args.revoke), f"撤销大屏令牌「{live[0]['name']}」")
        return f"已撤销大屏令牌 {args.revoke}（{live[0]['name']}）；该大屏的会话随即失效。"
    token = users.create_kiosk_token(conn, args.name, args.region)
    token_id = users.kiosk_token_id(conn, token)
    audit.record(conn, ACTOR, "kiosk_admin", str(token_id), f"创建大屏令牌「{args.name}」")
    return (
        f"大屏令牌 {token_id}「{args.name}」已创建。令牌只显示这一次 / the token is shown once:\n"
        f"{token}\n"
        f"大屏地址 / open on the screen: {kiosk_href(token)}"
    )


def run(engine: Engine, argv: Sequence[str], stdin: TextIO | None = None) -> str:
    """Carry out one command on ``engine``; its report. Raises AccountError."""
    args = _parser().parse_args(list(argv))
    stdin = stdin or sys.stdin
    # Passwords are read before the transaction opens: nobody types inside one.
    needs_password = args.command in ("create-admin", "create-user", "set-password")
    password = _read_password(args, stdin) if needs_password else ""
    with engine.begin() as conn:
        if args.command == "create-admin":
            return _create(conn, args, "admin", password)
        if args.command == "create-user":
            return _create(conn, args, args.role, password)
        if args.command == "set-password":
            users.set_password(conn, args.username, password)
            audit.record(conn, ACTOR, "user_admin", args.username, "重设密码")
            return f"已重设 {args.username} 的密码；其已登录的会话随即失效。"
        if args.command == "deactivate":
            users.set_active(conn, args.username, False)
            audit.record(conn, ACTOR, "user_admin", args.username, "停用账号")
            return f"已停用账号 {args.username}；其已登录的会话随即失效。"
        if args.command == "list-users":
            return _list_users(conn)
        return _kiosk(conn, args)


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    from cockpit.main import open_store
    from cockpit.settings import Settings, SettingsError

    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(list(argv))  # usage errors before the store is opened
    try:
        settings = Settings.from_env()
        if args.url:
            settings = dataclasses.replace(settings, database_url=args.url)
        elif not os.environ.get("COCKPIT_DATABASE_URL"):
            # An account made in the sample store by mistake is an account
            # the real cockpit does not know: say where it goes.
            print(
                f"注意 / note: 未设置 COCKPIT_DATABASE_URL，也未给出 --url：使用 {settings.database_url}",
                file=sys.stderr,
            )
        engine = open_store(settings)
    except SettingsError as error:
        print(f"配置错误 / bad setting: {error}", file=sys.stderr)
        return 2
    try:
        print(run(engine, argv, stdin))
    except users.AccountError as error:
        print(f"未完成 / refused: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
