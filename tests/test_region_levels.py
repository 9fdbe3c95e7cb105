"""The words a store uses for its levels (区 and 街道 rather than 县（市、区）
and 乡镇（街道）): from the regions import, shown by every page (issue 18)."""

from __future__ import annotations

import pytest

from cockpit.importer.mapping import MappingError
from cockpit.importer.regions import import_regions
from cockpit.store.meta import level_words, set_level_words
from queries.regions import child_regions, get_region, region_path

DISTRICTS = (
    "code,name,level,parent_code\n"
    "9900,示例市,市,\n"
    "9901,东区,区,9900\n9902,西区,区,9900\n"
    "990101,东湖街道,街道,9901\n990201,西山街道,街道,9902\n"
    "99010101,一村,村,990101\n99010102,二社区,社区,990101\n99020101,三村,村,990201\n"
)


def test_a_level_written_one_way_throughout_is_shown_with_the_files_word(sqlite_engine, tmp_path):
    (tmp_path / "regions.csv").write_text(DISTRICTS, encoding="utf-8")
    report = import_regions(sqlite_engine, regions_path=tmp_path / "regions.csv")
    # 市, 区, 街道 are one word each; villages mix 村 and 社区: the default stays.
    assert "层级名称：市级称“市”，县级称“区”，乡级称“街道”" in report
    with sqlite_engine.connect() as conn:
        assert level_words(conn) == {"city": "市", "county": "区", "town": "街道"}
        assert get_region(conn, "9901").level_label == "区"
        assert get_region(conn, "99010101").level_label == "村（社区）"
        assert child_regions(conn, "9900")["level_label"].tolist() == ["区", "区"]
        assert [r.level_label for r in region_path(conn, "990101", "9900")] == ["市", "区", "街道"]


def test_a_partial_file_keeps_the_words_and_a_mapping_names_them(sqlite_engine, tmp_path):
    (tmp_path / "regions.csv").write_text(DISTRICTS, encoding="utf-8")
    import_regions(sqlite_engine, regions_path=tmp_path / "regions.csv")
    # One new 镇 under 东区: the file does not list every town, so 街道 stays.
    (tmp_path / "more.csv").write_text("code,name,level,parent_code\n990102,新镇,镇,9901\n", encoding="utf-8")
    import_regions(sqlite_engine, regions_path=tmp_path / "more.csv")
    with sqlite_engine.connect() as conn:
        assert level_words(conn)["town"] == "街道"
    (tmp_path / "regions.yaml").write_text(
        "target: regions\nlevel_labels: {town: 镇（街道）, village: 村（居）}\n", encoding="utf-8"
    )
    import_regions(sqlite_engine, regions_path=tmp_path / "more.csv", mapping_path=tmp_path / "regions.yaml")
    with sqlite_engine.connect() as conn:
        assert level_words(conn) == {
            "city": "市",
            "county": "区",
            "town": "镇（街道）",
            "village": "村（居）",
        }


@pytest.mark.parametrize(
    "labels, message",
    [
        ("{town: '=HYPERLINK(\"http://x\")'}", "1–12 个汉字"),
        ("{town: '<a href=x>镇</a>'}", "1–12 个汉字"),
        ("{district: 区}", "未知的层级 district"),
        ("[区]", "应为"),
    ],
)
def test_a_level_word_that_is_not_a_few_chinese_characters_is_refused(
    sqlite_engine, tmp_path, labels, message
):
    (tmp_path / "regions.csv").write_text(DISTRICTS, encoding="utf-8")
    (tmp_path / "regions.yaml").write_text(f"target: regions\nlevel_labels: {labels}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        import_regions(
            sqlite_engine, regions_path=tmp_path / "regions.csv", mapping_path=tmp_path / "regions.yaml"
        )
    with sqlite_engine.connect() as conn:
        assert level_words(conn) == {}


def test_a_tampered_store_value_falls_back_to_the_default_words(sqlite_engine):
    from cockpit.store.meta import LEVEL_WORDS_KEY, set_meta

    with sqlite_engine.begin() as conn:
        set_meta(conn, LEVEL_WORDS_KEY, '{"town": "=cmd|x", "county": "区", "village": 3}')
        assert level_words(conn) == {"county": "区"}
        set_meta(conn, LEVEL_WORDS_KEY, "not json")
        assert level_words(conn) == {}
        set_level_words(conn, {})
        assert level_words(conn) == {}
