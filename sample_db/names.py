"""Invented Chinese place and person names, drawn from syllable lists.

Every name the sample city uses comes from here, from a seeded ``random.Random``,
so the same seed always gives the same city. Names are fictional: two
syllables that read like a place in the hills of central Zhejiang, plus a
suffix (市, 镇, 街道, 村, 社区).
"""

from __future__ import annotations

import random

# First syllables: colours, plants, animals, virtues, directions.
FIRST = tuple(
    "青岚松柏桃杏梅竹兰石溪泉云霞龙凤金玉丰安平和兴福寿长新东西南北上下大小高白"
    "黄红双官马鹤雁枫樟桂茶莲荷清永太万仁义德富源湖塘岭桥湾坞坪田洋前后中芦柳"
)
# Second syllables: landforms and settlements.
SECOND = tuple("溪山岭塘桥湾坞坑坪田畈头口岗林源川峰石埠浦庄岩洲垄园里店宅塍墩岙圩港铺")
# A direction + a surname + a settlement word, e.g. 下王宅, 前陈.
DIRECTIONS = tuple("前后上下东西南北大小")
SURNAMES = tuple("王陈张李吴刘杨黄朱徐周何楼金傅龚骆虞方施贾丁蒋鲍冯")
SETTLEMENTS = ("宅", "店", "塘", "畈", "坞", "", "")
# When the two-syllable village names run out (a city of thousands of
# villages), a position or age word goes in front: 上桃溪, 新塘坞.
PREFIXES = tuple("上下前后东西南北新老大小")

# City names are picked from invented stems (free combinations of common
# syllables too often hit a real county, e.g. 安溪, 临江, 青阳).
CITY_STEMS = ("青岚", "云岫", "澜溪", "岚川", "桐溆", "檀溪", "枫岫", "栖岚")
PREFECTURE_STEMS = ("澜州", "婺州", "瓯州", "明州", "越州", "丹州", "禾州")

PERSON_SURNAMES = tuple("王陈张李吴刘杨黄朱徐周何楼金傅龚骆虞方施贾丁蒋鲍冯郑胡赵孙林")

GROUP_NUMERALS = tuple("一二三四五六七八九十")


class NameBook:
    """Hands out names without repeating one (per kind) within a city."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make, tries: int = 10_000) -> str | None:
        for _ in range(tries):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        return None

    def _required(self, name: str | None) -> str:
        if name is None:
            raise RuntimeError("ran out of unique names; extend the syllable lists")
        return name

    def stem(self) -> str:
        """A two-syllable stem such as 桃溪 (first and second syllables differ),
        or a prefixed one such as 上桃溪 once those are nearly used up."""
        return self._with_fallback(self._two_syllables)

    def village_stem(self) -> str:
        """A village stem: mostly like :meth:`stem`, some like 下王宅 or 前陈;
        once those are nearly used up (only in a city of thousands of
        villages), a prefixed stem such as 上桃溪. A city of a few hundred
        villages never reaches the fallback, so its names do not change."""
        if self.rng.random() < 0.7:
            return self._with_fallback(self._two_syllables)
        return self._with_fallback(self._direction_surname)

    def _with_fallback(self, make) -> str:
        """A name from ``make``; after 200 repeats in a row (only in a city of
        thousands of villages) a prefixed two-syllable one: 上桃溪, 新塘坞."""
        name = self._unique(make, tries=200)
        if name is None:
            name = self._unique(lambda: self.rng.choice(PREFIXES) + self._two_syllables())
        return self._required(name)

    def _two_syllables(self) -> str:
        first = self.rng.choice(FIRST)
        second = self.rng.choice(SECOND)
        return first + second if first != second else first + "家"

    def _direction_surname(self) -> str:
        return self.rng.choice(DIRECTIONS) + self.rng.choice(SURNAMES) + self.rng.choice(SETTLEMENTS)

    def city(self) -> str:
        return self._required(self._unique(lambda: self.rng.choice(CITY_STEMS))) + "市"

    def prefecture(self) -> str:
        return self._required(self._unique(lambda: self.rng.choice(PREFECTURE_STEMS))) + "市"


def person(rng: random.Random) -> str:
    """A masked person name as payout lists publish it: 张某."""
    return rng.choice(PERSON_SURNAMES) + "某"


def village_group(rng: random.Random) -> str:
    """A villagers' group (村民小组) such as 三组."""
    return rng.choice(GROUP_NUMERALS[:8]) + "组"
