"""Pieces shared by two or more pages; a view used by one page lives beside that page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def labelled(
    label: str,
    control: rx.Component,
    *after: rx.Component,
    html_for: str | rx.Var,
    hint: str = "",
    hint_id: str = "",
    hide_label: bool = False,
    **props: Any,
) -> rx.Component:
    """A form control with its label tied to it by id (`html_for` is the control's id), an
    optional hint under it and anything else `after` it.

    `hide_label` keeps the label for screen readers only, where the control's place says what
    it is (a search box in a toolbar). `props` go to the field's column (default: full width).
    """
    if hide_label:
        return rx.fragment(
            rx.el.label(label, html_for=html_for, class_name="visually-hidden"), control
        )
    parts = [rx.el.label(label, html_for=html_for, font_weight="500"), control]
    if hint:
        parts.append(
            rx.text(hint, size="1", color_scheme="gray", **({"id": hint_id} if hint_id else {}))
        )
    return rx.vstack(*parts, *after, **({"spacing": "1", "width": "100%"} | props))


def figure_card(
    label: str | rx.Var, value: rx.Var | str, hint: str | rx.Var, **props: Any
) -> rx.Component:
    """One figure of a dashboard: its label, the value (large; `props` go to it, such as the
    data attribute tests and benchmarks find it by) and what it means."""
    return rx.card(
        rx.text(label, size="2", color_scheme="gray", as_="p"),
        rx.text(value, size="6", weight="bold", as_="p", **props),
        rx.text(hint, size="1", color_scheme="gray", as_="p"),
    )


def figure_grid(*cards: rx.Component, per_row: int = 3) -> rx.Component:
    """Figure cards in a grid: one a row on a phone, two on a small screen, `per_row` wider."""
    return rx.grid(
        *cards,
        columns=rx.breakpoints(initial="1", sm="2", lg=str(per_row)),
        spacing="3",
        width="100%",
    )


def section(title: str, *children: rx.Component, csv: rx.Component | None = None) -> rx.Component:
    """A titled region of a page, with its CSV button (if any) at the heading's end."""
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
    """A table with a caption for screen readers, one row per item of `rows` drawn by
    `render`, or the `empty` text when there is none."""
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
