"""The weekly report page's state: last week's report drawn as the e-mail shows it, where and
when it goes, and the owner's Send now (through the outbox, like the weekly one)."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

import reflex as rx

from app.session_state import AuthState, guarded
from core.crud import business as business_crud
from core.db import get_engine, session_scope
from core.integrations import config, report, report_mail
from core.models.users import UserRole
from core.settings import get_settings


class ReportState(AuthState):
    preview: str = ""  # the e-mail's HTML, its chart as a data: URL
    subject: str = ""
    recipients: str = ""  # REPORT_EMAIL_TO, as people read it
    schedule: str = ""
    can_send: bool = False
    why_not: str = ""  # what to set before it can be sent
    notice: str = ""
    loaded: bool = False

    @rx.event
    @guarded(UserRole.OWNER)
    def load(self) -> None:
        settings = config.current(engine=get_engine(), settings=get_settings())
        with session_scope() as session:
            tz = ZoneInfo(business_crud.get_business(session=session).timezone)
            built = report.build(session=session, last=report.last_complete_day(tz))
        to = ", ".join(settings.REPORT_EMAIL_TO)
        self.preview = report_mail.render_html(
            built, settings=settings, to=to or "the owners", inline=False
        )
        self.subject = built.subject
        self.recipients = to or "nobody yet"
        self.schedule = (
            f"Every {settings.REPORT_DAY.title()} from {settings.REPORT_HOUR:02d}:00 "
            f"({tz.key}), about the seven days before."
        )
        missing = [
            name
            for name, ok in (
                ("REPORT_EMAIL_TO", bool(settings.REPORT_EMAIL_TO)),
                ("SMTP_HOST and MAIL_FROM", settings.email_configured),
            )
            if not ok
        ]
        self.can_send = not missing
        self.why_not = f"To send it, set {' and '.join(missing)}." if missing else ""
        self.notice = ""
        self.loaded = True

    @rx.event
    @guarded(UserRole.OWNER)
    def send_now(self) -> None:
        settings = config.current(engine=get_engine(), settings=get_settings())
        if not (settings.REPORT_EMAIL_TO and settings.email_configured):
            return
        with session_scope() as session:
            tz = ZoneInfo(business_crud.get_business(session=session).timezone)
            built = report.build(session=session, last=report.last_complete_day(tz))
            written = report_mail.enqueue(
                session=session,
                settings=settings,
                report=built,
                key=f"email:report:now:{uuid.uuid4().hex}",
            )
        self.notice = (
            f"Sent to the outbox for {written} address{'es' if written != 1 else ''}: "
            "the jobs runner e-mails it within seconds."
        )
