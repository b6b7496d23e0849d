"""Issue 14: one bad file costs that file, never the build, an article or the exports.

Minimal reproducers of what broke builds: malformed URLs, values writers refuse, special
files, alias bombs, damaged encodings, deep HTML, contract gaps.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg import iri
from kg.readers import SkipFile, read_path, read_text
from kg.text import decode_checked

GOOD = '---\ntitle: "Good article"\noriginalUrl: "https://ex.org/good"\n---\nThe United States restricts chip exports to China.\n'


def record(url: str, related_url: str = "https://ex.org/r", image: str = "https://ex.org/i.jpg",
           title: str = "Article") -> str:
    return (f'---\ntitle: "{title}"\noriginalUrl: "{url}"\nrelated:\n  - title: "Related one"\n'
            f'    url: "{related_url}"\nimages:\n  - url: "{image}"\n---\n'
            "Japan joined the US export controls on chip equipment against China.\n")


def parse_all(out: Path) -> dict:
    """Every export read by Oxigraph (the strictest reader); the store opened and queried."""
    counts = {}
    for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.nq", ox.RdfFormat.N_QUADS),
                      ("graph.jsonld", ox.RdfFormat.JSON_LD)):
        counts[name] = sum(1 for _ in ox.parse(path=str(out / name), format=fmt))
    store = kg.open_store(out)
    assert store.query("ASK { ?a a schema:NewsArticle }")
    return counts


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- IRIs
@pytest.mark.parametrize("url, repaired", [
    ("https://example.com/a%zz", "https://example.com/a%25zz"),
    ("https://ex.com/a[b]", "https://ex.com/a%5Bb%5D"),
    ("https://ex.com/a#b#c", "https://ex.com/a#b%23c"),
    ("https://ex.com/\ufffd", "https://ex.com/%EF%BF%BD"),
    ("https://ex.com/\ufffe", "https://ex.com/%EF%BF%BE"),
    ("https://ex.com/a b<c>", "https://ex.com/a%20b%3Cc%3E"),
    ("https://ex.com/é?q=中", "https://ex.com/é?q=中"),
])
def test_repairable_urls_are_percent_encoded_into_valid_iris(url, repaired):
    assert iri.check_iri(url) == repaired
    ox.NamedNode(repaired)  # the strictest reader accepts it
    assert iri.check_iri(repaired) == repaired  # idempotent


@pytest.mark.parametrize("url, reason", [
    ("example.com/a", "no scheme"),
    ("/news/x", "no scheme"),
    ("https://ex.com:abc/", "bad port"),
    ("https://ex.com:99999/", "bad port"),
    ("https://【内幕】中美芯片战/x", "not a host name"),
    ("ftp://ex.com/x", "not an http"),
    ("https://ex.com/\ud800", "surrogate"),
])
def test_unrepairable_urls_are_refused_with_a_reason(url, reason):
    with pytest.raises(iri.BadIRI, match=reason):
        iri.check_iri(url)
    assert iri.safe_iri(url) is None
    assert iri.url_key(url) is None


def test_minted_iris_are_always_valid():
    for name in ("x\ud800y", "\ufffe", "a b", "日本", "", "---"):
        for mint in (iri.actor, iri.topic, iri.technology, iri.policy):
            ox.NamedNode(mint(name) if name else mint("x"))


def test_a_malformed_url_costs_the_value_not_the_build(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.md").write_text(GOOD, encoding="utf-8")
    (src / "pct.md").write_text(record("https://example.com/a%zz", "/news/x", "https://schema.org/x²",
                                       title="Percent"), encoding="utf-8")
    (src / "noscheme.md").write_text(record("example.com/a", "https://ex.com:abc/r", title="No scheme"),
                                     encoding="utf-8")
    (src / "port.md").write_text(record("https://ex.com:99999/", "https://【内幕】中美/x", title="Port"),
                                 encoding="utf-8")
    result = kg.build([src])
    out = tmp_path / "out"
    result.write(out)
    r = report(out)
    assert r["files_read"] == 4 and r["articles"] == 4 and not r["skipped"]
    warned = {(w["file"], w["warning"].split(":")[0]) for w in r["warnings"]}
    assert ("noscheme.md", "url") in warned and ("port.md", "url") in warned
    assert ("pct.md", "links[0].url") in warned and ("port.md", "links[0].url") in warned
    parse_all(out)
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "schema:x²" not in ttl and "<https://schema.org/x²>" in ttl  # Turtle's PN_LOCAL has no ²
    # a bad article URL falls back to the content hash; a related link keeps its title
    store = kg.open_store(out)
    rows = list(store.query('SELECT ?a WHERE { ?a kg:sourceFile "noscheme.md" }'))
    assert rows and "article/" in rows[0]["a"].value
    assert bool(store.query('ASK { ?a kg:sourceFile "pct.md" ; kg:relatedArticle ?b . '
                            '?b schema:headline "Related one"@en }'))


def test_rapper_and_rdflib_read_the_exports_of_hostile_values(tmp_path):
    rapper = shutil.which("rapper")
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.md").write_text(record("https://ex.com/a#b#c", image="https://ex.com/i[1].jpg"), encoding="utf-8")
    kg.build([src]).write(tmp_path / "out")
    import rdflib

    rdflib.Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    if rapper:
        for name, syntax in (("graph.ttl", "turtle"), ("graph.nq", "nquads")):
            done = subprocess.run([rapper, "-q", "-c", "-i", syntax, str(tmp_path / "out" / name)],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr


def test_control_characters_and_bad_bytes_in_names_and_values(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "ctl\x0bname.md").write_text(GOOD.replace("good", "ctl"), encoding="utf-8")
    with open(os.path.join(os.fsencode(src), b"bad\xffname.md"), "w", encoding="utf-8") as fh:
        fh.write(GOOD.replace("good", "bytes"))
    out = tmp_path / "out"
    kg.build([src]).write(out)
    r = report(out)
    assert sorted(f["file"] for f in r["files"]) == ["bad\\xffname.md", "ctl\\x0bname.md"]
    import networkx

    g = networkx.read_graphml(out / "graph.graphml")
    assert {d.get("sourceFile") for _, d in g.nodes(data=True)} >= {"bad\\xffname.md", "ctl\\x0bname.md"}
    parse_all(out)


def test_text_no_writer_accepts_is_cleaned_with_a_warning():
    from kg.document import Document
    from kg.readers import check_values

    doc = Document("s.md", "yaml-frontmatter", "utf-8", "en", headline="A \ud800 B \x0b C", tags=["\ufffe"])
    check_values(doc)
    assert doc.headline == "A \ufffd B  C" and doc.tags == []
    assert any(w.startswith("headline:") for w in doc.warnings)


def test_graphml_escapes_what_xml_cannot_hold(tmp_path):
    from kg.exporters import graphml
    from kg.quads import QuadSet
    from kg.terms import IRI, RDF_TYPE, lit, schema

    q = QuadSet()
    node = IRI("https://w3id.org/newskg/id/actor/x")
    q.add(node, RDF_TYPE, schema("Organization"))
    q.add(node, schema("name"), lit("bad\x0bname\ud800"))

    class R:
        quads = q
        report: dict = {}

    with open(tmp_path / "g.graphml", "wb") as fh:
        graphml.write(R, fh)
    import networkx

    g = networkx.read_graphml(tmp_path / "g.graphml")
    attrs = next(a for _, a in g.nodes(data=True) if a.get("iri") == str(node))
    assert "bad\\u000bname\\ud800" in attrs.values()
    assert "escaped" in R.report["warnings"][0]["warning"]


# ----------------------------------------------------------------------------- special files
def test_special_files_are_skipped_with_a_reason(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.md").write_text(GOOD, encoding="utf-8")
    os.mkfifo(src / "fifo.md")
    (src / "loop1").symlink_to("loop2")
    (src / "loop2").symlink_to("loop1")
    (src / "zero.md").symlink_to("/dev/zero")
    (src / "dangling.md").symlink_to("nowhere.md")
    (src / "link.md").symlink_to("good.md")  # the same file twice: read once
    result = kg.build([src])
    reasons = {s["file"]: s["reason"] for s in result.report["skipped"]}
    assert "FIFO" in reasons["fifo.md"]
    assert "loop" in reasons["loop1"] and "loop" in reasons["loop2"]
    assert "device" in reasons["zero.md"]
    assert "broken symbolic link" in reasons["dangling.md"]
    assert result.report["files_read"] == 1


def test_a_folder_link_loop_is_walked_once(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.md").write_text(GOOD, encoding="utf-8")
    (src / "sub" / "back").symlink_to("..")
    result = kg.build([src])
    assert result.report["files_read"] == 1


def test_the_output_folder_is_never_read(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.md").write_text(GOOD, encoding="utf-8")
    out = src / "exports"
    kg.build([src], exclude=[out]).write(out)
    result = kg.build([src], exclude=[out])
    assert result.report["files_seen"] == 1 and not result.report["skipped"]
    # a kg build folder is recognized even when not named as the output
    assert kg.build([src]).report["files_seen"] == 1


def test_size_limit(tmp_path):
    big = tmp_path / "big.md"
    big.write_text(GOOD + "x" * 2000, encoding="utf-8")
    with pytest.raises(SkipFile, match="too large"):
        read_path(big, "big.md", max_bytes=1000)
    assert read_path(big, "big.md", max_bytes=10_000).headline == "Good article"
    result = kg.build([tmp_path], max_file_size=1000)
    assert "too large" in result.report["skipped"][0]["reason"]


def test_cli_max_file_size(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(GOOD + "x" * 3000, encoding="utf-8")
    res = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                   "--max-file-size", "2KB", "--force"])
    assert res.exit_code == 0, res.output
    assert "too large" in res.output
    res = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                   "--max-file-size", "lots"])
    assert res.exit_code == 1


# ----------------------------------------------------------------------------- bounds
def test_yaml_alias_bomb_is_a_skip_reason():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\ntitle: *i\n---\n"
    with pytest.raises(SkipFile, match="alias"):
        read_text(text, "bomb.md")


def test_yaml_with_a_few_aliases_is_read():
    text = '---\ntitle: &t "Chip curbs"\nexcerpt: *t\noriginalUrl: "https://ex.org/a?x=1&y=2"\n---\n'
    doc = read_text(text, "ok.md")
    assert doc.excerpt == "Chip curbs"


def test_a_reader_error_is_the_files_skip_reason(tmp_path, monkeypatch):
    from kg.readers import yaml_frontmatter

    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text("美国宣布对中国实施新的芯片出口管制，日本和荷兰加入了美国的行动。" * 3, encoding="utf-8")
    monkeypatch.setattr(yaml_frontmatter, "read", lambda *a: 1 / 0)
    result = kg.build([tmp_path])
    assert result.report["skipped"] == [{"file": "a.md", "reason": "yaml-frontmatter: ZeroDivisionError: "
                                         "division by zero"}]
    assert result.report["files_read"] == 1


def test_an_extractor_error_takes_back_that_files_quads(tmp_path, monkeypatch):
    from kg import extract

    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.md").write_text(GOOD.replace("good", "bad").replace("Good", "Bad"), encoding="utf-8")
    real = extract.EXTRACTORS["relations"]

    def boom(ctx, doc, node):
        if doc.source_file == "b.md":
            raise RuntimeError("extractor bug")
        return real.func(ctx, doc, node)

    monkeypatch.setitem(extract.EXTRACTORS, "relations", extract.Extractor("relations", boom, real.produces))
    result = kg.build([tmp_path])
    assert result.report["skipped"] == [{"file": "b.md", "reason": "while extracting: RuntimeError: extractor bug"}]
    assert result.report["files_read"] == 1 and result.report["articles"] == 1
    assert [f["file"] for f in result.report["files"]] == ["a.md"]
    assert not any("Bad article" in str(q[2]) for q in result.quads)
    out = tmp_path / "out"
    result.write(out)
    parse_all(out)


def test_extraction_is_linear_in_article_length():
    """A 1 MB article: twice the text may not take four times as long (it did: quadratic
    scans of the whole article per sentence)."""
    import time

    from kg import lexicon
    from kg.extract.actors import find_mentions
    from kg.extract.policies import find_policies
    from kg.extract.relations import find_relations

    lex = lexicon.load()
    para = ("Japan and the Netherlands joined the US export controls on chip equipment against China. "
            "美国商务部宣布对华为实施新的出口管制，日本和荷兰加入美国的行动。\n")

    def run(n: int) -> float:
        text = para * n
        t = time.perf_counter()
        mentions = find_mentions(text, lex)
        policies = find_policies(text, mentions, lex)
        find_relations(text, mentions, lex, policies)
        return time.perf_counter() - t

    run(50)  # warm caches
    small, large = run(1000), run(4000)  # ~0.25 MB and ~1 MB
    assert large < 8 * small + 1.0, (small, large)


# ----------------------------------------------------------------------------- decoding
def test_utf8_with_an_invalid_byte_stays_utf8():
    data = bytearray(("China’s export curbs “hit” chipmakers. " * 20).encode("utf-8"))
    data[60] = 0xFF
    text, enc, warnings = decode_checked(bytes(data))
    assert enc == "utf-8" and "China’s" in text and "â€" not in text
    assert "\ufffd" in text and "invalid UTF-8" in warnings[0]


def test_chinese_utf8_with_invalid_bytes_is_still_read(tmp_path):
    data = bytearray(("美国宣布对中国实施新的芯片出口管制，日本和荷兰加入了美国的行动。\n" * 10).encode("utf-8"))
    data[30] = 0xFF
    data[200] = 0x41
    (tmp_path / "zh.txt").write_bytes(bytes(data))
    doc = read_path(tmp_path / "zh.txt", "zh.txt")
    assert doc.encoding == "utf-8" and doc.paragraphs
    assert any("invalid UTF-8" in w for w in doc.warnings)


def test_english_utf16_without_bom(tmp_path):
    text = GOOD * 3
    for enc in ("utf-16-le", "utf-16-be"):
        data = text.encode(enc)
        assert decode_checked(data)[:2] == (text, enc)
        assert decode_checked(data + b"x")[1] == enc  # an odd last byte
    (tmp_path / "u16.md").write_bytes(GOOD.encode("utf-16-le"))
    assert read_path(tmp_path / "u16.md", "u16.md").headline == "Good article"


def test_legacy_encodings_still_detected():
    zh = ("美国对中国半导体出口管制，日本和荷兰加入。" * 30).encode("gb18030")
    assert decode_checked(zh)[1] == "gb18030"


def test_deep_html_is_read_to_its_text():
    for depth in (255, 5000):
        body = "<div>" * depth + "<p>美国宣布对中国实施新的芯片出口管制。</p>" + "</div>" * depth
        page = ('### 标题\n\n<div class="post_content">' + body + "<p>第二段。</p></div>\n"
                "原文链接：https://www.epochtimes.com/gb/23/7/3/n1.htm\n")
        doc = read_text(page, "deep.md")
        assert doc.paragraphs == ["美国宣布对中国实施新的芯片出口管制。", "第二段。"], depth


def test_link_text_in_a_url_field_does_not_drop_the_article():
    page = ('### 中美芯片战\n\n<div class="post_content"><p>【大纪元2023年07月03日讯】美国对中国实施芯片出口管制。</p>'
            '<p><a href="https://【内幕】中美芯片战升级/">【内幕】中美芯片战升级</a></p></div>\n'
            "原文链接：https://www.epochtimes.com/gb/23/7/3/n1.htm\n")
    doc = read_text(page, "page.md")
    assert doc.headline == "中美芯片战" and doc.url.startswith("https://www.epochtimes.com/")


# ----------------------------------------------------------------------------- contract gaps
def test_every_actor_has_a_preflabel_and_one_date(tmp_path):
    a = ('---\ntitle: "One"\noriginalUrl: "https://ex.org/one"\ndate: 2023-07-01\nauthor: "Jane Roe"\n'
         'provider:\n  name: "Some Outlet"\n  domain: "someoutlet.example"\n---\nBody.\n')
    b = a.replace("2023-07-01", "2023-07-05")  # the same article (same URL), another date
    (tmp_path / "a.md").write_text(a, encoding="utf-8")
    (tmp_path / "b.md").write_text(b, encoding="utf-8")
    out = tmp_path / "out"
    result = kg.build([tmp_path])
    result.write(out)
    store = kg.open_store(out)
    missing = list(store.query("SELECT ?x WHERE { ?x a ?t . VALUES ?t { schema:Person schema:Organization "
                               "schema:Country } FILTER NOT EXISTS { ?x skos:prefLabel ?l } }"))
    assert missing == []
    dates = list(store.query("SELECT DISTINCT ?d WHERE { ?a kg:sourceFile ?f ; schema:datePublished ?d }"))
    assert [d["d"].value for d in dates] == ["2023-07-01"]
    assert any("datePublished conflict" in w["warning"] and w["file"] == "b.md" for w in result.report["warnings"])


def test_arabic_and_hebrew_names_are_not_tagged_english():
    from kg.text import detect_language

    assert detect_language("محمد بن سلمان") == "und-Arab"
    assert detect_language("בנימין נתניהו") == "und-Hebr"
    assert detect_language("Mohammed bin Salman") == "en"
    assert detect_language("美国商务部") == "zh-Hans"


def test_a_stray_nul_costs_the_byte_not_the_article():
    text, enc, warnings = decode_checked(GOOD.replace("restricts", "re\x00stricts").encode("utf-8"))
    assert "restricts" in text and "NUL" in warnings[0]
    with pytest.raises(Exception, match="binary"):
        decode_checked(bytes(range(256)) * 8)


def test_a_graph_the_store_cannot_load_is_a_clear_error_without_debris(seeds_build, tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    out, _ = seeds_build
    bad = tmp_path / "bad"
    shutil.copytree(out, bad, ignore=shutil.ignore_patterns(".store"))
    with open(bad / "graph.nq", "a", encoding="utf-8") as fh:
        fh.write("<https://example.com/a%zz> <https://ex.org/p> <https://ex.org/o> .\n")
    res = CliRunner().invoke(app, ["neighbors", "Japan", "--graph", str(bad)])
    assert res.exit_code == 1 and "cannot be loaded into the query store" in res.output
    assert not [p for p in os.listdir(bad) if p.startswith("..store")]


def test_debris_of_killed_builds_is_cleaned_at_the_next_build(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    dead = 2 ** 22 + 12345  # above the usual pid_max: no such process
    (out / f".graph.nq.{dead}.abc123.tmp").write_text("partial", encoding="utf-8")
    (out / f"..store.tmp-{dead}").mkdir()
    mine = out / f".graph.ttl.{os.getpid()}.xyz.tmp"  # a live build's: kept
    mine.write_text("in progress", encoding="utf-8")
    kg.build([tmp_path / "in"]).write(out)
    left = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert left == sorted([".store", mine.name])


def test_unicode_line_separators_never_split_an_nquads_line(tmp_path):
    import rdflib

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(
        '---\ntitle: "Line\u2028separator\x85here"\noriginalUrl: "https://ex.org/a\u2028b"\n---\nBody.\n', encoding="utf-8")
    out = tmp_path / "out"
    kg.build([tmp_path / "in"]).write(out)
    ds = rdflib.Dataset()
    ds.parse(out / "graph.nq", format="nquads")
    assert "https://ex.org/a%E2%80%A8b" in (out / "graph.nq").read_text(encoding="utf-8")
    parse_all(out)
