"""Proactive triggers: when the widget opens itself with a message (see docs/api.md, /api/config).

A trigger is `{"name", "kind", "message", "url_pattern"?, "seconds"?}`:

- `name`: a slug (`pricing-help`), unique among the business's triggers; the widget remembers by
  it which triggers a visitor has already seen.
- `kind`: `time_on_page` (after `seconds` on a matching page), `exit_intent` (the pointer leaves
  towards the browser's tabs), `scroll_bottom` (the visitor reaches the end of the page) or
  `manual` (the host page fires it: `SupportChat.trigger(name)`).
- `message`: what the widget shows, 1 to 300 characters.
- `url_pattern`: optional glob on the page's path (`/pricing*`); no pattern means every page.
- `seconds`: 1 to 3600, required for `time_on_page` and refused for the other kinds.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

KINDS = ("time_on_page", "exit_intent", "scroll_bottom", "manual")
MAX_TRIGGERS = 20
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TriggerError(ValueError):
    """Triggers that cannot be saved, with every problem named."""


class Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    kind: Literal["time_on_page", "exit_intent", "scroll_bottom", "manual"]
    message: str = Field(min_length=1, max_length=300)
    url_pattern: str | None = Field(default=None, max_length=200)
    seconds: int | None = Field(default=None, ge=1, le=3600)

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("use lowercase letters, digits and dashes, like pricing-help")
        return value

    @field_validator("message")
    @classmethod
    def _text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    @field_validator("url_pattern")
    @classmethod
    def _path_glob(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if not value.startswith("/"):
            raise ValueError("must be a page path starting with /, like /pricing*")
        return value

    def model_post_init(self, __context: Any) -> None:
        if self.kind == "time_on_page" and self.seconds is None:
            raise ValueError("a time_on_page trigger needs seconds (1 to 3600)")
        if self.kind != "time_on_page" and self.seconds is not None:
            raise ValueError(f"seconds only applies to time_on_page, not {self.kind}")


_TRIGGERS: TypeAdapter[list[Trigger]] = TypeAdapter(list[Trigger])


def validate_triggers(raw: Any) -> list[dict[str, Any]]:
    """Checked triggers as plain JSON, ready to store; `TriggerError` names every problem
    (by position and, where it has one, the trigger's name)."""
    try:
        triggers = _TRIGGERS.validate_python(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
            where = f"trigger {int(loc[0]) + 1}" if loc and loc[0].isdigit() else ""
            name = _name_at(raw, loc[0]) if loc and loc[0].isdigit() else None
            if name:
                where += f" ({name})"
            field = ".".join(loc[1:])
            message = str(error["msg"]).removeprefix("Value error, ")
            prefix = ", ".join(p for p in (where, field) if p)
            problems.append(f"{prefix}: {message}" if prefix else message)
        raise TriggerError("; ".join(problems)) from None
    if len(triggers) > MAX_TRIGGERS:
        raise TriggerError(f"at most {MAX_TRIGGERS} triggers")
    seen: set[str] = set()
    for trigger in triggers:
        if trigger.name in seen:
            raise TriggerError(f"two triggers are named {trigger.name!r}; names must be unique")
        seen.add(trigger.name)
    return [t.model_dump(exclude_none=True) for t in triggers]


def _name_at(raw: Any, index: str) -> str | None:
    try:
        name = raw[int(index)].get("name")
    except (AttributeError, IndexError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) and name else None
