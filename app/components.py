"""Pieces shared by two or more pages; a view used by one page lives beside that page."""

from __future__ import annotations

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
