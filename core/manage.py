"""Operations: `python -m core.manage migrate | seed | rotate-keys | create-owner | add-user |
analytics | export | erase`."""

from __future__ import annotations

import argparse
import sys

from alembic import command
from alembic.config import Config
from sqlalchemy import Text, select, update
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import data_keys
from core.crypto import EncryptedText, add_key_to_file, get_fernet, rotate_token
from core.db import get_engine, make_engine, refresh_statistics
from core.settings import ROOT, get_settings


def migrate(url: str | None = None) -> None:
    """Bring the database to the newest schema (the start-up step)."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    if url:
        config.attributes["url"] = url
    command.upgrade(config, "head")
    engine = make_engine(url) if url else get_engine()
    refresh_statistics(engine)
    if not url:
        from core.privacy.shredding import check_key_store

        with Session(engine) as session:
            check_key_store(session=session)
    if url:
        engine.dispose()


def rotate_keys(engine: Engine) -> int:
    """Re-encrypt every encrypted column with the current (first) key, and wrap every visitor's
    data key with it (values encrypted with a data key stay as they are); returns values and
    data keys rewritten."""
    from sqlmodel import SQLModel

    import core.models  # noqa: F401  (registers the tables)

    rewritten = 0
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            names = [c.name for c in table.columns if isinstance(c.type, EncryptedText)]
            if not names:
                continue
            pk = table.primary_key.columns.values()[0].name
            # A plain-Text view of the table reads and writes the stored tokens as they are.
            raw = sa_table(table.name, sa_column(pk), *(sa_column(n, Text()) for n in names))
            for row in conn.execute(select(raw)).mappings().all():
                values = {
                    n: rotate_token(row[n])
                    for n in names
                    if row[n] is not None and data_keys.key_id_of(row[n]) is None
                }
                if values:
                    conn.execute(update(raw).where(raw.c[pk] == row[pk]).values(values))
                    rewritten += len(values)
    return rewritten + data_keys.rewrap_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.manage")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("seed", help="load the demo business when the database has none")
    rotate = sub.add_parser("rotate-keys", help="re-encrypt stored data with the newest key")
    rotate.add_argument(
        "--new-key",
        action="store_true",
        help="first add a new key to the key file (when ENCRYPTION_KEYS is not set)",
    )
    sub.add_parser("create-owner", help="create the first admin owner when there is no user")
    add_user = sub.add_parser("add-user", help="add an admin user (prints a generated password)")
    add_user.add_argument("--email", required=True)
    add_user.add_argument("--name", required=True)
    add_user.add_argument("--role", choices=["owner", "agent"], default="agent")
    add_user.add_argument("--password", help="at least 10 characters; generated when omitted")
    analytics = sub.add_parser("analytics", help="print every dashboard's figures as JSON")
    analytics.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    analytics.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
    analytics.add_argument("--json", action="store_true", help="JSON (the only format)")
    export = sub.add_parser(
        "export", help="write one visitor's data to a ZIP (data.json and transcript.html)"
    )
    _subject_arguments(export)
    export.add_argument("--out", required=True, help="the ZIP file to write (must not exist)")
    erase = sub.add_parser("erase", help="erase one visitor's data (deleted or anonymised)")
    _subject_arguments(erase)
    erase.add_argument(
        "--yes",
        action="store_true",
        help="really erase; without it, only show what would be erased",
    )
    retention = sub.add_parser(
        "retention",
        help="erase conversations and events older than RETENTION_CONVERSATION_DAYS and "
        "RETENTION_EVENT_DAYS (the jobs runner does it daily)",
    )
    retention.add_argument("--dry-run", action="store_true", help="only count what would be erased")
    args = parser.parse_args(argv)
    settings = get_settings()

    if args.command == "migrate":
        migrate()
        print("database is up to date")
    elif args.command == "seed":
        from core.db import session_scope
        from core.seed import seed_demo

        with session_scope() as session:
            done = seed_demo(session=session, demo_dir=settings.DEMO_DIR)
        print("demo business seeded" if done else "a business is already set up; seed skipped")
    elif args.command == "rotate-keys":
        if args.new_key:
            if settings.ENCRYPTION_KEYS:
                print(
                    "ENCRYPTION_KEYS is set: put the new key first there instead", file=sys.stderr
                )
                return 2
            add_key_to_file(settings)
        get_fernet.cache_clear()
        count = rotate_keys(get_engine())
        print(f"re-encrypted {count} values with the current key")
    elif args.command in ("create-owner", "add-user"):
        return _users_command(args)
    elif args.command == "analytics":
        return _analytics_command(args)
    elif args.command in ("export", "erase"):
        from core.privacy.commands import privacy_command

        return privacy_command(args)
    elif args.command == "retention":
        from core.privacy.commands import retention_command

        return retention_command(args)
    return 0


def _subject_arguments(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", help="an e-mail address the visitor gave")
    who.add_argument("--phone", help="a phone number the visitor gave (its digits are compared)")
    who.add_argument(
        "--visitor", help="a visitor id, the visitor's analytics key or a conversation id"
    )


def _analytics_command(args: argparse.Namespace) -> int:
    import json
    from zoneinfo import ZoneInfo

    from core.analytics.dashboards import all_figures
    from core.analytics.period import Period, PeriodError
    from core.crud import business as business_crud
    from core.db import session_scope

    with session_scope() as session:
        tz = ZoneInfo(business_crud.get_business(session=session).timezone)
        try:
            period = Period.parse(args.first, args.last, tz=tz)
        except PeriodError as exc:
            print(exc, file=sys.stderr)
            return 2
        figures = all_figures(session=session, period=period)
    print(json.dumps(figures, indent=2, default=str))
    return 0


def _users_command(args: argparse.Namespace) -> int:
    import secrets

    from core.accounts.sessions import ensure_first_owner
    from core.crud import users
    from core.db import session_scope
    from core.models import UserRole

    settings = get_settings()
    try:
        with session_scope() as session:
            if args.command == "create-owner":
                if users.count_users(session=session) > 0:
                    print("Admin users exist")
                    return 0
                generated = ensure_first_owner(session=session, settings=settings)
                email = users.list_users(session=session)[0].email
            else:
                password = str(args.password or secrets.token_urlsafe(12))
                generated = None if args.password else password
                user = users.create_user(
                    session=session,
                    email=args.email,
                    name=args.name,
                    password=password,
                    role=UserRole(args.role),
                )
                email = user.email
    except users.UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    # Printed only after the commit: a password for a user that was not stored helps no one.
    if args.command == "add-user":
        print(
            f"Admin {args.role} {email} added" + (f" / password: {generated}" if generated else "")
        )
    elif generated:
        print(f"Admin sign-in: {email} / password: {generated}")
    else:
        print(f"Admin owner {email} created from ADMIN_PASSWORD")
    return 0


if __name__ == "__main__":
    sys.exit(main())
