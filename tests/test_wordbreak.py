"""Names cut into words for line breaks (scoring/render/site/wordbreak.py): jieba's dictionary as loaded, punctuation with its
word, the markup safe; the browser side is tests/test_reader_site.py (390 px)."""

from __future__ import annotations

import jieba

from scoring.render.site import engine_jieba, wordbreak
from scoring.render.site.search import TUNING
from scoring.render.site.sitetext import _MD_ESCAPES, md_text


def test_a_name_is_cut_into_jiebas_words_with_its_punctuation() -> None:
    assert wordbreak.words("公共资源交易中心") == ("公共资源", "交易中心")
    assert wordbreak.words("行政处罚、“双公示”专栏建设情况") == ("行政处罚、", "“双", "公示”", "专栏", "建设", "情况")
    assert wordbreak.words("（一）受到表彰") == ("（一）", "受到", "表彰")
    assert wordbreak.words("2021年度ABC报告") == ("2021", "年度", "ABC", "报告")


def test_the_filter_joins_words_with_wbr_and_keeps_every_character_verbatim() -> None:
    assert wordbreak.name_words("对市政府的函询回复情况", _MD_ESCAPES) == (
        '<span class="zwgk-words">对<wbr>市政府<wbr>的<wbr>函询<wbr>回复<wbr>情况</span>')
    hostile = wordbreak.name_words("审批<script>x</script>[链接](http://a)", _MD_ESCAPES)
    assert "<script>" not in hostile and "[" not in hostile and "](" not in hostile
    assert hostile.startswith('<span class="zwgk-words">审批<wbr>&#60;script&#62;')
    assert wordbreak.name_words("Office  2021", _MD_ESCAPES) == md_text("Office  2021") == "Office 2021"  # as ``t``


def test_the_cut_ignores_the_search_tuning() -> None:
    """The tuning cuts compounds apart in jieba's own dictionary; the names' tokenizer keeps the dictionary as loaded,
    made before or after a tuning."""
    before = wordbreak.words("绩效考核工作台账")
    try:
        TUNING.apply(["考核", "台账"])
        assert jieba.lcut("绩效考核", HMM=False) == ["绩效", "考核"]
        after = engine_jieba.untuned(TUNING.saved, TUNING.start)
        assert tuple(after.cut("绩效考核工作台账", HMM=False)) == before
    finally:
        TUNING.undo()
    assert before[0] == "绩效考核"


def test_released_dictionaries_load_again_and_cut_the_same() -> None:
    """Before the PDF the build gives jieba's dictionaries back (``wordbreak.release``): the memory goes, and a
    later build in the same process tunes and cuts exactly as before."""
    TUNING.apply(["考核", "台账"])
    tuned = jieba.lcut("绩效考核工作台账", HMM=False)
    names = wordbreak.words("绩效考核工作台账")
    wordbreak.release()
    assert engine_jieba.tokenizer().FREQ == {} and not engine_jieba.tokenizer().initialized
    assert TUNING.total is None and wordbreak.words.cache_info().currsize == 0
    try:
        TUNING.apply(["考核", "台账"])
        assert jieba.lcut("绩效考核工作台账", HMM=False) == tuned == ["绩效", "考核", "工作", "台账"]
        assert wordbreak.words("绩效考核工作台账") == names and names[0] == "绩效考核"
        assert len(engine_jieba.tokenizer().FREQ) > 300_000
    finally:
        TUNING.undo()
