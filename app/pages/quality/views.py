"""Pieces the analytics pages share: a titled section with its CSV button, and a table with a
caption (read by screen readers) that says so when it is empty."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx


def section(title: str, *children: rx.Component, csv: rx.Component | None = None) -> rx.Component:
    heading = rx.hstack(
        rx.heading(title, as_="h2", size="4"),
        *([csv] if csv is not None else []),
        justify="between",
        align="center",
        width="100%",
    )
    return rx.el.section(heading, *children, aria_label=title, width="100%", padding_bottom="1.5em")


def data_table(
    caption: str,
    headers: tuple[str, ...],
    rows: rx.Var,
    render: Callable[[rx.Var], rx.Component],
    empty: str,
) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.table.root(
            rx.el.caption(caption, class_name="visually-hidden"),
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, render)),
            width="100%",
        ),
        rx.text(empty, color_scheme="gray"),
    )
