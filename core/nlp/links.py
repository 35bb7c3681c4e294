"""Spam and malicious links in a visitor's message, flagged for the inbox (not removed: an agent
may need to see what was sent).

Flags:
- `link:ip`: a link to a bare IP address (http://192.0.2.7/login): real shops use names.
- `link:lookalike`: a punycode (xn--) or mixed-script host, the classic look-alike of a known
  name (pаypal.com with a Cyrillic "а").
- `link:blocklisted`: the host or a parent domain is on the blocklist (a shipped list of known
  malware/phishing test domains and throwaway hosts, plus LINK_BLOCKLIST from the settings).
- `spam`: the shapes of spam: many links, advertising phrases, one word shouted over and over.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

IP_LINK = "link:ip"
LOOKALIKE_LINK = "link:lookalike"
BLOCKLISTED_LINK = "link:blocklisted"
SPAM = "spam"

# Hosts that serve nothing a customer needs to send a shop: test pages of the safe-browsing
# and anti-malware projects, and free hosts that phishing kits favour.
BLOCKLIST = frozenset(
    {
        "testsafebrowsing.appspot.com",
        "malware.testing.google.test",
        "wicar.org",
        "eicar.org",
        "000webhostapp.com",
        "ngrok-free.app",
        "duckdns.org",
        "grabify.link",
        "iplogger.org",
    }
)
SPAM_PHRASES = re.compile(
    r"\b(?:buy now|click here|limited offer|act now|free money|earn \$?\d+|make money fast|"
    r"work from home|casino|viagra|cialis|crypto (?:giveaway|investment)|bitcoin doubler|"
    r"seo services?|backlinks?|guest posts?|increase your traffic|"
    r"you (?:have )?won|claim your (?:prize|reward))\b",
    re.IGNORECASE,
)
MANY_LINKS = 3
_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"  # with a scheme or www.
    # a bare host name (at most 10 labels, starting where a word starts: linear, not quadratic)
    r"|(?<![\w.-])(?:[\w-]+\.){1,10}(?:com|net|org|io|co|info|biz|xyz|top|ru|cn|app|link|ly|me)\b"
    r"[^\s<>\"']*"
    r"|(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?/[^\s<>\"']*",  # a bare IPv4 with a path
    re.IGNORECASE,
)
_HOST = re.compile(r"^(?:[a-z]+://)?(?:[^@/\s]*@)?(\[[^\]]+\]|[^/:?#\s]+)", re.IGNORECASE)


def _hosts(text: str) -> list[str]:
    hosts = []
    for url in _URL.findall(text):
        match = _HOST.match(url.rstrip(".,;:!?)"))
        if match:
            hosts.append(match.group(1).strip("[]").rstrip(".").lower())
    return hosts


def _is_ip(host: str) -> bool:
    """Also the forms browsers accept for IPv4: 3232235777, 0x7f000001, 127.1, 0177.0.0.1."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    parts = host.split(".")
    return 1 <= len(parts) <= 4 and all(
        re.fullmatch(r"0x[0-9a-f]+|\d+", part, re.IGNORECASE) for part in parts
    )


def _scripts(label: str) -> set[str]:
    """The scripts of a label's letters, by the first word of their Unicode names."""
    return {unicodedata.name(c, "?").split()[0] for c in label if c.isalpha()}


def _lookalike(host: str) -> bool:
    labels = host.split(".")
    if any(label.startswith("xn--") for label in labels):
        return True
    return any(len(_scripts(label)) > 1 for label in labels)


def _blocklisted(host: str, blocklist: frozenset[str]) -> bool:
    parts = host.split(".")
    return any(".".join(parts[i:]) in blocklist for i in range(len(parts) - 1))


def _shouting(text: str) -> bool:
    words = re.findall(r"[^\W\d_]{3,}", text.lower())
    return len(words) >= 6 and Counter(words).most_common(1)[0][1] >= max(6, len(words) // 2)


def link_flags(text: str, extra_blocklist: Iterable[str] = ()) -> tuple[str, ...]:
    """The flags for one message, in a fixed order; () for an ordinary message."""
    hosts = _hosts(text)
    blocklist = BLOCKLIST | {h.strip().lower() for h in extra_blocklist if h.strip()}
    flags = []
    if any(_is_ip(h) for h in hosts):
        flags.append(IP_LINK)
    if any(_lookalike(h) for h in hosts if not _is_ip(h)):
        flags.append(LOOKALIKE_LINK)
    if any(_blocklisted(h, blocklist) for h in hosts):
        flags.append(BLOCKLISTED_LINK)
    if len(hosts) >= MANY_LINKS or SPAM_PHRASES.search(text) or _shouting(text):
        flags.append(SPAM)
    return tuple(flags)
