"""Phone, identity card and bank card numbers in free text, found however
they are written and masked where they stand (docs/security.md, "Masking").
``queries.personal.mask_text`` calls ``mask_numbers``.

How a number is found:

1. Clusters. A run of digits joined by at most three separators in a row is
   one cluster. A digit is any Unicode decimal digit (ASCII, full-width
   １２３, other scripts) or a character NFKC folds to one digit (¹ ₁ ①).
   Separators are whitespace (the ideographic space too), - . · — – / _ ( ),
   their full-width forms and the invisible ones (zero-width space, soft
   hyphen …). Letters are not part of a cluster and do not shield it:
   wx13700001111, tel13812345678, ID330102199001011234 are found like bare
   numbers. An X right after the last digit may be an identity number's
   check character.
2. Groups and spans. A cluster is cut into digit groups at its separators.
   A number is a span of whole groups whose digits, folded to ASCII, are one
   of the kinds below (``_kind``); the longest span from the leftmost group
   is taken first, and the search goes on after it. A number never starts or
   ends inside a group, so a petition number (SQ202611160039), a region code
   (990181001000) or a long reference number is not cut into a phone.
3. Masking. The digits of a number are replaced by "*" where they stand
   (the text around them, separators and letters, is kept as written),
   except a country prefix, the first 3 and the last 4 digits (an identity
   number's X is one of its last 4); a bank card keeps its last 4 only.
   Masked text is searched again until nothing changes, so masking twice is
   masking once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from itertools import pairwise

MASK_CHAR = "*"
# Characters NFKC folds to a single ASCII digit that are not decimal digits
# (superscripts, subscripts, circled 0-9); every other digit is matched by \d.
_FOLDED_DIGITS = "¹²³⁰⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉⓪①②③④⑤⑥⑦⑧⑨"
_DIGIT = rf"[\d{_FOLDED_DIGITS}]"
_SEPARATOR = (
    r"[\s\-.·/_()\u00ad\u2010-\u2015\u2022\u2027\u2212\u2219\u30fb\ufe58\ufe63"
    r"\uff08\uff09\uff0d\uff0e\uff0f\uff3f\uff65\u200b-\u200f\u2060-\u2064\ufeff]"
)
_MAX_SEPARATORS = 3
_CHECK_X = "XxＸｘ"
# The shortest number masked has 10 digits (a landline), the longest 19 (a card).
_MIN_DIGITS, _MAX_DIGITS = 10, 19
_CLUSTER = re.compile(
    rf"{_DIGIT}(?:{_SEPARATOR}{{0,{_MAX_SEPARATORS}}}{_DIGIT}){{{_MIN_DIGITS - 1},}}[{_CHECK_X}]?"
)
_DIGIT_RUN = re.compile(rf"{_DIGIT}+")
_DOTS = frozenset(".．")

# Mainland mobile: 1[3-9] and 9 digits, maybe after +86 / 0086 / 86.
_MOBILE = re.compile(r"(?P<prefix>0086|86)?1[3-9]\d{9}")
# Landline: 0, an area code (10, 2x: 3 digits with the 0; others 4), a local
# number of 7-8 digits not starting with 0 or 1; or the international form
# (+86 without the 0).
_LANDLINE = re.compile(r"(?:(?P<prefix>0086|86)|0)(?:10|2\d|[3-9]\d\d)(?P<local>[2-9]\d{6,7})")
# Where an identity number's fields end (region | birth year, month, day |
# sequence | check): a grouped number may be cut there only.
_ID18_FIELDS = frozenset({6, 10, 12, 14, 17})
_ID15_FIELDS = frozenset({6, 8, 10, 12})
_ID18_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID18_CHECK = "10X98765432"
_CARD_FIRST_DIGITS = "34569"
# What any of the kinds above may look like, to pass over most spans cheaply.
_ANY_KIND = re.compile(
    r"[1-9]\d{14}|[1-9]\d{16,17}|[34569]\d{15,18}|(?:0086|86)?1[3-9]\d{9}|(?:0|86|0086)\d{9,11}"
)
_DIGEST_LENGTHS = (32, 40, 64)


@lru_cache(maxsize=4096)
def _folded(char: str) -> str:
    """The ASCII digit ``char`` stands for, or "" when it is not a digit."""
    value = unicodedata.decimal(char, None)
    if value is not None:
        return str(value)
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 and "0" <= folded <= "9" else ""


def _is_date(year: str, month: str, day: str) -> bool:
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        return False
    return 1900 <= born.year <= 2099


def _cut_at_fields(cuts: list[int], fields: frozenset[int]) -> bool:
    """Whether a grouped identity number is cut where its fields end (and at
    least after its region), as people write one (330102 19900101 1234)."""
    return 6 in cuts and fields.issuperset(cuts)


def _id18_check_ok(number: str) -> bool:
    """ISO 7064 MOD 11-2, the check character of GB 11643."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID18_WEIGHTS, strict=True))
    return _ID18_CHECK[total % 11] == number[17].upper()


def _is_id18(number: str, cuts: list[int]) -> bool:
    """17 digits and a check digit or X: a region (not starting with 0), a
    birth date 1900-2099; written in one piece, or cut where its fields end,
    or with a valid check character."""
    if number[0] == "0" or not _is_date(number[6:10], number[10:12], number[12:14]):
        return False
    return not cuts or _cut_at_fields(cuts, _ID18_FIELDS) or _id18_check_ok(number)


def _is_id15(number: str, cuts: list[int]) -> bool:
    """The old 15-digit number: region, birth date 19YYMMDD, sequence;
    written in one piece or cut where its fields end."""
    if number[0] == "0" or not _is_date("19" + number[6:8], number[8:10], number[10:12]):
        return False
    return not cuts or _cut_at_fields(cuts, _ID15_FIELDS)


def _luhn_ok(number: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _is_card(number: str, cuts: list[int]) -> bool:
    """16-19 digits starting like a card scheme's (UnionPay 62…, Visa 4…,
    Mastercard 5…, JCB/Amex 3…, domestic 9…), in one piece or in groups of
    4 as cards are printed (6222 0212 3456 7890 123), passing the Luhn
    check; a UnionPay number in groups of 4 need not (not every domestic
    card does)."""
    if number[0] not in _CARD_FIRST_DIGITS:
        return False
    if cuts and cuts != list(range(4, len(number), 4)):
        return False
    return _luhn_ok(number) or (bool(cuts) and number.startswith("62"))


def _dots_consistent(cuts: list[int], separators: list[str], prefix: int) -> bool:
    """A phone written with dots uses nothing but single dots between its
    groups (138.1234.5678); a dot among other separators is a decimal point
    (15.2 36.8 41.1 …), not a phone's. The separator after a country
    prefix does not count."""
    inner = [s for c, s in zip(cuts, separators, strict=True) if c != prefix] if prefix else separators
    joined = "".join(inner)
    if "." not in joined and "．" not in joined:
        return True
    return all(s in _DOTS for s in inner)


def _kind(digits: str, cuts: list[int], separators: list[str], check_x: bool) -> tuple[int, int, bool] | None:
    """Whether a span of groups is a number to mask: None if not, else how
    many of its leading and trailing characters stay visible and whether
    the X after it (``check_x``: one follows the span) is its check
    character. ``digits``: the span's digits; ``cuts``: where its groups
    start (after the first); ``separators``: what stands before each."""
    n = len(digits)
    if n == 17 and check_x and _is_id18(digits + "X", cuts):
        return 3, 4, True
    if n == 18 and _is_id18(digits, cuts):
        return 3, 4, False
    if n == 15 and _is_id15(digits, cuts):
        return 3, 4, False
    if n >= 16 and _is_card(digits, cuts):
        return 0, 4, False
    for pattern in (_MOBILE, _LANDLINE):
        found = pattern.fullmatch(digits)
        if found is None:
            continue
        prefix = len(found["prefix"] or "")
        local = found.groupdict().get("local") or ""
        if len(local) == 8 and _is_date(local[:4], local[4:6], local[6:]):
            return None  # 0571 20261116: an area code and a date, not a phone
        if _dots_consistent(cuts, separators, prefix):
            return prefix + 3, 4, False
    return None


def _in_hash(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside a hex digest (32, 40 or 64 hex
    characters: MD5, SHA-1, SHA-256) with hex letters on both sides."""
    if not (start and end < len(text)) or not (_is_hex_letter(text[start - 1]) and _is_hex_letter(text[end])):
        return False
    left, right = start, end
    while left and start - left <= 64 and _is_hex(text[left - 1]):
        left -= 1
    while right < len(text) and right - end <= 64 and _is_hex(text[right]):
        right += 1
    return right - left in _DIGEST_LENGTHS


def _is_hex(char: str) -> bool:
    return char in "0123456789abcdefABCDEF"


def _is_hex_letter(char: str) -> bool:
    return char in "abcdefABCDEF"


def _hidden_in(cluster: str, offset: int) -> list[int]:
    """Where (from ``offset``) the characters to star in one cluster are:
    its groups are searched for numbers, the longest span of whole groups
    from the leftmost group first."""
    spans: list[tuple[int, int]] = []
    groups: list[str] = []
    bounds = [0]
    for run in _DIGIT_RUN.finditer(cluster):
        group = run.group()
        spans.append(run.span())
        groups.append(group if group.isascii() else "".join(map(_folded, group)))
        bounds.append(bounds[-1] + len(group))
    separators = [cluster[a[1] : b[0]] for a, b in pairwise(spans)]
    digits = "".join(groups)
    check_x = spans[-1][1] == len(cluster) - 1  # the cluster ends with an X
    hidden: list[int] = []
    first, count = 0, len(groups)
    while first < count:
        # Every group holds a digit: a span of more groups than _MAX_DIGITS is too long.
        for last in range(min(count, first + _MAX_DIGITS) - 1, first - 1, -1):
            start, end = bounds[first], bounds[last + 1]
            if end - start < _MIN_DIGITS:
                break
            if end - start > _MAX_DIGITS or not _ANY_KIND.fullmatch(digits, start, end):
                continue
            with_x = check_x and last == count - 1
            cuts = [b - start for b in bounds[first + 1 : last + 1]]
            kind = _kind(digits[start:end], cuts, separators[first:last], with_x)
            if kind is None:
                continue
            keep_first, keep_last, uses_x = kind
            slots = [offset + i for a, b in spans[first : last + 1] for i in range(a, b)]
            if uses_x:
                slots.append(offset + len(cluster) - 1)
            hidden += slots[keep_first : len(slots) - keep_last]
            first = last
            break
        first += 1
    return hidden


def mask_numbers(text: str) -> str:
    """``text`` with every phone, identity and bank card number in it masked
    in place (see the module's docstring); the same text when it has none.

    Masking stars digits, which may leave a cluster's other digits to form a
    number of their own: the clusters that changed are searched again until
    none does (the rest of the text cannot change), so masking is idempotent.
    """
    areas = [(0, len(text))]
    while areas:
        chars: list[str] | None = None
        changed = []
        for low, high in areas:
            found = _CLUSTER.search(text, low, high)
            while found is not None:
                start, end = found.span()
                hidden = [] if _in_hash(text, start, end) else _hidden_in(found.group(), start)
                if hidden:
                    if chars is None:
                        chars = list(text)
                    for position in hidden:
                        chars[position] = MASK_CHAR
                    changed.append((start, end))
                found = _CLUSTER.search(text, end, high)
        if chars is None:
            return text
        text, areas = "".join(chars), changed
    return text
