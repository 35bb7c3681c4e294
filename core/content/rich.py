"""Rich reply blocks: what a bot answer can carry besides its text.

A block is a small JSON object with a `type`:

- `image`: `url`, `alt` (required: a screen reader reads it)
- `video`: `url`, `title`, optional `poster`
- `card`: `title`, optional `text`, `image` + `alt`, `price`, `link` (`label`, `url`)
- `carousel`: `label` (its accessible name) and two or more `cards`
- `buttons`: `buttons`, each `label` and `action`: `message` (sends `value` as the visitor),
  `link` (opens `value`), `contact_form`, or `human` (asks for a person)

FAQ entries carry blocks in `media`; a bot answer stores them in `rich`; owners configure
quick-action buttons in the business settings. Every block is checked here before it is saved,
and `plain_text` gives the fallback for channels without rich media (SMS, WhatsApp, e-mail).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator


def _safe_url(value: str) -> str:
    """Only http(s) and site-relative URLs: a `javascript:` link in an FAQ would run on the
    visitor's page."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    # "/\\evil.example" and "//evil.example" are another host to a browser, not a path here.
    if (
        not parts.scheme
        and not parts.netloc
        and value.startswith("/")
        and value[1:2] not in ("/", "\\")
    ):
        return value
    raise ValueError("must be an http(s) URL or a path starting with /")


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(_Block):
    label: str = Field(min_length=1, max_length=80)
    url: str = Field(max_length=2048)

    _url = field_validator("url")(classmethod(lambda cls, v: _safe_url(v)))


class Image(_Block):
    type: Literal["image"] = "image"
    url: str = Field(max_length=2048)
    alt: str = Field(min_length=1, max_length=300)

    _url = field_validator("url")(classmethod(lambda cls, v: _safe_url(v)))


class Video(_Block):
    type: Literal["video"] = "video"
    url: str = Field(max_length=2048)
    title: str = Field(min_length=1, max_length=200)
    poster: str | None = Field(default=None, max_length=2048)

    _urls = field_validator("url", "poster")(
        classmethod(lambda cls, v: None if v is None else _safe_url(v))
    )


class Card(_Block):
    type: Literal["card"] = "card"
    title: str = Field(min_length=1, max_length=120)
    text: str | None = Field(default=None, max_length=500)
    image: str | None = Field(default=None, max_length=2048)
    alt: str | None = Field(default=None, max_length=300)
    price: str | None = Field(default=None, max_length=40)
    link: Link | None = None

    _image = field_validator("image")(
        classmethod(lambda cls, v: None if v is None else _safe_url(v))
    )

    def model_post_init(self, __context: Any) -> None:
        if self.image and not self.alt:
            raise ValueError("a card with an image needs alt text")


class Carousel(_Block):
    type: Literal["carousel"] = "carousel"
    label: str = Field(min_length=1, max_length=120)
    cards: list[Card] = Field(min_length=2, max_length=10)


class Button(_Block):
    label: str = Field(min_length=1, max_length=60)
    action: Literal["message", "link", "contact_form", "human"]
    value: str | None = Field(default=None, max_length=2048)

    def model_post_init(self, __context: Any) -> None:
        if self.action in ("message", "link") and not self.value:
            raise ValueError(f"a {self.action} button needs a value")
        if self.action == "link":
            _safe_url(self.value or "")


class Buttons(_Block):
    type: Literal["buttons"] = "buttons"
    buttons: list[Button] = Field(min_length=1, max_length=8)


Block = Annotated[Image | Video | Card | Carousel | Buttons, Field(discriminator="type")]
_BLOCKS: TypeAdapter[list[Block]] = TypeAdapter(list[Block])
_BUTTONS: TypeAdapter[list[Button]] = TypeAdapter(list[Button])


class RichError(ValueError):
    """Blocks that cannot be shown, with every problem named."""


def _explain(exc: ValidationError) -> RichError:
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
        problems.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return RichError("; ".join(problems))


def validate_blocks(raw: Any) -> list[dict[str, Any]]:
    """Checked blocks as plain JSON, ready to store; `RichError` names every problem."""
    try:
        blocks = _BLOCKS.validate_python(raw)
    except ValidationError as exc:
        raise _explain(exc) from None
    return [b.model_dump(exclude_none=True) for b in blocks]


def validate_buttons(raw: Any) -> list[dict[str, Any]]:
    """Checked quick-action buttons as plain JSON; `RichError` names every problem."""
    try:
        buttons = _BUTTONS.validate_python(raw)
    except ValidationError as exc:
        raise _explain(exc) from None
    return [b.model_dump(exclude_none=True) for b in buttons]


def _card_text(card: dict[str, Any]) -> str:
    parts = [card["title"]]
    parts += [card[k] for k in ("price", "text") if card.get(k)]
    if card.get("link"):
        parts.append(f"{card['link']['label']}: {card['link']['url']}")
    return " - ".join(parts)


def plain_text(text: str, blocks: Sequence[dict[str, Any]]) -> str:
    """The answer for a channel without rich media: the text, then each block as lines."""
    lines = [text] if text else []
    for block in blocks:
        kind = block.get("type")
        if kind == "image":
            lines.append(f"[Image: {block['alt']}] {block['url']}")
        elif kind == "video":
            lines.append(f"[Video: {block['title']}] {block['url']}")
        elif kind == "card":
            lines.append(_card_text(block))
        elif kind == "carousel":
            lines.append(f"{block['label']}:")
            lines += [f"{i}. {_card_text(c)}" for i, c in enumerate(block["cards"], 1)]
        elif kind == "buttons":
            for button in block["buttons"]:
                target = f": {button['value']}" if button["action"] == "link" else ""
                lines.append(f"- {button['label']}{target}")
    return "\n".join(lines)
