"""kg.extract.words: jieba's segmentation without HMM, computed in one loop, gives jieba's
own words (the actor matcher and discovery depend on exactly those word boundaries)."""
from __future__ import annotations

import jieba
import pytest
from hypothesis import given, settings, strategies as st

from kg.extract.words import jieba_dictionary, words_hmm, words_no_hmm

# windows the matcher and discovery segment: names inside longer words, unknown names,
# common words, mixed scripts (those go to jieba itself)
CASES = ["美中芯片战", "韩国三星电子", "对华为的制裁", "研究员苏紫云表示", "荷兰政府宣布", "任命他", "中芯国际",
         "美国商务部长雷蒙多", "台积电", "一", "", "华为Mate60手机", "美国ABC中国", "中\u9fd6国", "龘靐齉爩"]


@pytest.mark.parametrize("text", CASES)
def test_same_words_as_jieba(text):
    jieba_dictionary()
    assert words_no_hmm(text) == jieba.lcut(text, HMM=False)


# common characters of the news, so that windows hold dictionary words and ties between paths
_CHARS = "美中国华为芯片战韩三星电子对的制裁研究员苏紫云表示荷兰政府宣布任命他台积商务部长雷蒙多一了在是和与及出口管制"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_CHARS, min_size=1, max_size=24))
def test_same_words_as_jieba_on_any_window(text):
    jieba_dictionary()
    assert words_no_hmm(text) == jieba.lcut(text, HMM=False)


# ---------------------------------------------------------------- kg.text.nfkc
from kg.text import nfkc  # noqa: E402
import unicodedata  # noqa: E402

# full-width punctuation and letters, compatibility characters, accents that combine with
# the letter before them (precomposed or not), Hangul jamo that combine into syllables
_NFKC_CHARS = "中国，（）：ＡＢｃ１２e\u0301é\u0327c\u0323\u0307ﬁ™½⑴ᄀ\u1161\u11a8가각한글 \u3000·・x"


@pytest.mark.parametrize("text", ["", "abc", "美国（Apple）：１２３", "cafe\u0301", "e\u0301\u0323", "ᄀ\u1161\u11a8", "가\u11a8",
                                  "ﬁ\u0301", "Å\u030a"])
def test_nfkc_is_unicodedata(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_NFKC_CHARS, max_size=30))
def test_nfkc_is_unicodedata_on_any_text(text):
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_NFKC_CHARS, min_size=300, max_size=600))
def test_nfkc_is_unicodedata_on_a_long_text(text):
    # (an article's length: its characters that change are found by runs, not one by one)
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_normalized_text_is_each_characters_form_whatever_the_length(monkeypatch):
    import kg.text as kt

    every = "".join(map(chr, range(0x10000))) + "".join(map(chr, range(0x1D400, 0x1D500))) + "\U0002F800\U00020000"
    texts = [every, every[::-1], "美國商務部（ＡＳＭＬ）İstanbul ﬁrm Ⅻ，" * 40]
    for text in texts[:2]:  # long texts go by runs of changing characters: the same as one by one
        assert kt._through(kt._NORM_TABLE, 0, text) == "".join(kt._norm_char(c) for c in text)
        assert kt._through(kt._NFKC_TABLE, 1, text) == "".join(unicodedata.normalize("NFKC", c) for c in text)
    texts = [t.translate({c: None for c in range(0xD800, 0xE000)}) for t in texts]  # (OpenCC reads UTF-8)
    by_runs = [kt.normalize_chars(t) for t in texts] + [kt.nfkc(t) for t in texts]
    kt.normalize_chars.cache_clear()
    monkeypatch.setattr(kt, "_RUNS_FROM", 10 ** 9)  # every text one character at a time
    assert [kt.normalize_chars(t) for t in texts] + [kt.nfkc(t) for t in texts] == by_runs
    kt.normalize_chars.cache_clear()


@pytest.mark.parametrize("text", CASES + ["科技有限", "智谱华章科技", "蒂埃里布雷顿", "英伟达公司"])
def test_same_words_as_jieba_with_its_hmm(text):
    jieba_dictionary()
    assert words_hmm(text) == jieba.lcut(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_CHARS, min_size=1, max_size=24))
def test_same_words_as_jieba_with_its_hmm_on_any_window(text):
    jieba_dictionary()
    assert words_hmm(text) == jieba.lcut(text)
