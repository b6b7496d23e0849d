"""`kg validate`: the contract's SHACL shapes (ontology/shapes.ttl) over a build."""
from __future__ import annotations

import shutil

from typer.testing import CliRunner

from kg.cli import app
from kg.validate import validate


def test_a_seeds_build_conforms(seeds_build):
    out, _ = seeds_build
    report = validate(out)
    assert report.conforms, report.violations[:5]
    assert report.triples > 1000


def test_the_corpus_build_conforms(corpus_build):
    out, _ = corpus_build
    report = validate(out)
    assert report.conforms, report.violations[:5]


def test_contract_gaps_are_found(seeds_build, tmp_path):
    out, _ = seeds_build
    bad = tmp_path / "bad"
    shutil.copytree(out, bad, ignore=shutil.ignore_patterns(".store"))
    ttl = (bad / "graph.ttl").read_text(encoding="utf-8")
    ttl += ('\n<https://w3id.org/newskg/id/actor/nameless> a <https://schema.org/Person> .\n'
            '<https://w3id.org/newskg/id/article/twodates> a <https://schema.org/NewsArticle> ;\n'
            '  <https://schema.org/datePublished> "2023-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ,\n'
            '    "2023-01-02"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
            '<https://w3id.org/newskg/id/policy/odd> a <https://w3id.org/newskg/ontology#Policy> ;\n'
            '  <http://www.w3.org/2004/02/skos/core#prefLabel> "Odd"@en ;\n'
            '  <https://w3id.org/newskg/ontology#policyType> <https://w3id.org/newskg/ontology#Whatever> .\n')
    (bad / "graph.ttl").write_text(ttl, encoding="utf-8")
    report = validate(bad)
    assert not report.conforms
    found = {(v.shape, v.focus, v.path) for v in report.violations}
    assert ("Actor", "actor:nameless", "skos:prefLabel") in found
    assert ("Article", "article:twodates", "schema:datePublished") in found
    assert ("Policy", "policy:odd", "kg:policyType") in found
    res = CliRunner().invoke(app, ["validate", str(bad)])
    assert res.exit_code == 1 and "violation" in res.output and "actor:nameless" in res.output


def test_cli_validate_ok_and_missing(seeds_build, tmp_path):
    out, _ = seeds_build
    res = CliRunner().invoke(app, ["validate", str(out)])
    assert res.exit_code == 0 and "conforms" in res.output
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "none")])
    assert res.exit_code == 1 and "no build here" in res.output
