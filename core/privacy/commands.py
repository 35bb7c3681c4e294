"""`python -m core.manage export | erase`: one visitor's data, by e-mail, phone or id; and
`python -m core.manage retention`: what is older than the retention limits."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from core.crud.audit import Actor
from core.db import get_engine, session_scope
from core.privacy import erasure, export, retention
from core.privacy.subjects import (
    BadLookup,
    Found,
    Lookup,
    SubjectNotFound,
    describe,
    find_subject,
)
from core.settings import get_settings


def privacy_command(args: argparse.Namespace) -> int:
    lookup, value = _subject(args)
    try:
        if args.command == "export":
            return _export(lookup, value, Path(args.out))
        return _erase(lookup, value, confirmed=args.yes)
    except (BadLookup, SubjectNotFound) as exc:
        print(exc, file=sys.stderr)
        return 2


def _subject(args: argparse.Namespace) -> tuple[Lookup, str]:
    for lookup in Lookup:
        value = getattr(args, lookup.value)
        if value is not None:
            return lookup, str(value)
    raise AssertionError("argparse requires one of --email, --phone, --visitor")


def _export(lookup: Lookup, value: str, out: Path) -> int:
    if out.exists():
        print(f"{out} exists: choose another --out", file=sys.stderr)
        return 2
    found, archive = export.export_for(lookup=lookup, value=value, actor=_actor())
    try:
        # Personal data: readable by this user only, and never over an existing file.
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        print(f"{out} exists: choose another --out", file=sys.stderr)
        return 2
    with os.fdopen(fd, "wb") as fh:
        fh.write(archive)
    print(f"Exported {_counted(found)} to {out}")
    return 0


def _erase(lookup: Lookup, value: str, *, confirmed: bool) -> int:
    if not confirmed:
        with session_scope() as session:
            found = find_subject(session=session, lookup=lookup, value=value)
        print(f"Would erase {_counted(found)}. Nothing was changed: add --yes to erase.")
        return 1
    done = erasure.erase(lookup=lookup, value=value, actor=_actor())
    print(done.summary)
    if not done.log_emptied:
        print(erasure.LOG_IN_USE, file=sys.stderr)
    return 0


def _actor() -> Actor:
    """The audit log's name for whoever runs the command."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        user = str(os.getuid())
    return Actor(name=f"command line ({user})")


def _counted(found: Found) -> str:
    counts = ", ".join(f"{table} {n}" for table, n in found.counts().items() if n)
    return f"{found.total} rows about {describe(found.lookup, found.value)} ({counts})"


def retention_command(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.RETENTION_CONVERSATION_DAYS and not settings.RETENTION_EVENT_DAYS:
        print(
            "No retention limit is set (RETENTION_CONVERSATION_DAYS, RETENTION_EVENT_DAYS): "
            "everything is kept."
        )
        return 0
    done = retention.apply(
        engine=get_engine(), settings=settings, actor=_actor(), dry_run=args.dry_run
    )
    if args.dry_run:
        print(f"Would erase: {done.summary()} Nothing was changed.")
    else:
        print(f"Erased: {done.summary()}" if done.anything else done.summary())
    return 0
