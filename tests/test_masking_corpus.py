"""Phone, identity and bank card numbers in free text, however they are
written: a corpus of layouts that must come out unreadable, and of
look-alikes (amounts, dates, codes) that must stay exactly as written
(queries.personal.mask_text; docs/security.md, "Masking").

Issue 16, finding 1: the first nine layouts and the full-width identity
number passed the masking unchanged.
"""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from queries.personal import mask_id_number, mask_text

# Layouts that passed the masking before issue 16: (as written, as masked,
# the number's own digits: no prefix; an X kept).
ATTACKER = [  # the attacker's layouts, verbatim, and the full-width identity number
    ("wx13700001111", "wx137****1111", "13700001111"),
    ("VX13812345678", "VX138****5678", "13812345678"),
    ("tel13812345678", "tel138****5678", "13812345678"),
    ("138.1234.5678", "138.****.5678", "13812345678"),
    ("138-123-45678", "138-***-*5678", "13812345678"),
    ("１３７００００１１１１", "１３７****１１１１", "13700001111"),
    ("0571 8765 4321", "057* **** 4321", "057187654321"),
    ("ID330102199001011234", "ID330***********1234", "330102199001011234"),
    ("330102 19900101 1234", "330*** ******** 1234", "330102199001011234"),
    ("３３０１０２１９９００１０１１２３４", "３３０***********１２３４", "330102199001011234"),
]
LEAKS = [
    *ATTACKER,
    # Mobiles: letters glued on, separators, groupings, prefixes, other digits.
    ("QQ13812345678", "QQ138****5678", "13812345678"),
    ("13812345678abc", "138****5678abc", "13812345678"),
    ("138\u30001234\u30005678", "138\u3000****\u30005678", "13812345678"),
    ("138－1234－5678", "138－****－5678", "13812345678"),
    ("138—1234—5678", "138—****—5678", "13812345678"),
    ("138·1234·5678", "138·****·5678", "13812345678"),
    ("138/1234/5678", "138/****/5678", "13812345678"),
    ("138_1234_5678", "138_****_5678", "13812345678"),
    ("138 - 1234 - 5678", "138 - **** - 5678", "13812345678"),
    ("138\u200b1234\u200b5678", "138\u200b****\u200b5678", "13812345678"),
    ("1381 2345 678", "138* ***5 678", "13812345678"),
    ("13 81 23 45 67 8", "13 8* ** *5 67 8", "13812345678"),
    ("1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8", "13812345678"),
    ("TEL：＋８６ １３８ １２３４ ５６７８", "TEL：＋８６ １３８ **** ５６７８", "13812345678"),
    ("１３８－１２３４－５６７８", "１３８－****－５６７８", "13812345678"),
    ("手机：１８６ ０５７１ ２３４５", "手机：１８６ **** ２３４５", "18605712345"),
    ("电话①③⑧①②③④⑤⑥⑦⑧", "电话①③⑧****⑤⑥⑦⑧", "13812345678"),
    ("١٣٨١٢٣٤٥٦٧٨", "١٣٨****٥٦٧٨", "13812345678"),
    ("Tel:13812345678;VX13987654321", "Tel:138****5678;VX139****4321", "13987654321"),
    # Landlines: area code, parentheses, extension, international form.
    ("（0571）8765-4321", "（057*）****-4321", "057187654321"),
    ("0571-8765-4321", "057*-****-4321", "057187654321"),
    ("(0571) 8765 4321", "(057*) **** 4321", "057187654321"),
    ("0571－87654321", "057*－****4321", "057187654321"),
    ("0571.8765.4321", "057*.****.4321", "057187654321"),
    ("０５７１－８７６５４３２１", "０５７*－****４３２１", "057187654321"),
    ("021 8765 4321", "021 **** 4321", "02187654321"),
    ("+86 571 8765 4321", "+86 571 **** 4321", "57187654321"),
    # Identity numbers: check character X, grouped at its fields or in 4s, the old 15 digits.
    (
        "身份证号：３３０１０２１９９００１０１１２３Ｘ",
        "身份证号：３３０***********１２３Ｘ",
        "33010219900101123X",
    ),
    ("330102-1990-0101-1235", "330***-****-****-1235", "330102199001011235"),
    ("ID: 330102 19900101 1235", "ID: 330*** ******** 1235", "330102199001011235"),
    ("3301 0219 8503 1500 29", "330* **** **** **00 29", "330102198503150029"),
    ("330102 900101 123", "330*** *****1 123", "330102900101123"),
]

# Layouts masked before issue 16 (kept masked; checked together in one text).
MASKED_BEFORE = [
    ("微信 WX 13700001111 同号", "微信 WX 137****1111 同号", "13700001111"),
    ("No.13812345678", "No.138****5678", "13812345678"),
    ("请回电13812345678谢谢", "请回电138****5678谢谢", "13812345678"),
    ("138 1234 5678", "138 **** 5678", "13812345678"),
    ("+86 138 1234 5678", "+86 138 **** 5678", "13812345678"),
    ("+8613812345678", "+86138****5678", "13812345678"),
    ("0086-138-1234-5678", "0086-138-****-5678", "13812345678"),
    ("(+86)13812345678", "(+86)138****5678", "13812345678"),
    ("138 1234 5678 139 8765 4321", "138 **** 5678 139 **** 4321", "13812345678"),
    # A yuan sign does not make a mobile's shape an amount (138亿 is no village's).
    ("¥13800000000", "¥138****0000", "13800000000"),
    ("(0571)87654321", "(057*)****4321", "057187654321"),
    ("座机057187654321", "座机057*****4321", "057187654321"),
    ("0571-87654321转8001", "057*-****4321转8001", "057187654321"),
    ("010-87654321", "010-****4321", "01087654321"),
    ("33010219900101123X", "330***********123X", "33010219900101123X"),
    ("旧证330102900101123", "旧证330********1123", "330102900101123"),
]

# Bank cards: grouped in 4s or in one piece (Luhn), full-width; only the last 4 kept.
CARDS = [
    ("6222 0212 3456 7890 123", "**** **** **** ***0 123", "6222021234567890123"),
    ("卡号6222021234567890128", "卡号***************0128", "6222021234567890128"),
    ("4111 1111 1111 1111", "**** **** **** 1111", "4111111111111111"),
    (
        "６２２２　０２１２　３４５６　７８９０　１２８",
        "****　****　****　***０　１２８",
        "6222021234567890128",
    ),
    ("6214830123456781", "************6781", "6214830123456781"),
]

# Written as they are: none of these is masked.
LOOK_ALIKES = [
    "12,345,678.90元",
    "1380000元",
    "¥12,345.00",
    "面积 1,380,000 平方米",
    "3000 4000 5000 6000 元",
    "2026-11-21",
    "2026年11月21日",
    "20261121",
    "2026-11-21 09:30",
    "2026-11-21 13:45:20",
    "2026/11/21 09:30-17:30",
    "20261116 09:30-11:45",
    "2026-11-21 09:30 2026-11-22 10:00",
    "2026年第46周（11月9日—11月15日）",
    "2015-2025",
    "1731744000",
    "SQ202611160039",
    "WX2026111600391",
    "LW00000045",
    "SF1234567890123",
    "LAB-04",
    "FUN-04:payment:ZC00010970",
    "990181001000",
    "990181001000 990181001001",
    "990181001001-003",  # a village's code and a group's number, not an old identity number
    "330102001001 123",
    "合同编号 HT-2026-0571-0001",
    "CG-0571-20261116-003",  # an area code and a date, not a landline
    "统一社会信用代码 91330100704215281X",
    "增长 13.5%",
    "3.5亩",
    "15.2 36.8 41.1 22.5 亩",  # decimals, not 152 3684 1122
    "第 3 组 12 户 45 人",
    "邮编 310000，分机 8001",
    "v2.13.5",
    "commit 9aeb2ae",
    "9aeb2ae13812345678c4f1d3e7b9a2c6d8e0fabc",  # a SHA-1 digest
    "550e8400-e29b-41d4-a716-446655440000",
]
TAIL = "，联系人微信 wx13700001111"
TAIL_MASKED = "，联系人微信 wx137****1111"

_NOT_KEPT = re.compile(r"[^0-9Xx*]")


def compact(text: str) -> str:
    """``text`` folded (NFKC) with only its digits, X and "*" left."""
    folded = "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
        for c in unicodedata.normalize("NFKC", text)
    )
    return _NOT_KEPT.sub("", folded).upper()


def _check_masked(written: str, masked: str, number: str, kept: str) -> None:
    """``written`` masks to ``masked``, in which no 7 digits in a row of
    ``number`` are left (separators and letters aside, digits folded) and
    the digits shown are ``kept``; masking it again changes nothing."""
    shown = mask_text(written)
    assert shown == masked
    digits = compact(shown)
    assert not any(number[i : i + 7] in digits for i in range(len(number) - 6))
    assert kept in digits
    assert mask_text(shown) == shown


@pytest.mark.parametrize(("written", "masked", "number"), LEAKS, ids=[row[0] for row in LEAKS])
def test_a_phone_or_id_number_keeps_its_first_three_and_last_four_however_written(written, masked, number):
    _check_masked(written, masked, number, number[:3] + "*" * (len(number) - 7) + number[-4:])


@pytest.mark.parametrize(("written", "masked", "number"), CARDS, ids=[row[0] for row in CARDS])
def test_a_bank_card_number_keeps_its_last_four_however_written(written, masked, number):
    _check_masked(written, masked, number, "*" * (len(number) - 4) + number[-4:])


@pytest.mark.parametrize("written", LOOK_ALIKES)
def test_a_look_alike_stays_as_written_next_to_a_masked_number(written):
    assert mask_text(written) == written
    assert mask_text(written + TAIL) == written + TAIL_MASKED
    assert mask_text(f"{written} 13812345678") == f"{written} 138****5678"


def test_a_text_with_every_layout_at_once_is_masked_layout_by_layout():
    rows = LEAKS + CARDS + MASKED_BEFORE
    assert len(LEAKS) + len(CARDS) >= 40 and len(LOOK_ALIKES) >= 20
    assert len({row[0] for row in rows}) == len(rows)
    written = "；".join([row[0] for row in rows] + LOOK_ALIKES)
    masked = "；".join([row[1] for row in rows] + LOOK_ALIKES)
    assert mask_text(written) == masked
    assert mask_text(masked) == masked


def test_an_identity_number_column_in_full_width_keeps_its_first_three_and_last_four():
    assert mask_id_number("３３０１０２１９９００１０１１２３Ｘ") == "３３０***********１２３Ｘ"
    assert mask_id_number("33010219900101123ｘ") == "330***********123ｘ"


def _layout(rng: random.Random, number: str) -> str:
    """``number`` written as people (or an attacker) might: split into
    groups, joined by separators, maybe in full-width digits, with letters
    or a country prefix in front."""
    cuts = sorted(rng.sample(range(1, len(number)), rng.randint(0, 4)))
    groups = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    separator = rng.choice([" ", "-", ".", "·", "—", "/", "_", "　", "－", " - ", "\u200b"])
    text = separator.join(groups)
    if rng.random() < 0.3:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return rng.choice(["", "wx", "VX", "tel", "Tel:", "电话", "QQ", "No.", "+86 ", "0086-"]) + text


def test_seeded_random_layouts_of_mobiles_are_all_masked():
    rng = random.Random(16)
    for _ in range(500):
        number = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        written = f"请回电{_layout(rng, number)}。"
        shown = mask_text(written)
        assert number[:3] + "****" + number[-4:] in compact(shown), written
        assert mask_text(shown) == shown
