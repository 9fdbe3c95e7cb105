"""Personal data, masked (脱敏) unless the viewer chose to reveal it.

What is personal here: people's names, identity card numbers (身份证号) and
phone numbers, in their own columns (``NAME_COLUMNS``, ``ID_NUMBER_COLUMNS``,
``PHONE_COLUMNS``) and inside free text (``TEXT_COLUMNS``: a petition's
summary, an event's note, a warning's title made from its rule's
explanation), where bank card numbers are masked too, however the numbers
are written (queries.personal_numbers). The pure functions mask one value;
``mask_record`` and ``mask_frame`` mask a row or a frame by its column
names; ``shown_record`` and ``shown_frame`` apply the policy of a ``Scope``
(docs/security.md, "Masking"):

- masked unless ``scope.unmasked`` (the viewer asked, and it was logged);
- the reporter of a real-name petition (``REPORTER_COLUMNS``) only for a
  viewer who ``may_see_reporter``; for any other viewer those fields are
  None, and the petition's free text stays masked even when unmasked (it
  may name the reporter or give the reporter's number).

The record query functions (queries.petitions, queries.warnings) call these,
so no page can forget to. Masking is idempotent: masked data masked again
does not change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from queries.personal_numbers import mask_numbers
from queries.scope import Scope

MASK = "某"
# Two-character surnames (复姓): 欧阳小明 -> 欧阳某.
COMPOUND_SURNAMES = frozenset(
    (
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
        "司徒", "夏侯", "轩辕", "端木", "南宫", "西门", "独孤", "澹台", "公冶", "宗政", "濮阳", "淳于",
        "单于", "太叔", "申屠", "钟离", "闾丘", "东郭", "百里", "呼延", "万俟", "赫连", "鲜于", "左丘",
        "拓跋", "第五", "梁丘", "司空", "司寇", "子车", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父",
        "谷梁", "公西", "巫马", "微生", "羊舌", "仲孙", "东门", "公羊", "段干", "亓官",
    )
)  # fmt: skip
# A payee, winner or bidder may be a firm or a unit rather than a person: its
# name is not personal data and is shown as it is. Suffixes of one character
# count only on names of four or more (a person's name is rarely longer).
ORGANISATION_SUFFIXES = (
    "公司", "商行", "银行", "中心", "小学", "中学", "学校", "医院", "卫生院", "政府", "委员会", "村委会",
    "居委会", "纪委", "纪工委", "协会", "集团", "超市", "工作室", "事务所", "合作社", "经济社",
)  # fmt: skip
ORGANISATION_SUFFIX_CHARS = "队店厂场社局所站部行馆"

# Which columns (of records, of a warning's evidence ``values``, of the query
# functions' frames) hold what.
NAME_COLUMNS = frozenset(
    {
        "reporter_name", "applicant", "payee", "worker", "recipient", "winner", "bidder", "bidders",
        "household", "cadre", "approver",
    }
)  # fmt: skip
PHONE_COLUMNS = frozenset({"reporter_phone", "phone", "mobile"})
ID_NUMBER_COLUMNS = frozenset({"payee_id_number", "worker_id_number", "bidder_id_number", "id_number"})
TEXT_COLUMNS = frozenset(
    {"summary", "note", "title", "question", "purpose", "matter", "item", "problem", "state", "project"}
)
# Tables whose ``name`` is a person's (a project's ``name`` is not).
PERSON_NAME_TABLES = frozenset({"deaths", "public_servants", "cadres", "cadre_relatives"})
# Who filed a real-name petition: shown only to viewers who may_see_reporter.
REPORTER_COLUMNS = ("reporter_name", "reporter_phone")
REPORTER_HIDDEN = "仅市级领导和监督检查室可查看反映人信息"

_NAME_LIST = re.compile(r"[、,，;；/]")


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def is_organisation(name: str) -> bool:
    """Whether ``name`` reads as a firm's or a unit's (恒通砂石场, 镇中心小学)."""
    name = name.strip()
    if name.endswith(ORGANISATION_SUFFIXES):
        return len(name) > 2
    return len(name) >= 4 and name[-1] in ORGANISATION_SUFFIX_CHARS


def mask_name(name: str | None) -> str | None:
    """林小明 -> 林某, 欧阳小明 -> 欧阳某, 林 -> 某, John Smith -> J***.

    A firm's or unit's name (is_organisation) is returned as it is, as is
    anything that is not text; a list of names (甲、乙) is masked name by name.
    """
    if not isinstance(name, str) or not name.strip():
        return name
    name = name.strip()
    if _NAME_LIST.search(name):
        return "、".join(mask_name(part) for part in _NAME_LIST.split(name) if part.strip())
    if is_organisation(name):
        return name
    if not _is_han(name[0]):
        first = next((c for c in name if c.isalnum()), "")
        return f"{first}***"
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2] + MASK
    return MASK if len(name) == 1 else name[0] + MASK


def _mask_digits(value: str, keep_first: int, keep_last: int, slot: Callable[[str], bool]) -> str:
    """``value`` with every character ``slot`` accepts replaced by "*",
    except the first ``keep_first`` and last ``keep_last`` of them (already
    masked "*" count as slots, so masking twice changes nothing)."""
    positions = [i for i, c in enumerate(value) if slot(c) or c == "*"]
    keep = set(positions[:keep_first]) | set(positions[len(positions) - keep_last :] if keep_last else ())
    hidden = set(positions) - keep
    return "".join("*" if i in hidden else c for i, c in enumerate(value))


def mask_phone(number: str | None) -> str | None:
    """13812341234 -> 138****1234; a landline with its area code keeps its
    first 3 and last 4 digits too (0571-87654321 -> 057*-****4321); a
    shorter number keeps its last 4 (fewer than 7 digits: none)."""
    if not isinstance(number, str) or not number:
        return number
    slots = sum(1 for c in number if c.isdigit() or c == "*")
    if slots >= 10:
        return _mask_digits(number, 3, 4, str.isdigit)
    if slots >= 7:
        return _mask_digits(number, 0, 4, str.isdigit)
    return _mask_digits(number, 0, 0, str.isdigit)


def mask_id_number(number: str | None) -> str | None:
    """330102199001011234 -> 330***********1234 (first 3, last 4; a 15-digit
    number alike); a short one is masked whole."""
    if not isinstance(number, str) or not number:
        return number
    slot = lambda c: c.isdigit() or c in "XxＸｘ"  # noqa: E731
    slots = sum(1 for c in number if slot(c) or c == "*")
    if slots >= 8:
        return _mask_digits(number, 3, 4, slot)
    return _mask_digits(number, 0, 0, slot)


def _names_pattern(names: Iterable[str], text: str) -> re.Pattern | None:
    """A pattern of the ``names`` that occur in ``text`` (None: none does)."""
    found = set()
    for name in names:
        if not isinstance(name, str):
            continue
        for part in _NAME_LIST.split(name):
            part = part.strip()
            shown = part in text and len(part) >= 2 and MASK not in part and "*" not in part
            if shown and not is_organisation(part):
                found.add(part)
    if not found:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(found, key=lambda n: (-len(n), n))))


def mask_text(text: str | None, names: Iterable[str] = ()) -> str | None:
    """Free text with every one of ``names`` (people's names, two characters
    or more) masked, and every phone, identity and bank card number however
    it is written (queries.personal_numbers: full-width digits, separators,
    letters glued on); the rest of the text is kept as written."""
    if not isinstance(text, str) or not text:
        return text
    pattern = _names_pattern(names, text)
    if pattern is not None:
        text = pattern.sub(lambda m: mask_name(m.group(0)), text)
    return mask_numbers(text)


def column_kind(column: str, table: str | None = None) -> str | None:
    """What a column holds: "name", "phone", "id_number", "text" (free text
    that may hold any of them) or None (nothing personal)."""
    if column in NAME_COLUMNS or (column == "name" and table in PERSON_NAME_TABLES):
        return "name"
    if column in PHONE_COLUMNS:
        return "phone"
    if column in ID_NUMBER_COLUMNS:
        return "id_number"
    if column in TEXT_COLUMNS or column == "name":
        return "text"
    return None


def mask_value(kind: str | None, value: object, names: Iterable[str] = ()) -> object:
    """One value of a column of ``kind`` (column_kind), masked."""
    if kind == "name":
        return mask_name(value)
    if kind == "phone":
        return mask_phone(value)
    if kind == "id_number":
        return mask_id_number(value)
    if kind == "text":
        return mask_text(value, names)
    return value


def person_names(row: Mapping, table: str | None = None) -> list[str]:
    """The people a row names in its name columns (firms left out), to mask
    in its free text and in text made from it (a warning's title)."""
    found: dict[str, None] = {}
    for column, value in row.items():
        if column_kind(column, table) == "name" and isinstance(value, str):
            for part in _NAME_LIST.split(value):
                part = part.strip()
                if part and not is_organisation(part):
                    found[part] = None
    return list(found)


def mask_record(row: Mapping, table: str | None = None, names: Iterable[str] = ()) -> dict:
    """A row (a record of ``table``, a warning's evidence ``values``) with its
    personal columns masked; its free text also masks ``names`` and the
    people the row itself names."""
    names = [*names, *person_names(row, table)]
    return {column: mask_value(column_kind(column, table), value, names) for column, value in row.items()}


def mask_frame(
    df: pd.DataFrame, names: Sequence[Iterable[str]] | None = None, table: str | None = None
) -> pd.DataFrame:
    """A copy of ``df`` with its personal columns masked; each row's free
    text also masks ``names[i]`` (when given) and the people the row names."""
    df = df.copy()
    kinds = {column: column_kind(column, table) for column in df.columns}
    own = [column for column, kind in kinds.items() if kind == "name"]
    if any(kind == "text" for kind in kinds.values()):
        rows = df[own].to_dict("records") if own else [{}] * len(df)
        extra = names if names is not None else [()] * len(df)
        row_names = [[*more, *person_names(row, table)] for row, more in zip(rows, extra, strict=True)]
    for column, kind in kinds.items():
        if kind == "text":
            values = [mask_text(v, n) for v, n in zip(df[column], row_names, strict=True)]
        elif kind is not None:
            values = [mask_value(kind, v) for v in df[column]]
        else:
            continue
        df[column] = pd.Series(values, index=df.index, dtype=df[column].dtype)
    return df


def _hides_reporter(columns: Iterable[str], scope: Scope) -> bool:
    return not scope.viewer.may_see_reporter and any(c in REPORTER_COLUMNS for c in columns)


def shown_record(row: Mapping, scope: Scope, table: str | None = None, names: Iterable[str] = ()) -> dict:
    """``row`` as the scope's viewer may see it (the module's policy)."""
    names = [*names, *person_names(row, table)]
    out = dict(row)
    hide = _hides_reporter(out, scope)
    if hide:
        out.update(dict.fromkeys(REPORTER_COLUMNS, None))
    if not scope.unmasked:
        return mask_record(out, table, names)
    if hide:  # the free text may still name the reporter
        return {c: mask_text(v, names) if column_kind(c, table) == "text" else v for c, v in out.items()}
    return out


def shown_frame(
    df: pd.DataFrame, scope: Scope, names: Sequence[Iterable[str]] | None = None, table: str | None = None
) -> pd.DataFrame:
    """``df`` as the scope's viewer may see it (the module's policy)."""
    if _hides_reporter(df.columns, scope):
        reporter = [[n] if isinstance(n, str) else [] for n in df["reporter_name"]] if len(df) else []
        names = [[*a, *b] for a, b in zip(names or [()] * len(df), reporter, strict=True)]
        df = df.assign(**dict.fromkeys([c for c in REPORTER_COLUMNS if c in df.columns], None))
        if scope.unmasked:
            texts = [c for c in df.columns if column_kind(c, table) == "text"]
            return df.assign(
                **{c: [mask_text(v, n) for v, n in zip(df[c], names, strict=True)] for c in texts}
            )
    return df if scope.unmasked else mask_frame(df, names, table)
