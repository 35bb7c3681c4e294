"""What the entity finders share: the types, the result, the context of one extraction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PERSON, ORG, LOCATION, PRODUCT = "PERSON", "ORG", "LOCATION", "PRODUCT"
DATE, TIME, EMAIL, PHONE, MONEY, ORDER_ID = "DATE", "TIME", "EMAIL", "PHONE", "MONEY", "ORDER_ID"
TYPES = (PERSON, ORG, LOCATION, PRODUCT, DATE, TIME, EMAIL, PHONE, MONEY, ORDER_ID)


@dataclass(frozen=True)
class Entity:
    type: str
    text: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Context:
    now: datetime  # naive, local to the business
    region: str  # ISO country for phone numbers written without a country code
    currency: str  # what "$" and "dollars" mean
    products: tuple[str, ...]
