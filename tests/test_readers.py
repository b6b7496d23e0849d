"""Each reader on real corpus variations, and the encodings and variants of the formats."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kg.readers import SkipFile, detect_format, read_path, read_text
from kg.text import decode

from conftest import DATA, SEEDS

YAML = DATA / "corpus" / "yaml"
EPOCH = DATA / "corpus" / "epoch"
SEED_A, SEED_B, SEED_C = sorted(SEEDS.iterdir())


def read(path: Path):
    return read_path(path, path.name)


# ---------------------------------------------------------------- format A

def test_yaml_new_schema_fields():
    d = read(SEED_A)
    assert d.format == "yaml-frontmatter" and d.language == "en"
    assert d.headline.startswith("China urges Japan")
    assert d.date == "2023-07-24T09:51:00Z"  # unquoted timestamp, given by YAML as a datetime
    assert d.url.startswith("https://apnews.com/article/")
    assert (d.publisher, d.publisher_domain) == ("Associated Press", "apnews.com")
    assert d.topics == ["AI Hardware", "AI"]
    assert len(d.images) == 1 and d.images[0].url.startswith("https://dims.apnews.com/")
    rel = d.links
    assert [l.kind for l in rel] == ["related", "related"]
    assert rel[0].publisher == "조선일보" and rel[0].publisher_domain == "chosun.com"
    assert rel[0].date == "2023-07-20T23:16:00Z" and rel[0].images


def test_yaml_old_schema_and_escaped_quotes():
    d = read(YAML / "old-schema-escaped-quotes.md")
    assert d.url.startswith("https://www.businesswire.com/")  # sourceUrl, unquoted
    assert '"Neuromorphic Chips: Boosting AI at the Edge"' in d.excerpt


def test_yaml_front_matter_split_on_whole_lines_only():
    # the URL contains '---': a naive split on '---' breaks this file
    d = read(YAML / "dashes-in-url.md")
    assert "growth---nvidia" in d.url
    assert len(d.links) >= 3


def test_yaml_missing_fields_and_tags():
    d = read(YAML / "no-related-no-images.md")
    assert d.links == [] and d.images == []
    t = read(YAML / "tags.md")
    assert "CN" in t.tags and t.topics


def test_yaml_that_is_not_an_article_is_skipped_with_reason():
    with pytest.raises(SkipFile, match="not an article"):
        read_text("---\nlayout: default\npermalink: /about/\n---\n", "about.md")
    with pytest.raises(SkipFile, match="invalid YAML"):
        read_text('---\ntitle: "unclosed\n---\n', "broken.md")


# ---------------------------------------------------------------- format B

def test_epoch_post_content_page():
    d = read(SEED_B)
    assert d.format == "epoch-markdown" and d.language == "zh-Hans"
    assert d.headline == "欧盟将与日本深化芯片合作 减少对华依赖"
    assert d.date == "2023-07-03"  # from the dateline, not the URL
    assert d.url == "https://www.epochtimes.com/gb/23/7/3/n14027407.htm" and d.is_mirror
    assert d.publisher == "大纪元" and d.authors == ["李言"] and d.editors == ["林妍"]
    assert d.tags == ["欧盟", "芯片", "供应链"]
    assert d.images[0].caption.startswith("美国加强限制中共获得先进芯片技术")
    # the dateline, byline, nav line, pixel and editor line are not body text
    body = "\n".join(d.paragraphs)
    assert "大纪元2023" not in body and "首页" not in body and "责任编辑" not in body
    assert d.paragraphs[0].startswith("欧盟（EU）行业主管周一")  # <ok> tags joined without spaces
    assert [l.kind for l in d.links] == ["mirror"]


def test_epoch_column_page_with_figure():
    d = read(EPOCH / "column-figure.md")
    assert d.headline.startswith("现身鸿海科技日")
    assert d.authors == ["张原彰"]  # 张原彰台湾台北报导: the place is not part of the name
    assert d.date == "2023-10-18"
    fig = [i for i in d.images if "id14097990" in i.url]
    assert fig and "刘扬伟" in fig[0].caption
    assert all("gfw-breaker" not in i.url for i in d.images)
    assert not any("刘扬伟（右）邀请" in p for p in d.paragraphs)  # captions are not paragraphs


def test_epoch_split_spans_and_two_reporters():
    d = read(EPOCH / "split-spans.md")
    assert d.authors == ["宁海钟", "骆亚"]
    # the quotation marks sit in their own <span>s: joined with no stray white space
    assert any("为主。“虽然说市场体制" in p and p.endswith("很大的伤害。”") for p in d.paragraphs)


_ODD_PAGES = [
    # text runs cut by comments, whitespace-only runs (collapsed outside <pre>), a <pre>,
    # unclosed and stray end tags, a doctype, a processing instruction, a caption, a tag link
    '<!DOCTYPE html><div class="post_content"><p>【大纪元2023年07月03日讯】美国<!-- c -->对中国\n  <b>实施</b>  \t'
    '<i> </i>管制。</p><pre>  a \n b  </pre><p>第二<span>段<p>第三段</b></div><?pi x?>'
    '<figure><img src="https://i.example/a.jpg" alt="图"><figcaption> 说明 </figcaption></figure>'
    '<a href="https://www.epochtimes.com/gb/tag/芯片.html">芯片</a>\n原文链接：https://www.epochtimes.com/gb/23/7/3/n1.htm\n',
    # blocks inside blocks, a blockquote of paragraphs, a script's text, an attribute with a namespace
    '<div itemprop="articleBody"><blockquote><p>甲</p><p>乙</p></blockquote><li>丙<p>丁</p></li>'
    '<script>var x = 1;</script><p {x}class="y">戊</p></div>\n原文链接：https://www.epochtimes.com/gb/1.htm\n',
    "\ufeff<div class=\"post_content\"><p>己</p></div>\n原文链接：https://www.epochtimes.com/gb/2.htm\n",
]


@pytest.mark.parametrize("body", _ODD_PAGES)
def test_epoch_lean_tree_reads_as_beautifulsoup(body, monkeypatch):
    from kg.readers import epoch_markdown

    html = body[body.find("<"):]
    tree = epoch_markdown._lean(html)
    if tree is not None:  # every element: its name, attributes, parent and text
        def walk(root):
            return [(e.name, dict(e.attrs), e.parent.name, e.get_text()) for e in epoch_markdown._elements(root)]

        assert walk(tree) == walk(epoch_markdown._soup(html))
    page = "### 标题\n\n" + body
    lean = read_text(page, "odd.md")
    monkeypatch.setattr(epoch_markdown, "_lean", lambda html: None)  # BeautifulSoup's own tree
    soup = read_text(page, "odd.md")
    assert lean == soup
    assert lean.paragraphs


# ---------------------------------------------------------------- format C

def test_plain_text_seed():
    d = read(SEED_C)
    assert d.format == "plain-text" and d.language == "zh-Hans"
    assert d.headline_derived and d.headline.startswith("为防止人工智能(AI)")
    assert d.date is None  # the recommended list's timestamp is not the publication date
    kinds = [l.kind for l in d.links]
    assert kinds[:2] == ["previous", "next"] and kinds.count("recommends") == 19
    assert d.links[0].title == "高质量发展、高品质生活,浦东已成为全国IC产业最密集地区"
    assert not any("推荐阅读" in p or "上一篇" in p for p in d.paragraphs)


def _variant(text: str) -> str:
    """Full-width colons, Traditional navigation words, blank lines between everything."""
    text = text.replace("上一篇:", "上一篇：").replace("下一篇:", "下一篇：")
    text = text.replace("推荐阅读", "推薦閱讀")
    return "\n\n".join(text.split("\n"))


def test_plain_text_variants():
    text = _variant(SEED_C.read_text(encoding="utf-8"))
    d = read_text(text, "variant.txt")
    kinds = [l.kind for l in d.links]
    assert kinds[:2] == ["previous", "next"] and kinds.count("recommends") == 19
    assert d.paragraphs == read(SEED_C).paragraphs


def test_plain_text_traditional_is_zh_hant():
    from kg.text import _converter

    trad = _converter("s2t").convert(SEED_C.read_text(encoding="utf-8"))
    d = read_text(trad, "trad.txt")
    assert d.language == "zh-Hant" and d.format == "plain-text"


# ---------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16", "utf-16-le"])
def test_encodings_of_chinese_text(tmp_path, encoding):
    text = SEED_C.read_text(encoding="utf-8")
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    d = read(path)
    assert d.paragraphs == read(SEED_C).paragraphs
    assert "\r" not in d.text


def test_big5_traditional(tmp_path):
    from kg.text import _converter

    trad = _converter("s2t").convert(SEED_C.read_text(encoding="utf-8"))
    trad = trad.encode("big5", errors="ignore").decode("big5")  # what Big5 can hold
    path = tmp_path / "big5.txt"
    path.write_bytes(trad.encode("big5"))
    text, enc = decode(path.read_bytes())
    assert enc.replace("_", "").lower() in ("big5", "big5hkscs", "cp950") and text == trad
    assert read(path).language == "zh-Hant"


def test_binary_and_unknown_files_are_skipped_with_a_reason(tmp_path):
    b = tmp_path / "image.png"
    b.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(SkipFile, match="binary"):
        read(b)
    u = tmp_path / "table.tsv"
    u.write_text("format\tpath\nepoch\ta.md\n", encoding="utf-8")
    with pytest.raises(SkipFile, match="unknown format"):
        read(u)
    e = tmp_path / "empty.txt"
    e.write_bytes(b"")
    with pytest.raises(SkipFile, match="empty"):
        read(e)


def test_detection_is_by_content_not_name():
    assert detect_format(SEED_A.read_text(encoding="utf-8")) == "yaml-frontmatter"
    assert detect_format(SEED_B.read_text(encoding="utf-8")) == "epoch-markdown"
    assert detect_format(SEED_C.read_text(encoding="utf-8")) == "plain-text"
    assert detect_format("Just an English note with nothing else.") is None


def test_bom_is_dropped():
    text, enc = decode(codecs.BOM_UTF8 + "---\ntitle: x\n---\n".encode())
    assert text.startswith("---") and enc == "utf-8-sig"


def test_byline_part_that_is_not_a_name_is_reported():
    from kg.readers.epoch_markdown import reporters

    rejected: list[str] = []
    assert reporters("大纪元记者王明乌兰巴托市郊报导", rejected) == []
    assert rejected == ["王明乌兰巴托市郊"]
