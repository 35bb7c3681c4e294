"""Pieces shared by two or more pages; a view used by one page lives beside that page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def choice_field(
    label: str, id_: str, options: Sequence[rx.Component], value: rx.Var, on_change: Any
) -> rx.Component:
    """A labelled drop-down of a toolbar (`options` are its `rx.el.option`s or a foreach)."""
    return labelled(
        label,
        rx.el.select(*options, id=id_, value=value, on_change=on_change),
        html_for=id_,
        width="auto",
    )


def toolbar(*controls: rx.Component, **props: Any) -> rx.Component:
    """A row of filters under a page's date range, wrapping on a narrow screen."""
    return rx.hstack(*controls, **({"align": "end", "wrap": "wrap", "spacing": "3"} | props))


def alert(message: rx.Var) -> rx.Component:
    """What to correct, read out at once, when `message` is not empty."""
    return rx.cond(message != "", rx.callout(message, color_scheme="red", role="alert"))


def notice(message: rx.Var) -> rx.Component:
    """A status line (read out politely), when `message` is not empty."""
    return rx.cond(message != "", rx.callout(message, role="status"))


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


def figure_cards(cards: rx.Var, *, per_row: int = 4, label_attr: str = "") -> rx.Component:
    """A grid of the cards a state computes (each with a label, value and help); with
    `label_attr`, each value carries `data-<label_attr>` set to its label."""
    return figure_grid(
        rx.foreach(
            cards,
            lambda card: figure_card(
                card["label"],
                card["value"],
                card["help"],
                **({f"data_{label_attr}": card["label"]} if label_attr else {}),
            ),
        ),
        per_row=per_row,
    )


def figure_section(title: str, *cards: rx.Component, **props: Any) -> rx.Component:
    """A titled region (a landmark named `title`) holding a grid of figure cards."""
    return rx.el.section(
        rx.heading(title, as_="h2", size="4", padding_bottom="0.5em"),
        figure_grid(*cards),
        aria_label=title,
        **props,
    )


def chart_figure(chart: rx.Component, caption: str) -> rx.Component:
    """A chart with its text alternative (`caption`, for screen readers) as a figure."""
    return rx.el.figure(
        chart,
        rx.el.figcaption(caption, class_name="visually-hidden"),
        margin="0",
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


def keyed_table(
    caption: str,
    headers: Sequence[str],
    rows: rx.Var,
    keys: Sequence[str],
    *,
    action: Callable[[rx.Var, rx.Var], rx.Component] | None = None,
    action_header: str = "",
    data_name: str = "",
) -> rx.Component:
    """A table with a visible caption: one row per item of `rows`, its cells the item's `keys`
    (the first one heads the row). With `action`, a last column (`action_header`) holds
    `action(item, index)`; with `data_name`, each row carries `data-<data_name>` = its index."""

    def row(item: rx.Var, index: rx.Var) -> rx.Component:
        cells = [
            rx.table.row_header_cell(item[keys[0]]),
            *[rx.table.cell(item[key]) for key in keys[1:]],
            *([rx.table.cell(action(item, index))] if action is not None else []),
        ]
        return rx.table.row(*cells, **({f"data-{data_name}": index} if data_name else {}))

    return rx.table.root(
        rx.el.caption(caption, text_align="left", font_weight="600", padding_bottom="0.5em"),
        rx.table.header(
            rx.table.row(
                *[rx.table.column_header_cell(h) for h in headers],
                *([rx.table.column_header_cell(action_header)] if action is not None else []),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        width="100%",
    )
