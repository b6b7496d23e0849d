"""The build against the contract, read back through SPARQL as users do."""
from __future__ import annotations

import pytest

import kg
from conftest import SEEDS
from kg import iri

P = """PREFIX kg: <https://w3id.org/newskg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def rows(out, query):
    """SELECT results as tuples of plain strings."""
    store = kg.open_store(out)
    return [tuple(t.value if t is not None else None for t in sol) for sol in store.query(P + query)]


def test_every_input_is_an_article_with_contract_metadata(corpus_build):
    out, result = corpus_build
    arts = rows(out, """SELECT ?a ?f ?lang WHERE { ?a a schema:NewsArticle ; kg:sourceFile ?f ;
                         schema:inLanguage ?lang ; schema:headline ?h }""")
    files = {f for _, f, _ in arts}
    assert "000_b9475b12781277b5.txt" in files
    assert "corpus/epoch/column-figure.md" in files  # relative to the input argument
    assert {lang for *_, lang in arts} == {"en", "zh-Hans"}
    assert result.report["files_read"] == result.report["files_seen"] == 11


def test_duplicate_files_are_one_article_listing_both(corpus_build):
    out, result = corpus_build
    r = rows(out, """SELECT ?a (COUNT(?f) AS ?n) WHERE { ?a kg:sourceFile ?f } GROUP BY ?a HAVING (COUNT(?f) > 1)""")
    assert len(r) == 1 and r[0][1] == "2"
    dup = result.report["duplicates"]
    assert dup[0]["files"] == ["corpus/epoch/ncid283/n14097237.md", "corpus/epoch/nf1412576/n14097237.md"]
    assert result.report["articles"] == 10


def test_links_have_relatedTo_and_their_sub_property(seeds_build):
    out, _ = seeds_build
    r = rows(out, """SELECT ?p (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?a kg:relatedTo ?b .
                     FILTER(?p != kg:relatedTo) } GROUP BY ?p ORDER BY ?p""")
    counts = {p.rsplit("#", 1)[1]: int(n) for p, n in r}
    assert counts == {"relatedArticle": 2, "previousArticle": 1, "nextArticle": 1, "recommends": 19, "mirrorOf": 1}
    # every related resource is a NewsArticle with what the link tells (a headline here)
    r = rows(out, """SELECT ?b WHERE { ?a kg:relatedTo ?b . FILTER NOT EXISTS { ?b a schema:NewsArticle ; schema:headline ?h } }""")
    assert r == []


def test_mirror_points_to_original_with_same_url(seeds_build):
    out, _ = seeds_build
    r = rows(out, """SELECT ?m ?o ?u WHERE { ?m kg:mirrorOf ?o . ?m schema:url ?u . ?o schema:url ?u }""")
    assert len(r) == 1 and r[0][2] == "https://www.epochtimes.com/gb/23/7/3/n14027407.htm"
    assert r[0][0] != r[0][1]


def test_publisher_author_topics_dates(seeds_build):
    out, _ = seeds_build
    r = rows(out, """SELECT ?name WHERE { ?a kg:sourceFile "001_5a2ab71ca70b4191.txt" ; schema:publisher ?p .
                     ?p a schema:Organization ; schema:name ?name }""")
    assert r == [("大纪元",)]
    r = rows(out, """SELECT ?n WHERE { ?a kg:sourceFile "001_5a2ab71ca70b4191.txt" ; schema:author ?p .
                     ?p a schema:Person ; schema:name ?n }""")
    assert r == [("李言",)]
    r = rows(out, """SELECT ?d (DATATYPE(?d) AS ?t) WHERE { ?a kg:sourceFile ?f ; schema:datePublished ?d } ORDER BY ?d""")
    assert [x[0] for x in r] == ["2023-07-03", "2023-07-24T09:51:00Z"]
    assert r[0][1].endswith("#date") and r[1][1].endswith("#dateTime")
    r = rows(out, """SELECT ?l WHERE { ?a kg:sourceFile "000_b9475b12781277b5.txt" ; schema:about ?t .
                     ?t a skos:Concept ; skos:prefLabel ?l } ORDER BY ?l""")
    assert [x[0] for x in r] == ["AI", "AI Hardware"]


def test_plain_text_article_has_derived_headline_and_no_date(seeds_build):
    out, _ = seeds_build
    r = rows(out, """SELECT ?h ?d WHERE { ?a kg:sourceFile "002_5c974a76c5b43419.txt" ; schema:headline ?h ;
                     kg:headlineDerived ?d . FILTER NOT EXISTS { ?a schema:datePublished ?x } }""")
    assert len(r) == 1 and r[0][1] == "true"


def test_named_graph_per_article(seeds_build):
    out, _ = seeds_build
    store = kg.open_store(out)
    r = list(store.store.query(P + "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g kg:sourceFile ?f } }"))
    assert len(r) == 3


def test_linked_article_that_is_an_input_is_the_same_node(tmp_path):
    a = tmp_path / "a.md"
    b = tmp_path / "b.md"
    a.write_text('---\ntitle: "A"\nwebUrl: "https://ex.org/a"\nrelated:\n  - title: "B"\n'
                 '    webUrl: "http://www.ex.org/b/?utm_source=x"\n---\n', encoding="utf-8")
    b.write_text('---\ntitle: "B"\nwebUrl: "https://ex.org/b"\n---\n', encoding="utf-8")
    result = kg.build([tmp_path])
    result.write(tmp_path / "out")
    r = rows(tmp_path / "out", "SELECT ?b ?f WHERE { ?a kg:relatedArticle ?b . ?b kg:sourceFile ?f }")
    assert [x[1] for x in r] == ["b.md"]


def test_bad_files_are_reported_and_the_build_goes_on(tmp_path):
    (tmp_path / "good.md").write_text('---\ntitle: "Good"\nwebUrl: "https://ex.org/g"\n---\n', encoding="utf-8")
    (tmp_path / "bad.md").write_text('---\ntitle: "unclosed\n---\n', encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    result = kg.build([tmp_path])
    assert result.report["files_read"] == 1
    reasons = {s["file"]: s["reason"] for s in result.report["skipped"]}
    assert set(reasons) == {"bad.md", "blob.bin"}
    assert "invalid YAML" in reasons["bad.md"] and "binary" in reasons["blob.bin"]


def test_a_build_and_its_write_put_back_the_callers_garbage_collector_settings(tmp_path, monkeypatch):
    import gc

    import kg.pipeline

    (tmp_path / "good.md").write_text('---\ntitle: "Good"\nwebUrl: "https://ex.org/g"\n---\n', encoding="utf-8")
    before = gc.get_threshold()
    try:
        gc.set_threshold(650, 9, 11)
        kg.build([tmp_path])
        assert gc.get_threshold() == (650, 9, 11)
        seen = []

        def failing(*args):
            seen.append(gc.get_threshold())
            raise RuntimeError("disk full")

        result = kg.build([tmp_path])
        monkeypatch.setattr(kg.pipeline, "_build", failing)
        with pytest.raises(RuntimeError):  # and when the build fails
            kg.build([tmp_path])
        assert seen[0][2] > 11 and gc.get_threshold() == (650, 9, 11)

        import kg.exporters  # the write too: fewer full passes while it runs, the caller's after

        real = kg.exporters._write_all
        monkeypatch.setattr(kg.exporters, "_write_all", lambda *a: seen.append(gc.get_threshold()) or real(*a))
        result.write(tmp_path / "out")
        assert (tmp_path / "out" / "graph.nq").is_file()
        assert seen[1][2] > 11 and gc.get_threshold() == (650, 9, 11)
    finally:
        gc.set_threshold(*before)


def test_missing_input_is_a_build_error(tmp_path):
    with pytest.raises(kg.BuildError, match="no such file"):
        kg.build([tmp_path / "nope"])


def test_iris_are_valid_and_stable():
    assert iri.safe_iri("https://ex.org/a b<c>") == "https://ex.org/a%20b%3Cc%3E"
    assert iri.article("https://EX.org/a#frag") == iri.article("http://www.ex.org/a/")
    assert iri.article("https://ex.org/a") != iri.article("https://ex.org/a", mirror=True)
    assert iri.actor("Associated Press").endswith("/actor/associated-press")
    assert iri.topic("供应链").endswith("/topic/供应链")


def test_progress_covers_both_passes_and_ends_complete():
    calls = []
    kg.build([SEEDS], progress=lambda done, total: calls.append((done, total)))
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] == 6  # three files read, then three extracted


def test_a_malformed_rules_file_stops_the_build_with_its_error(monkeypatch):
    """A broken ontology/policies.yaml is one clear error, not every article skipped."""
    import yaml

    from kg.extract import policies
    from kg.pipeline import BuildError

    def broken(name):
        raise yaml.YAMLError(f"{name}: did not find expected key")

    policies.rules.cache_clear()
    monkeypatch.setattr(policies, "load_yaml", broken)
    try:
        with pytest.raises(BuildError, match="ontology/ cannot be read.*did not find expected key"):
            kg.build([SEEDS])
    finally:
        monkeypatch.undo()
        policies.rules.cache_clear()
    assert kg.build([SEEDS]).report["files_skipped"] == 0  # the rules read again once mended


def test_a_build_whose_every_file_is_skipped_reports_them(tmp_path):
    from kg.pipeline import build

    (tmp_path / "bad.md").write_bytes(b"\xff\xfe\x00junk")
    for cache in (None, tmp_path / "out"):
        result = build([tmp_path / "bad.md"], cache=cache)
        assert result.report["articles"] == 0
        assert [s["file"] for s in result.report["skipped"]] == ["bad.md"]
