"""Policies: triggers, roles read from the sentence, one node per measure across articles,
and the role assertions that lead back to the sentence."""
from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Store

from kg import lexicon
from kg.extract.actors import find_mentions
from kg.extract.policies import ArticlePolicy, find_policies

from kg.policies import cluster_policies
from kg.terms import KG, KGR, RDF, SCHEMA


def policies(text: str) -> list[ArticlePolicy]:
    lex = lexicon.load()
    return find_policies(text, find_mentions(text, lex), lex)


def one(text: str) -> ArticlePolicy:
    found = policies(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, ptype, issuers, targets", [
    ("Japan's curbs on exports of chip-making equipment to China took effect on Sunday.",
     "ExportControl", ("japan",), {"china"}),
    ("Japanese curbs on exports of chip-making technology took effect.", "ExportControl", ("japan",), set()),
    ("The Netherlands announced export controls on lithography machines to China.",
     "ExportControl", ("netherlands",), {"china"}),
    ("荷兰政府周五公布新一轮出口管制措施，进一步限制该公司向中国出口其先进的芯片制造设备。",
     "ExportControl", ("netherlands",), {"china"}),
    ("美国对中国的出口管制再度升级。", "ExportControl", ("united-states",), {"china"}),
    ("The U.S. Treasury imposed sanctions on Huawei.", "Sanction", ("united-states", "us-department-of-the-treasury"),
     {"huawei"}),  # a body's measure is its state's too: either name finds it
    ("中国宣布对美光实施制裁。", "Sanction", ("china",), {"micron"}),
])
def test_issuer_and_targets_from_the_sentence(text, ptype, issuers, targets):
    p = one(text)
    assert (p.type, p.issuers, p.targets) == (ptype, issuers, targets)


def test_technologies_and_status():
    p = one("Japan's curbs on exports of chip-making equipment to China took effect on Sunday.")
    assert p.covers == {"chipmaking-equipment"}
    assert p.status == "in force"
    assert one("日本政府拟对华实施新的芯片出口管制。").status == "planned"


def test_named_measures_carry_their_issuer():
    p = one("此举被视为日本为打击“中国制造2025”努力的一部分。")
    assert (p.named, p.type, p.issuers) == ("made-in-china-2025", "IndustrialPolicy", ("china",))
    assert p.targets == set()  # an industrial plan is not aimed at whoever opposes it
    assert one("The CHIPS Act funds new fabs in Arizona.").named == "us-chips-act"


def test_a_target_the_article_plainly_implies():
    text = ("Japanese curbs on chip-making tools took effect on Sunday. "
            "It follows export controls the United States imposed on China last year.")
    by_issuer = {p.issuers: p for p in policies(text)}
    assert by_issuer[("japan",)].targets == {"china"}
    assert any(e.how == "inherited" and e.actor_id == "china" for e in by_issuer[("japan",)].evidence)


@pytest.mark.parametrize("text", [
    "China chip sector shares tumble on U.S. export curbs",   # issuer right before the trigger
    "商汤科技面对美国制裁",                                       # 面对 is "to face", not a target cue
])
def test_issuer_standing_right_before_the_trigger(text):
    assert one(text).issuers == ("united-states",)


@pytest.mark.parametrize("text", [
    "中共缺乏反制措施。",                        # no enacting verb: China enacts nothing here
    "日本计划设立一个新合作框架。",                 # an agreement with one party
    "Analysts expect new rules next year.",       # a weak trigger with neither technology nor export
    "The lockdown hit smartphone sales.",
])
def test_no_policy_without_a_reading(text):
    assert policies(text) == []


def _ap(targets, issuers=("united-states",)):
    return ArticlePolicy("ExportControl", issuers, targets=set(targets))


def test_one_measure_across_articles_and_time():
    a, b = "https://example.org/a", "https://example.org/b"
    close = cluster_policies([("2023-01-10", a, _ap({"china"})), ("2023-03-01", b, _ap({"china"}))])
    assert len(close) == 1 and len(close[0].members) == 2
    apart = cluster_policies([("2019-01-10", a, _ap({"china"})), ("2023-03-01", b, _ap({"china"}))])
    assert len(apart) == 2
    other_target = cluster_policies([("2023-01-10", a, _ap({"china"})), ("2023-01-11", b, _ap({"russia"}))])
    assert len(other_target) == 2
    no_target = cluster_policies([("2023-01-10", a, _ap({"china"})), ("2023-01-11", b, _ap(set()))])
    assert len(no_target) == 1
    body = cluster_policies([("2023-01-10", a, _ap({"china"})),
                             ("2023-01-11", b, _ap({"china"}, ("us-department-of-commerce",)))], lexicon.load())
    assert len(body) == 1  # a government body's measure is its state's


@pytest.fixture(scope="module")
def store(seeds_build):
    out, _ = seeds_build
    s = Store()
    s.bulk_load(path=str(out / "graph.nq"), format=__import__("pyoxigraph").RdfFormat.N_QUADS)
    return s


def test_policies_have_type_and_names_in_both_languages(store):
    rows = list(store.query(f"""
        SELECT ?p (COUNT(DISTINCT ?t) AS ?types) (GROUP_CONCAT(DISTINCT lang(?l)) AS ?langs) WHERE {{
          GRAPH ?g1 {{ ?a <{SCHEMA}mentions> ?p }} ?p a <{KG}Policy> ; <{KG}policyType> ?t ;
          <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} GROUP BY ?p""", use_default_graph_as_union=True))
    assert len(rows) >= 6
    for row in rows:
        assert int(row["types"].value) == 1
        assert {"en", "zh-hans"} <= set(row["langs"].value.lower().split())


def test_every_role_from_text_has_an_assertion_with_its_sentence(seeds_build, store):
    _, result = seeds_build
    texts = {}
    for doc in result.documents:
        from kg.graph import ArticleIndex
        texts[str(ArticleIndex.article_iri(doc))] = doc.text
    rows = list(store.query(f"""
        SELECT ?g ?ev ?s ?e WHERE {{ GRAPH ?g {{
          ?st a <{KG}Assertion> ; <{RDF}predicate> ?pred ; <{KG}evidence> ?ev ;
              <{KG}offsetStart> ?s ; <{KG}offsetEnd> ?e ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?g .
          FILTER(?pred IN (<{KG}issuedBy>, <{KG}targets>)) }} }}"""))
    assert rows
    for row in rows:
        text = texts[row["g"].value]
        assert text[int(row["s"].value):int(row["e"].value)] == row["ev"].value
    # and each role triple in an article graph has its assertion there
    missing = list(store.query(f"""
        SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ ?p <{KG}targets> ?o }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?st <{RDF}subject> ?p ; <{RDF}predicate> <{KG}targets> ; <{RDF}object> ?o }} }} }}"""))
    assert missing == []


def test_technologies_are_a_skos_vocabulary(store):
    rows = list(store.query(f"""
        SELECT ?t WHERE {{ ?p <{KG}covers> ?t . FILTER NOT EXISTS {{
          ?t a <http://www.w3.org/2004/02/skos/core#Concept> ;
             <http://www.w3.org/2004/02/skos/core#inScheme> <{KGR}scheme/technologies> }} }}""",
                            use_default_graph_as_union=True))
    assert rows == []


@pytest.mark.parametrize("name", ["policies.yaml", "relations.yaml", "technologies.yaml", "matching.yaml"])
def test_rule_files_hold_only_strings(name):
    """YAML reads a bare `on` or `no` as a boolean: every phrase must stay a string."""
    from kg.resources import load_yaml

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for item in node:
                assert isinstance(item, (str, dict)), f"{name}{where}: {item!r} is not a string (quote it)"
                walk(item, where)

    walk(load_yaml(name), "")
