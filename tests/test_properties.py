"""Property tests (hypothesis) over the readers, the IRI checks and a small whole build:
whatever the input, a file is read or skipped with a reason, values entering the graph are
valid for every reader, and the exports parse."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg import iri
from kg.readers import SkipFile, read_text
from kg.text import DecodeError, decode_checked

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

url_like = st.one_of(
    st.text(max_size=40),
    st.builds(lambda scheme, host, path: f"{scheme}{host}{path}",
              st.sampled_from(["https://", "http://", "HTTP://", "ftp://", "", "//", "https:"]),
              st.text(st.characters(blacklist_categories=("Cs",)), max_size=15) | st.sampled_from(
                  ["ex.org", "www.ex.org:8080", "【内幕】", "ex.org:99999", "[::1]", "ex.org:abc", "例子.中国"]),
              st.text(max_size=30)),
)


@FAST
@given(url_like)
def test_check_iri_gives_a_valid_iri_or_a_reason(url):
    try:
        out = iri.check_iri(url)
    except iri.BadIRI as exc:
        assert str(exc)
        assert iri.safe_iri(url) is None
        return
    ox.NamedNode(out)  # the strictest reader takes it
    assert iri.check_iri(out) == out  # repairing is idempotent
    iri.url_key(url)  # never raises
    iri.article(url, content="x")


@FAST
@given(st.binary(max_size=400))
def test_decoding_never_fails_but_with_a_reason(data):
    try:
        text, enc, warnings = decode_checked(data)
    except DecodeError as exc:
        assert str(exc)
        return
    assert "\x00" not in text and "\r" not in text and enc


def _check_document(doc) -> None:
    for url in [doc.url, *(i.url for i in doc.images), *(link.url for link in doc.links),
                *(i.url for link in doc.links for i in link.images)]:
        if url is not None:
            ox.NamedNode(iri.check_iri(url))
    for value in [doc.headline, doc.excerpt, doc.publisher, *doc.paragraphs, *doc.tags, *doc.topics, *doc.authors,
                  *doc.editors, *(link.title for link in doc.links)]:
        assert value is None or not _NOT_XML.search(value)


field_text = st.text(max_size=60)
yaml_value = st.one_of(field_text.map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
                       field_text.filter(lambda s: "\n" not in s), url_like.map(lambda s: '"' + s.replace(
                           "\\", "\\\\").replace('"', '\\"') + '"'))


@FAST
@given(title=yaml_value, url=yaml_value, rel_url=yaml_value, image=yaml_value, date=yaml_value, body=field_text)
def test_front_matter_records_are_read_or_skipped(title, url, rel_url, image, date, body):
    text = (f"---\ntitle: {title}\noriginalUrl: {url}\ndate: {date}\nrelated:\n  - title: {title}\n"
            f"    url: {rel_url}\nimages:\n  - url: {image}\n---\n{body}\n")
    try:
        doc = read_text(text, "x.md")
    except SkipFile as exc:
        assert str(exc)
        return
    _check_document(doc)


html_bits = st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<span>", "<!--", "<a href=\"https://【内幕】/tag/x\">",
                             "<img src=\"https://ex.org/\ufffd.jpg\">", "【大纪元2023年07月03日讯】", "美国", "出口管制",
                             "。", "\n", "原文链接：", "https://ex.org/a%zz", "<ok href=\"/tag/芯片\">"])


@FAST
@given(st.lists(html_bits, max_size=40))
def test_epoch_pages_are_read_or_skipped(bits):
    text = '### 标题\n\n<div class="post_content">' + "".join(bits) + "</div>\n"
    try:
        doc = read_text(text, "x.md")
    except SkipFile as exc:
        assert str(exc)
        return
    _check_document(doc)


@FAST
@given(st.text(max_size=300))
def test_any_text_is_read_or_skipped(text):
    try:
        doc = read_text(text, "x.txt")
    except SkipFile as exc:
        assert str(exc)
        return
    _check_document(doc)


record = st.builds(
    lambda title, url, rel, body: (f'---\ntitle: "{title}"\noriginalUrl: "{url}"\nrelated:\n  - title: "{title} 2"\n'
                                   f'    url: "{rel}"\n---\n{body}\n'),
    st.text(st.characters(blacklist_characters='"\\\n', blacklist_categories=("Cs",)), min_size=1, max_size=30),
    url_like.map(lambda s: s.replace('"', "").replace("\\", "").replace("\n", "")),
    url_like.map(lambda s: s.replace('"', "").replace("\\", "").replace("\n", "")),
    st.sampled_from(["The United States restricts chip exports to China.", "日本和荷兰加入美国对华芯片出口管制。", ""]),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(record.map(lambda s: s.encode("utf-8")), st.binary(max_size=200)), min_size=1, max_size=4))
def test_a_small_build_reads_or_skips_every_file_and_its_exports_parse(files):
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        for i, data in enumerate(files):
            (src / f"f{i}.md").write_bytes(data)
        result = kg.build([src])
        r = result.report
        named = {f["file"] for f in r["files"]} | {s["file"] for s in r["skipped"]}
        assert named == {f"f{i}.md" for i in range(len(files))}  # nothing lost silently
        assert all(s["reason"] for s in r["skipped"])
        if not r["articles"]:
            return
        result.write(out)
        for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.nq", ox.RdfFormat.N_QUADS),
                          ("graph.jsonld", ox.RdfFormat.JSON_LD)):
            assert sum(1 for _ in ox.parse(path=str(out / name), format=fmt)) > 0
        assert kg.open_store(out).query("ASK { ?a a schema:NewsArticle }")
