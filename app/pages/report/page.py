"""The weekly report (owners only): the e-mail the owners get every week, as it will look, and
Send now."""

from __future__ import annotations

import reflex as rx

from app.components import notice
from app.pages.report.state import ReportState
from app.registry import admin_page
from core.models.users import UserRole


@admin_page(
    route="/report",
    title="Weekly report",
    nav_group="Administration",
    icon="mail",
    role=UserRole.OWNER,
    order=5,
    on_load=ReportState.load,
)
def report_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Last week against the week before, the most asked questions and the weakest "
            "answers, e-mailed to the owners.",
            color_scheme="gray",
            size="2",
        ),
        rx.cond(
            ReportState.loaded,
            rx.vstack(
                rx.text(rx.el.strong("To: "), ReportState.recipients),
                rx.text(rx.el.strong("When: "), ReportState.schedule),
                rx.text(rx.el.strong("Subject: "), ReportState.subject),
                rx.cond(
                    ReportState.can_send,
                    rx.button("Send now", on_click=ReportState.send_now),
                    rx.text(ReportState.why_not, color_scheme="gray"),
                ),
                notice(ReportState.notice),
                rx.el.iframe(
                    src_doc=ReportState.preview,
                    title="The weekly report as the e-mail shows it",
                    width="100%",
                    height="1100px",
                    border="1px solid var(--gray-a6)",
                    border_radius="var(--radius-3)",
                ),
                width="100%",
                spacing="3",
            ),
            rx.hstack(
                rx.spinner(),
                rx.text("Drawing last week's report…", color_scheme="gray"),
                role="status",
            ),
        ),
        width="100%",
        spacing="4",
    )
