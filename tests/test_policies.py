"""Policies: triggers, roles read from the sentence, one node per measure across articles,
and the role assertions that lead back to the sentence."""
from __future__ import annotations

import pytest
from pyoxigraph import Store

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
    # a trigger that is itself the verb, after an auxiliary: the subject enacts it
    ("Japan will restrict exports of chipmaking equipment to China.", "ExportControl", ("japan",), {"china"}),
    ("South Korea would ban exports of lithography machines to Russia.", "ExportControl", ("south-korea",), {"russia"}),
    # a passive with the sufferer's state before what suffers (中国芯片被限制): the state named
    # in the clause before is the issuer, not the sufferer
    ("因美国制裁，中国芯片被限制在14纳米。", "ExportControl", ("united-states",), {"china"}),
    # a firm of the issuer's own state is regulated, not targeted: the buyers are
    ("美国禁止英伟达向中国出售高端芯片。", "ExportControl", ("united-states",), {"china"}),
    # a passive whose subject is no actor (多款DUV…被禁出口中国): no sufferer, and the clause
    # openers do not enact it; the measure named in the sentence does
    ("德国博世公司今年一直在向中国运送设备，但多款设备在美国新出口限制下，将被禁出口中国。",
     "ExportControl", ("united-states",), {"china"}),
    # an English noun adjunct is the target when "by" names the issuer; a demonym after "in" is no place
    ("Iran sanctions were tightened by the EU.", "Sanction", ("european-union",), {"iran"}),
    ("The US banned investment in Chinese quantum firms.", "InvestmentControl", ("united-states",), {"china"}),
    # an English subject set off from its verb by a parenthetical clause
    ("Canada, which had long resisted such steps, imposed export controls on Iran on Friday.",
     "ExportControl", ("canada",), {"iran"}),
    ("Prices rose as the Canadian government, citing security concerns, continues to tighten restrictions on "
     "exports of chips to Iran.", "ExportControl", ("canada",), {"iran"}),
    # the clause after the trigger's says what the measure does, and names its target
    ("德国上月公布了一套出口管制措施，包括切断俄罗斯企业获得高端芯片的渠道。", "ExportControl", ("germany",), {"russia"}),
    # a list after the measure names its targets, not the nationality of what it lists
    ("The EU imposed sanctions on six firms, including Huawei and ZTE.", "Sanction", ("european-union",), {"huawei", "zte"}),
    ("英国对伊朗军方祭出新一波制裁，其中包括法国、瑞士的实体与个人，以及华为公司。", "Sanction",
     ("united-kingdom",), {"iran", "huawei"}),
    # the head of a target's noun phrase is a target too (对中国特别行政区澳门)
    ("加拿大对中国特别行政区香港祭出同样的出口限制。", "ExportControl", ("canada",), {"hong-kong"}),
    # an English measure with no issuer in its clause: whoever announces it, or its possessive's subject
    ("On May 2, the Canadian government announced that the export of gallium, a metal used in chips, "
     "will soon be restricted.", "ExportControl", ("canada",), set()),
    ("Canada said it would restrict exports of chips to Iran.", "ExportControl", ("canada",), {"iran"}),
    ("Before the rules are codified, the Canadian government must review its past export controls.",
     "ExportControl", ("canada",), set()),
    # a ban on a foreign firm's products in the issuer's own market is a sanction on the firm
    ("中国上周日发布针对美光科技公司的芯片禁令。", "Sanction", ("china",), {"micron"}),
    ("中国宣布禁止美光公司在中国销售芯片。", "Sanction", ("china",), {"micron"}),
    # a state luring foreign firms runs an industrial policy; the firms' state is no issuer
    ("Vietnam is seeking to lure Japanese businesses to relocate from China.", "IndustrialPolicy", ("vietnam",), set()),
    # limits on people's movement (visas, journalists) are no export controls
    ("Canada imposed 30-day limits on work visas for Iranian journalists.", "OtherPolicy", ("canada",), {"iran"}),
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
    "拉维周二出席了加拿大参议院的出口管制听证会。",    # a hearing on export controls is no measure
    "Canada's export control expert John Smith said the rules were vague.",  # nor is an expert
    "Stocks fell on Friday, dented by the Canadian prime minister's threat to impose new tariffs on Iran.",  # a threat
    "中共缺乏反制措施。",                        # no enacting verb: China enacts nothing here
    "日本计划设立一个新合作框架。",                 # an agreement with one party
    "Analysts expect new rules next year.",       # a weak trigger with neither technology nor export
    "The lockdown hit smartphone sales.",
    "德国尽力游说法国、意大利制裁俄罗斯。",     # the lobbied are urged, they enact nothing (yet)
    "The UK lobbied Canada to restrict exports of chips to Iran.",
    "Iran, the target of sweeping curbs, criticized export controls.",   # the subject only speaks of them
    "评论员认为，伊朗此举显示了对外界加强芯片管制动作的担心。",        # the measure is what the subject worries about
    "The U.S. and China held talks as their tariff war dragged on.",  # the war, not one of its measures
    "它在国际上对AI的应用其实也会加剧对抗，可能也会导致更多西方在资本、技术方面的打压和限制。",   # a predicted consequence, not a measure
    "A ban could lead to new Japanese curbs on chips.",
    "毛宁说，“中方将采取一切必要反制措施，维护我们的合法权益。”",   # the usual warning, no measure
    "China said it would take all necessary countermeasures.",
    # the urged enact nothing yet, the clause before says so; nor does where the targets come from
    "9名美国参议员周二敦促拜登政府，针对华为云和其它来自中国的云服务提供商实施制裁，理由是它们对美国国家安全造成威胁。",
    "巴尔说，“中国（中共）领先会让美国失去制裁的权力”。",   # the power to sanction, no sanction
    # a passive with no agent: neither the place (在中国) nor the clause's subject enacts it
    "尽管大多数西方国家普遍使用的社群媒体平台在中国被禁止，腾讯的微信平台在中国无处不在。",
    "根据新规定，英特尔7月份开始在中国销售的Gaudi 2芯片将被禁止。",
    # the invader is named as the cause of the sanctions, others imposed them
    "俄罗斯一家处理器制造商考虑把生产线移回国内，以应对因莫斯科入侵乌克兰而针对其实施的经济制裁。",
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


# ------------------------------------------------------------------ issue 11: what a reader signs
def by_issuer(text: str) -> dict:
    return {p.issuers: p for p in policies(text)}


def test_coordinated_issuers_are_one_measure_each():
    found = by_issuer("Japan and Netherlands are joining the US in chip restrictions on China")
    assert set(found) == {("japan",), ("netherlands",), ("united-states",)}
    assert all(p.targets == {"china"} and p.type == "ExportControl" for p in found.values())
    # "from" names issuers; the group that opposes them issues nothing, and none of the
    # three is another's target
    found = by_issuer("Chinese chip trade group opposes export controls from U.S., Netherlands, Japan")
    assert set(found) == {("japan",), ("netherlands",), ("united-states",)}
    assert all(p.targets == {"china"} for p in found.values())


@pytest.mark.parametrize("text, ptype, issuers, targets", [
    ("China restricts exports of semiconductor metals", "ExportControl", ("china",), None),
    ("The Commerce Department added YMTC and 35 other Chinese firms to the Entity List.",
     "ExportControl", ("united-states", "us-department-of-commerce"), {"ymtc", "china"}),
    ("美国将长江存储列入实体清单。", "ExportControl", ("united-states",), {"ymtc"}),
    ("包括禁止高阶芯片出售中国。", None, None, None),   # no issuer named: not a measure of anyone's
    ("美国禁止高阶芯片出售中国。", "ExportControl", ("united-states",), {"china"}),
    ("美或对ASML祭新限制", "ExportControl", ("united-states",), {"asml"}),
    ("中共禁美光芯片", "Sanction", ("china",), {"micron"}),
    ("The US hit Huawei with harsh sanctions.", "Sanction", ("united-states",), {"huawei"}),
])
def test_measures_read_from_verbs_and_nouns(text, ptype, issuers, targets):
    found = policies(text)
    if ptype is None:
        assert found == []
        return
    p = one(text)
    assert (p.type, p.issuers) == (ptype, issuers)
    if targets is not None:
        assert p.targets == targets


def test_a_target_is_never_the_issuer_nor_its_people():
    p = one("美国也限制美国公民和永久居民在中国芯片公司从事某些技术工作。")
    assert p.issuers == ("united-states",) and "united-states" not in p.targets


@pytest.mark.parametrize("text", [
    "中共外交部发言人毛宁指责“某些国家”胁迫和诱导其它国家对华采取出口限制措施。",  # a complaint, not a measure
    "China's foreign ministry criticized the curbs.",
    "Japan has no plans to impose export controls on chips.",                   # a denial
    "如果美国实施新的出口管制，中国将受到影响。",                                    # a hypothetical
])
def test_who_speaks_of_a_measure_or_denies_it_does_not_issue_it(text):
    assert not any("china" in p.issuers or "china-mfa" in p.issuers or "japan" in p.issuers or
                   "united-states" in p.issuers for p in policies(text))


def test_a_body_and_its_state_both_name_the_issuer():
    p = one("美国商务部宣布新的芯片出口管制措施，限制向中国出口先进芯片。")
    assert p.issuers == ("united-states", "us-department-of-commerce") and p.targets == {"china"}


def test_named_measures_absorb_mentions_of_their_technology():
    p = one("China said it would impose export controls on gallium.")
    assert p.named == "china-gallium-germanium-controls"


def test_distinct_targets_are_distinct_measures():
    a, b, c = "https://example.org/a", "https://example.org/b", "https://example.org/c"
    nodes = cluster_policies([("2022-10-07", a, _ap({"china"})), ("2022-12-15", b, _ap({"ymtc"})),
                              ("2022-12-16", c, _ap({"china", "ymtc"}))])
    assert sorted(len(n.members) for n in nodes) == [1, 2]  # the YMTC listing is its own event


def test_policy_card_counts_the_articles_behind_each_role(tmp_path):
    import json
    from typer.testing import CliRunner
    import kg
    from kg.cli import app

    docs = tmp_path / "docs"
    docs.mkdir()
    for i, body in enumerate(["Japan's curbs on exports of chip-making tools to China took effect.",
                              "Japan's export controls on chip equipment to China are in force."]):
        (docs / f"{i}.md").write_text(f'---\ntitle: "Japan curbs {i}"\nexcerpt: "{body}"\n'
                                      f'publishedDateTime: 2023-07-2{i}T00:00:00Z\n'
                                      f'originalUrl: "https://example.com/{i}"\n---\n', encoding="utf-8")
    kg.build([docs]).write(tmp_path / "out")
    got = CliRunner().invoke(app, ["show", "policy:japan-exportcontrol-china-2023-07", "--format", "json",
                                   "--graph", str(tmp_path / "out")])
    assert got.exit_code == 0, got.output
    card = json.loads(got.output)
    assert card["issued_by"][0]["label"] == "Japan" and card["issued_by"][0]["articles"] == 2
    assert card["targets"][0]["label"] == "China" and card["targets"][0]["articles"] == 2
    assert card["issued_by"][0]["source"] == "articles"


def test_a_named_measures_known_issuer_is_shown_as_the_lexicons(tmp_path):
    import json
    from typer.testing import CliRunner
    import kg
    from kg.cli import app

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text('---\ntitle: "Gallium curbs"\nexcerpt: "Export controls on gallium and germanium '
                               'took effect on Tuesday."\npublishedDateTime: 2023-08-01T00:00:00Z\n'
                               'originalUrl: "https://example.com/g"\n---\n', encoding="utf-8")
    kg.build([docs]).write(tmp_path / "out")
    got = CliRunner().invoke(app, ["show", "policy:china-gallium-germanium-controls", "--format", "json",
                                   "--graph", str(tmp_path / "out")])
    assert got.exit_code == 0, got.output
    (issuer,) = json.loads(got.output)["issued_by"]
    assert issuer["label"] == "China" and issuer["articles"] == 0 and issuer["source"] == "lexicon"


@pytest.mark.parametrize("text, issuers, targets", [
    ("SMIC, China's largest chipmaker, was added to the Entity List in 2020.",
     ("bureau-of-industry-and-security", "united-states"), {"smic"}),
    ("Huawei was blacklisted by the US in 2019.", ("united-states",), {"huawei"}),
])
def test_passive_designations(text, issuers, targets):
    p = one(text)
    assert (p.type, p.issuers, p.targets) == ("ExportControl", issuers, targets)


@pytest.mark.parametrize("text, expected", [
    # "from" names issuers only right after the trigger
    ("The US imposed restrictions on purchases of chip-making equipment from China.", {("united-states",)}),
    # listed countries are issuers, not one another's targets
    ("Countries including Japan and the Netherlands imposed export controls on chips.", {("japan",), ("netherlands",)}),
    # "not only" negates nothing
    ("The US not only imposed export controls on China but also sanctions on Huawei.", {("united-states",)}),
    # a conjunction between technologies is no stop between issuer and trigger
    ("US chip and AI curbs on China took effect.", {("united-states",)}),
    # "added that" reports speech, not a listing
    ("China added that Washington's moves amounted to sanctions.", set()),
    # 韩正 is a person, not 韩 (South Korea) opening the clause
    ("韩正对美国的出口管制表示不满。", {("united-states",)}),
])
def test_issuers_read_past_traps(text, expected):
    assert {p.issuers for p in policies(text)} == expected


def test_a_named_measure_is_one_node_whoever_the_sentence_names():
    a, b = "https://example.org/a", "https://example.org/b"
    named = [("2023-07-03", a, ArticlePolicy("ExportControl", ("china", "mofcom"), "china-gallium-germanium-controls")),
             ("2023-07-04", b, ArticlePolicy("ExportControl", ("china",), "china-gallium-germanium-controls"))]
    nodes = cluster_policies(named, lexicon.load())
    assert len(nodes) == 1 and len({n.iri for n in nodes}) == 1


@pytest.mark.parametrize("text, issuers, targets", [
    ("英国政府将阻止中资企业安世半导体（Nexperia）收购英国最大的芯片工厂。", ("united-kingdom",), {"nexperia"}),
    ("白宫公布一项行政命令，限制美国在人工智能领域对中国企业的投资。", ("united-states", "white-house"), {"china"}),
])
def test_investment_controls(text, issuers, targets):
    p = one(text)
    assert (p.type, p.issuers, p.targets) == ("InvestmentControl", issuers, targets)


@pytest.mark.parametrize("text, issuers, targets", [
    ("The US expanded China chip curbs on Tuesday.", ("united-states",), {"china"}),   # a bare name adjunct: the target
    ("China’s chip industry set for deep pain from US export controls", ("united-states",), {"china"}),
])
def test_a_name_before_the_trigger_after_an_enacting_subject(text, issuers, targets):
    p = one(text)
    assert (p.issuers, p.targets) == (issuers, targets)


def test_a_partner_in_a_measure_taken_enacts_its_own():
    # "美国联合日本加大对中共设备管制": each state takes its own measure against the target
    found = {(p.issuers, frozenset(p.targets)) for p in policies("加拿大联合英国加大对伊朗的设备管制。")}
    assert found == {(("canada",), frozenset({"iran"})), (("united-kingdom",), frozenset({"iran"}))}
    # partners in a plan shape the planner's measure and have none of their own yet
    planned = policies("日本政府拟联手美、德等国家制定新的出口管制框架。")
    assert [p.issuers for p in planned] == [("japan",)]


def test_a_bare_state_before_the_measure_is_its_target_where_the_article_says_so():
    # "Iran chip restrictions" in an article on measures against Iran: Iran is no issuer
    text = ("Amid possible expanded Iran chip restrictions, officials met in Ottawa.\n"
            "Export controls are seen as protecting Canada's security against Iran.")
    assert all("iran" not in p.issuers for p in policies(text))
    # ... while "US chip curbs" in an article that never targets the US are the US's
    assert [(p.issuers, p.targets) for p in policies("US chip curbs hit Nvidia sales in China.")] == \
        [(("united-states",), {"china"})]


def test_an_agreement_carried_out_by_both_sides():
    p = one("U.S. and Chinese trade negotiators promised to create favorable conditions for carrying out a truce.")
    assert (p.type, p.issuers) == ("CooperationAgreement", ("china", "united-states"))


def test_a_weak_trigger_after_a_measure_is_its_head_noun():
    found = policies("美国商务部9月22日发布《芯片与科学法案》国家安全护栏最终规则，以防止资金让中共受益。")
    assert sorted(p.type for p in found) == ["IndustrialPolicy", "InvestmentControl"]
    assert one("Japan issued export control rules on chips to China.").type == "ExportControl"


def test_a_cause_is_no_issuer_but_the_measure_right_after_it_is_its_own():
    assert one("华为因美国制裁而受损。").issuers == ("united-states",)
    assert one("因此美国对中国实施制裁。").issuers == ("united-states",)  # 因此 "therefore" names no cause


def test_a_memorandum_between_one_states_bodies_is_no_agreement():
    assert [p.type for p in policies("商务部和国防部于7月发布了一份备忘录，以扩大合作，确保技术不会被中国获取。")
            if p.type == "CooperationAgreement"] == []
    assert one("美国和日本签署了一份合作备忘录。").issuers == ("japan", "united-states")



@pytest.mark.parametrize("text", [
    "美国的出口管制核心是芯片。拜登上台后，公布了一系列措施，还与日本和荷兰合作，切断中共获得芯片制造关键设备的渠道。",
    "The US worked with Japan and the Netherlands to restrict China's access to chipmaking tools.",
])
def test_states_acting_together_against_a_third_is_an_agreement_aimed_at_it(text):
    deals = [p for p in policies(text) if p.type == "CooperationAgreement"]
    assert [(p.issuers, p.targets) for p in deals] == [(("japan", "netherlands", "united-states"), {"china"})]


def test_cooperation_without_a_restrictive_purpose_or_a_state_partner_is_no_agreement():
    assert [p for p in policies("美国与所有愿意的国家和金融实体合作，阻止哈马斯融资。") if p.type == "CooperationAgreement"] == []
    assert [p for p in policies("The US worked with Japan on a new research centre.") if p.type == "CooperationAgreement"] == []


@pytest.mark.parametrize("text, targets", [
    ("美国商务部将科大讯飞、旷视科技、海康威视列入美国管制实体清单。", {"iflytek", "megvii", "hikvision"}),
    ("The Commerce Department added YMTC and 35 other firms to the Commerce Department's Entity List.", {"ymtc"}),
])
def test_every_listed_firm_is_a_target_whoever_owns_the_list(text, targets):
    p = one(text)
    assert (p.type, p.targets) == ("ExportControl", targets)


def test_goods_coordinated_with_an_investment_curb_are_an_export_control():
    found = policies("China Diplomat warns Washington of further restrictions on investment, AI chips")
    assert sorted((p.type, p.issuers) for p in found) == [("ExportControl", ("united-states",)),
                                                          ("InvestmentControl", ("united-states",))]
    assert [p.type for p in policies("The US imposed restrictions on investment in China.")] == ["InvestmentControl"]


@pytest.mark.parametrize("text, issuers", [
    ("中共2017年发布的《新一代人工智能发展规划》提出，到2030年成为人工智能领先者。", ("china",)),
    ("中国国务院在2017年9月发布的《国务院关于印发国家技术转移体系建设方案的通知》文件公开表示，鼓励合作。",
     ("china", "state-council")),
])
def test_a_plan_document_on_an_industry_is_an_industrial_policy(text, issuers):
    assert (one(text).type, one(text).issuers) == ("IndustrialPolicy", issuers)


def test_a_document_on_no_industry_is_no_plan():
    assert policies("香港政府公布《施政报告》。中国政府公布《关于做好春节假期安排的通知》。") == []


def test_a_state_building_manufacturing_clusters_is_an_industrial_plan_beside_the_act_that_funds_it():
    found = policies("美国商务部长雷蒙多表示，美国将从《芯片法案》中拨出资金，在2030年之前至少创建两个半导体制造业集群。")
    assert sorted((p.type, p.named or "") for p in found) == [("IndustrialPolicy", ""), ("IndustrialPolicy", "us-chips-act")]


def test_a_named_measure_on_goods_made_somewhere_targets_that_state():
    p = one("NDAA needs to tighten national security restrictions on chips made in China")
    assert (p.named, p.targets) == ("ndaa", {"china"})


def test_a_ban_on_buying_a_named_foreign_firms_chips_is_a_sanction_on_the_firm():
    p = one("上个月，中共监管机构禁止“关键信息基础设施”运营商购买美国公司美光科技的芯片。")
    assert (p.type, p.issuers, p.targets) == ("Sanction", ("china",), {"micron"})


def test_a_state_after_because_that_acts_itself_is_the_issuer():
    p = one("由于美国去年实施了严格的出口管制，中国企业难以获得先进芯片。")
    assert (p.type, p.issuers) == ("ExportControl", ("united-states",))


def test_the_firms_a_measure_binds_are_not_its_target():
    p = one("The US government is making it harder for US companies to export artificial-intelligence software.")
    assert (p.type, p.issuers, p.targets) == ("ExportControl", ("united-states",), set())
    assert one("The US imposed sanctions on Chinese companies.").targets == {"china"}


def test_a_state_opening_its_own_cue_phrase_enacts_inside_anothers():
    p = one("外界对日本对韩国的出口管制的效果表示质疑。")
    assert (p.type, p.issuers, p.targets) == ("ExportControl", ("japan",), {"south-korea"})


@pytest.mark.parametrize("text, ptype", [
    ("德国、法国、日本等国都提出了半导体补贴措施。", "IndustrialPolicy"),  # a whole industry's subsidies: plans
    ("日本政府计划补贴该厂一半的建设投资。", "Subsidy"),  # money for a plant
    ("日本政府将向美光提供补贴。", "Subsidy"),  # money for a named firm
])
def test_subsidies_for_a_whole_industry_are_an_industrial_plan(text, ptype):
    found = policies(text)
    assert found and {p.type for p in found} == {ptype}


@pytest.mark.parametrize("text, issuers, named", [
    ("德国官员说，欧盟芯片法案的预算不够。", ("european-union",), "eu-chips-act"),  # another state's named act
    ("日本晶片法案下个月生效。", ("japan",), None),  # a state with no named act of its own
    ("中国批评美国芯片法案。", ("united-states",), "us-chips-act"),
])
def test_a_generic_act_name_after_a_state_is_that_states_act(text, issuers, named):
    p = one(text)
    assert (p.type, p.issuers, p.named) == ("IndustrialPolicy", issuers, named)


@pytest.mark.parametrize("text, issuers, targets", [
    ("总部位于深圳的华为早已被美国列入实体清单。", ("united-states",), {"huawei"}),  # an adverb before 被
    ("近日，遭美国制裁的中兴通讯公司发布财报。", ("united-states",), {"zte"}),  # a passive relative clause
])
def test_the_firm_that_suffers_a_passive_measure_is_its_target(text, issuers, targets):
    found = [p for p in policies(text) if p.targets]
    assert found and all(set(p.issuers) >= set(issuers) and p.targets == targets for p in found)


def test_money_from_a_state_for_the_firm_just_named_is_a_subsidy():
    found = policies("长鑫存储是中国的内存芯片厂商。它获得中国政府资金资助。")
    assert [(p.type, p.issuers) for p in found] == [("Subsidy", ("china",))]


@pytest.mark.parametrize("text", [
    "美国与德国和法国达成协议，让这些国家对出口到俄罗斯的机床实施新的限制。",
    "The US reached a deal with Germany and France, and these countries will restrict exports of machine tools to Russia.",
])
def test_a_plural_anaphor_enacting_a_measure_stands_for_the_states_named_together(text):
    controls = sorted(p.issuers for p in policies(text) if p.type == "ExportControl")
    assert controls == [("france",), ("germany",)]
    assert all(p.targets == {"russia"} for p in policies(text) if p.type == "ExportControl")


def test_a_quantifier_between_the_cue_and_the_target_keeps_the_target():
    p = one("据报导，法国正在考虑在其电信网络中禁止使用某些中兴设备。")
    assert (p.type, p.issuers, p.targets) == ("Sanction", ("france",), {"zte"})


def test_a_state_written_before_a_news_outlet_is_its_nationality_not_an_issuer():
    found = policies("美国《华尔街日报》周五报导，日本将收紧对中国的芯片设备出口管制。")
    assert [(p.type, p.issuers, p.targets) for p in found] == [("ExportControl", ("japan",), {"china"})]
    assert not any("united-kingdom" in p.issuers for p in policies(
        "英国《金融时报》报导，有关规定将全面禁止向中兴出售芯片。"))


def test_a_state_named_for_its_own_firms_and_goods_is_the_subject_that_enacts():
    p = one("德国政府已停止向德国公司发放对华为出口的许可证，此举将全面禁止向华为出售德国技术。")
    assert (p.issuers, p.targets) == (("germany",), {"huawei"})


@pytest.mark.parametrize("text", [
    "Washington tightens visas for Russian reporters",
    "The State Department is tightening visa guidelines for Russian journalists.",
])
def test_tightened_visas_are_a_measure_on_people(text):
    p = one(text)
    assert (p.type, p.targets) == ("OtherPolicy", {"russia"})


def test_the_actor_opening_the_clause_after_a_measure_as_topic_enacts_it():
    p = one("一位官员周五表示，关于限制向俄罗斯出口机床的新规则，德国政府很快就将公布细节。")
    assert (p.type, p.issuers, p.targets) == ("ExportControl", ("germany",), {"russia"})


def test_a_verb_trigger_opening_its_clause_has_the_previous_clauses_subject():
    p = one("韩国早在5月就加入美国的行列，限制对俄罗斯的芯片出口。")
    assert (p.issuers, p.targets) == (("south-korea",), {"russia"})
    # ... but not a party urged before it
    assert all("south-korea" not in p.issuers for p in policies("美国一直在游说其盟友，包括韩国，收紧对俄罗斯的芯片出口。"))


def test_a_place_telling_the_time_is_no_implied_target():
    found = policies("美国商务部在当地时间8日（香港时间9日）表示，正在评估出口管制。")
    assert all("hong-kong" not in p.targets for p in found)


def test_firms_a_ban_binds_are_not_its_target_whom_they_serve_is():
    p = one("分析师表示，华盛顿可能扩大禁令，阻止三星等合同芯片制造商为俄罗斯客户制造芯片。")
    assert (p.issuers, p.targets) == (("united-states",), {"russia"})


@pytest.mark.parametrize("text, target", [
    ("一家深圳初创公司正在帮助中兴绕过美方制裁。", "zte"),
    ("The startup helps ZTE evade U.S. sanctions.", "zte"),
])
def test_whoever_evades_a_measure_is_its_target(text, target):
    p = one(text)
    assert (p.issuers, p.targets) == (("united-states",), {target})


def test_the_subject_opening_a_passive_clause_suffers_it():
    p = one("2021年，中兴在前政府执政时被列入美国实体清单。")
    assert "zte" in p.targets


@pytest.mark.parametrize("text, issuers", [
    ("此外，德国政府此前推动的“半导体创新法案”进入立法最终讨论阶段。", ("germany",)),
    ("这是法国政府开始实施“芯片制造设施扶持计划”以来的首个项目。", ("france",)),
])
def test_a_quoted_plan_or_act_on_an_industry_is_an_industrial_policy(text, issuers):
    p = one(text)
    assert (p.type, p.issuers) == ("IndustrialPolicy", issuers)


def test_a_quoted_sentence_ending_in_plan_is_no_document():
    assert policies("他说：“这将防止中共利用美国技术推进其军事现代化计划”。") == []


def test_another_states_subject_publishing_a_generic_act_makes_it_its_own():
    p = one("2022年2月，欧盟公布《芯片法案》，计划投资430亿欧元。")
    assert (p.issuers, p.named) == (("european-union",), "eu-chips-act")
    assert one("日本为打击“中国制造2025”计划作出努力。").issuers == ("china",)  # a verb on someone else's


def test_a_state_after_a_lifting_verb_is_whom_the_measure_is_on():
    p = one("美国上周宣布放宽委内瑞拉制裁。")
    assert (p.issuers, p.targets) == (("united-states",), {"venezuela"})


def test_putting_firms_into_a_list_enacts_it():
    p = one("美国已将数十家俄罗斯企业放进黑名单。")
    assert (p.type, p.issuers, p.targets) == ("ExportControl", ("united-states",), {"russia"})


@pytest.mark.parametrize("text, issuers, targets", [
    ("周四，美国商务部将28家俄罗斯实体加入贸易黑名单。", ("united-states", "us-department-of-commerce"), {"russia"}),
    ("伊朗核研究所早在1997年就被列入美国出口黑名单。", ("united-states",), {"iran"}),  # the list's owner
    ("美国在半导体等关键技术方面对俄罗斯限制出口。", ("united-states",), {"russia"}),  # 方面对 is no 面对
    ("美国更试图通过出口限制切断俄罗斯获得芯片的途径。", ("united-states",), {"russia"}),
])
def test_more_ways_a_subject_enacts_a_measure(text, issuers, targets):
    p = one(text)
    assert (p.issuers, p.targets) == (issuers, targets)


def test_a_leader_enacts_for_the_state_the_lexicon_says_he_serves():
    p = one("拜登本月宣布的新出口管制措施，禁止向俄罗斯出售芯片。")
    assert (p.issuers, p.targets) == (("united-states",), {"russia"})
    assert policies("拜登批评俄罗斯的出口管制。")[0].issuers == ("russia",)  # speaking of it enacts nothing


@pytest.mark.parametrize("text", ["美国政府考虑撤销现有芯片许可。", "The US government revoked licenses for chip exports."])
def test_revoking_licences_is_an_export_control(text):
    p = one(text)
    assert (p.type, p.issuers) == ("ExportControl", ("united-states",))


def test_a_speakers_unstated_subject_after_a_speech_verb_is_the_speaker():
    p = one("日本经济产业省表示，将对韩国实施出口管制。")
    assert (p.issuers, p.targets) == (("japan", "meti"), {"south-korea"})
    assert one("日本外交部表示，韩国的出口管制违反规则。").issuers == ("south-korea",)  # speaking of another's


@pytest.mark.parametrize("text", [
    "他们呼吁，白宫立即将这家公司列入黑名单。",  # the clause before urges it
    "也因此，对俄罗斯的芯片出口禁令，中国政府表达了强烈反对。",  # the speaker's 反对 is no 对
])
def test_no_issuer_from_an_urged_party_or_a_speaker_opposing(text):
    assert not any("china" in p.issuers or "white-house" in p.issuers for p in policies(text))


def test_a_bill_in_book_title_marks_is_a_measure_of_its_sponsors_state():
    p = one("玛丽亚‧坎特威尔提出了《警卫法案》。")
    assert (p.type, p.issuers) == ("OtherPolicy", ("united-states",))
    # a title naming actors is a background law on them, no measure read from it
    assert policies("美国对澳门的政策建立在《美国澳门政策法案》的基础上。") == []


def test_an_official_of_one_states_bodies_enacts_for_that_state():
    p = one("雷蒙多宣布对中国实施新的出口管制。")
    assert (p.issuers, p.targets) == (("united-states",), {"china"})


@pytest.mark.parametrize("text", ["银行正在制定应急计划，一旦西方对俄罗斯制裁，他们不会毫无准备。",
                                  "专家说，这些举动称不上对美国的反制。"])
def test_a_condition_or_a_denial_of_a_measure_is_no_measure(text):
    assert policies(text) == []


@pytest.mark.parametrize("text, expected", [
    ("美国宣布限制中国对外投资。", [("InvestmentControl", ("united-states",), {"china"})]),  # 对外 is no 对 cue
    ("拜登签署芯片法案。", [("IndustrialPolicy", ("united-states",), set())]),  # the leader's own state's act
    ("中国商务部表示，已注意到对中国企业的出口管制。", []),  # the speaker only notes a measure
])
def test_review_regressions_stay_fixed(text, expected):
    assert [(p.type, p.issuers, p.targets) for p in policies(text)] == expected


@pytest.mark.parametrize("text", [
    "特里奥洛告诉CNBC，美国会提出有关美光科技的问题，而中方会提出出口管制问题。",
    "The two sides discussed the export controls issue at length.",
])
def test_a_measure_named_as_a_topic_raised_is_no_measure(text):
    assert not [p for p in policies(text) if p.type == "ExportControl"]


def test_the_house_committee_on_the_ccp_is_no_mention_of_china():
    lex = lexicon.load()
    text = "美国国会众议院对中共特别委员会主席加拉格尔表示，商务部应加强管制。"
    assert "china" not in {m.actor_id for m in find_mentions(text, lex)}


def test_a_state_that_bans_in_a_relative_clause_is_no_target():
    found = policies("外界解读是，习近平准备加倍对美国禁止的两个领域——人工智能和芯片行业提供资金支持。")
    assert not [p for p in found if "united-states" in p.targets]


def test_a_sanction_on_a_state_named_as_a_modifier_still_targets_it():
    found = policies("台湾加入美国对俄罗斯制裁的行动。")
    assert any("russia" in p.targets for p in found if p.type == "Sanction")


def test_a_firm_barred_from_serving_another_is_bound_and_the_served_is_the_target():
    found = policies("自台积电被美国禁止为华为旗下的海思科技生产先进芯片后，台积电营收明显减少。")
    assert found and all("tsmc" not in p.targets for p in found)
    assert any("huawei" in p.targets and "united-states" in p.issuers for p in found)


def test_an_unnamed_mention_of_a_named_measures_kind_by_its_state_is_that_measure():
    # the licences of the gallium controls are those controls, not a second Chinese measure
    text = "北京宣布对镓和锗实施出口管制。中国商务部收紧了这两种金属的出口许可。"
    (p,) = policies(text)
    assert p.named == "china-gallium-germanium-controls" and p.issuers == ("china",)
    assert len(p.sentences) == 2
    # a measure of the same state against someone else stays its own
    text = "北京宣布对镓和锗实施出口管制。十年前，中共还曾限制对日本的稀土出口。"
    found = {(p.named, tuple(sorted(p.targets))) for p in policies(text)}
    assert found == {("china-gallium-germanium-controls", ()), (None, ("japan",))}


@pytest.mark.parametrize("text", [
    "北京宣布对镓和锗实施出口管制，这是中美科技对抗的最新一步。",
    "China imposed export controls on gallium and germanium, the latest step in its tech rivalry with the United States.",
])
def test_a_named_measure_gets_no_target_the_sentence_does_not_state(text):
    # the one other state a named measure's sentences name is no implied target: the
    # measure is known by its name, and the rivalry is context
    p = one(text)
    assert p.named == "china-gallium-germanium-controls" and p.targets == set()


@pytest.mark.parametrize("text", [
    "华为于2019年被列入美国商务部黑名单。去年，美国商务部又将华为的多家子公司列入“实体清单”。",
    "The Commerce Department blacklisted Huawei in 2019. Last year it added Huawei and 30 other firms to the Entity List.",
])
def test_a_blacklisting_of_firms_by_the_state_whose_list_holds_them_is_that_designation(text):
    (p,) = policies(text)
    assert p.listing == "us-entity-list" and p.targets == {"huawei"} and len(p.sentences) == 2


def test_a_blacklisting_stays_apart_from_lists_that_do_not_hold_its_firms_or_from_two_lists():
    text = "华为被列入美国黑名单。美国商务部另将“长江存储”列入“实体清单”，并将其列入“未经核实名单”。"
    found = {(p.listing, tuple(sorted(p.targets))) for p in policies(text)}
    assert (None, ("huawei",)) in found and len(found) == 3


@pytest.mark.parametrize("text, target", [
    ("华为高管谈到，在美国政府限制该公司从美国公司采购芯片后，公司陷入僵局。", "huawei"),
    ("中兴去年利润大跌，美国对该公司实施了新一轮制裁。", "zte"),
    ("Huawei's profit fell after the United States sanctioned the company in 2019.", "huawei"),
    ("Huawei's profit fell after new US export restrictions on the company.", "huawei"),
])
def test_a_company_anaphor_a_measure_is_on_is_the_firm_named_before_it(text, target):
    p = one(text)
    assert p.issuers == ("united-states",) and p.targets == {target}


def test_a_company_anaphor_a_measure_is_not_on_names_no_target():
    # the licence is granted to sell to the company: no measure is read, and no target
    assert all(not p.targets for p in policies("美国商务部官员授予英特尔向该公司出售芯片的许可证。"))


@pytest.mark.parametrize("text, targets", [
    ("美国制裁了华为。", {"huawei"}),  # the aspect particle after the cue verb
    ("美国还制裁了部分中国企业。", {"china"}),
    ("美国制裁华为和中兴。", {"huawei", "zte"}),  # every target joined to the first
    ("The US sanctioned Huawei and ZTE.", {"huawei", "zte"}),
    ("美国制裁了华为、中兴和海康威视。", {"huawei", "zte", "hikvision"}),
    # joined to a 对 target, the state before 的 is a target, not the issuer
    ("美国对中国和俄罗斯的制裁仍在继续。", {"china", "russia"}),
])
def test_targets_after_a_particle_and_joined_to_the_first(text, targets):
    p = one(text)
    assert p.issuers == ("united-states",) and p.targets == targets


@pytest.mark.parametrize("text, targets", [
    # a speaker opening the sentence does not take the place of the state whose firms suffer
    ("王毅表示，过去中国晶片设计公司受到美国的制裁，无法利用台积电先进制程。", {"china"}),
    ("中芯受制于美国2020年12月底的实体清单限制。", {"smic"}),  # 受制于 marks a passive too
])
def test_who_suffers_a_passive_measure(text, targets):
    (p,) = [p for p in policies(text) if p.issuers and "united-states" in p.issuers]
    assert p.targets == targets


def test_firms_a_listed_restriction_includes_are_bound_and_whom_they_may_not_serve_is_the_target():
    p = one("美国宣布新的出口限制，包括：台积电等企业今后不得为中国客户生产先进芯片。")
    assert "tsmc" not in p.targets and "china" in p.targets


@pytest.mark.parametrize("text", [
    "分析师表示，荷兰的出口管制似乎与去年对美国公司实施的出口管制相当。",
    "The Dutch export controls appear similar to the export controls imposed on US companies last year.",
])
def test_a_measure_compared_with_another_keeps_its_roles_apart(text):
    found = policies(text)
    # the Dutch measure is not on whoever the compared measure binds, nor the compared one Dutch
    assert all(not ("netherlands" in p.issuers and "united-states" in p.targets) for p in found)


def test_measures_of_two_states_said_to_be_alike_are_each_their_own():
    found = {(p.issuers, tuple(sorted(p.targets))) for p in policies("荷兰的出口管制与美国对中国的出口管制相当。")}
    assert (("united-states",), ("china",)) in found and any(i == ("netherlands",) for i, _ in found)


def test_sanctions_said_of_firms_each_listed_in_its_own_round_are_those_rounds():
    text = ("2019年，美国商务部将科大讯飞列入实体清单。2020年，美国商务部将云从科技列入实体清单。"
            "受美国制裁影响，多家企业经营遭受冲击，其中包括科大讯飞和云从科技。")
    found = policies(text)
    assert sorted(tuple(sorted(p.targets)) for p in found) == [("cloudwalk",), ("iflytek",)]
    assert all(p.type == "ExportControl" and len(p.sentences) == 2 for p in found)


def test_sanctions_on_a_firm_one_list_designation_holds_are_that_designation():
    (p,) = policies("2021年，美国商务部将上海微电子列入实体清单。美国最新制裁限制上海微电子获得先进技术。")
    assert p.listing and p.targets == {"smee"} and len(p.sentences) == 2


@pytest.mark.parametrize("text", [
    "市场主体将不得不考虑其被列入美国商务部“实体清单”的可能。",
    "这些企业面临遭到美国制裁的风险。",
])
def test_a_measure_only_feared_is_not_reported(text):
    assert policies(text) == []


@pytest.mark.parametrize("text", [
    "Beijing hit back in the chip battle with the U.S. on Monday by playing a trump card: It imposed export "
    "controls on two strategic raw materials, gallium and germanium.",
    "China retaliated on Monday. It imposed export controls on two raw materials, gallium and germanium.",
])
def test_a_pronoun_subject_stands_for_the_state_its_sentence_opens_with(text):
    (p,) = policies(text)
    assert p.named == "china-gallium-germanium-controls" and p.issuers == ("china",)


def test_a_pronoun_stands_for_no_firm():
    found = policies("Huawei said on Monday: it imposed export controls on chipmaking equipment.")
    assert all("huawei" not in p.issuers for p in found)


def test_a_headlines_measure_is_the_one_named_measure_of_its_issuer_the_article_reports():
    text = ("China bans key metal exports to US\n"
            "Beijing hit back on Monday: It imposed export controls on two raw materials, gallium and germanium.")
    (p,) = policies(text)
    assert p.named == "china-gallium-germanium-controls" and p.targets == {"united-states"}


def test_a_state_describing_a_firm_is_its_nationality_and_the_speaker_enacts_the_subjectless_clause():
    (p,) = policies("周日，中共网信办表示，美国存储芯片制造商美光科技公司产品未通过审查，将禁止关键基础设施运营商购买美光芯片。")
    assert "united-states" not in p.issuers and "cac" in p.issuers and "micron" in p.targets


def test_a_speaker_whose_statement_opens_with_a_plan_enacts_it():
    (p,) = policies("荷兰政府周五表示，从9月1日起，未经许可，将禁止高端芯片制造设备出口到国外。")
    assert p.issuers == ("netherlands",) and p.type == "ExportControl"


def test_a_bare_ban_of_the_state_whose_one_measure_is_a_sanction_on_a_firm_is_that_sanction():
    (p,) = policies("中共禁止关键基础设施运营商购买美光的产品。尚不清楚中共禁令是否会影响该公司在中国的销售。")
    assert p.type == "Sanction" and p.targets == {"micron"} and len(p.sentences) == 2


@pytest.mark.parametrize("text, target", [
    ("自从2019年美国对华为进行技术控制后，华为手机业务受到重创。", "huawei"),
    ("美国对中国实施技术管制。", "china"),
])
def test_technology_controls_are_export_controls(text, target):
    p = one(text)
    assert (p.type, p.issuers, p.targets) == ("ExportControl", ("united-states",), {target})


@pytest.mark.parametrize("text", [
    "如果几个月镓和锗都不出口，西方再反制，中国的产业就会出问题。",
    "如果日本和荷兰协同美国一起，也限制向中国出口芯片制造设备，中国公司的情况可能会恶化。",
    "If Japan joins, the US will impose new export controls on China.",
])
def test_a_measure_enacted_in_a_conditions_consequent_is_not_a_fact(text):
    assert policies(text) == []


@pytest.mark.parametrize("text, target", [
    ("如果该计划付诸实行，这家初创公司可能使华为避开美国制裁。", "huawei"),
    ("如果生产和销售在同一个地方会更好，但中共对美光的禁令将使这两方面分开。", "micron"),
])
def test_a_measure_named_as_what_exists_beside_a_condition_is_reported(text, target):
    assert any(target in p.targets for p in policies(text))


@pytest.mark.parametrize("text", [
    "The export restrictions on gallium and germanium are seen as a part of the strategy.",
    "Anyone wanting to export gallium or germanium products must comply with new export limits.",
])
def test_a_measure_on_the_items_of_one_states_named_measure_is_that_measure_though_no_issuer_is_said(text):
    (p,) = policies(text)
    assert p.named == "china-gallium-germanium-controls" and p.issuers == ("china",)


def test_items_several_states_measures_cover_name_no_measure_without_an_issuer():
    assert policies("Export controls on chipmaking equipment took effect on Sunday.") == []


def test_a_measure_is_named_after_a_specific_technology_half_its_articles_name():
    from kg.policies import PolicyNode, _main_technology

    def node(*covers):
        n = PolicyNode("policy:x", "ExportControl", ("japan",), None)
        n.members = [(None, f"article:{i}", ArticlePolicy("ExportControl", ("japan",), covers=set(c)))
                     for i, c in enumerate(covers)]
        return n

    # "semiconductors" in every article, chip-making equipment in half of them: the equipment
    both = {"semiconductors", "chipmaking-equipment"}
    assert _main_technology(node(both, both, {"semiconductors"}, {"semiconductors"})) == "chipmaking-equipment"
    # ... named by one article in four, it is too rare to name the measure
    assert _main_technology(node(both, {"semiconductors"}, {"semiconductors"}, {"semiconductors"})) == "semiconductors"


@pytest.mark.parametrize("text, issuer", [
    ("国科会推出半导体产业发展计划。", "taiwan-nstc"),
    ("Taiwan launched a plan to develop its chip industry.", "taiwan"),
])
def test_a_states_plan_for_a_technology_is_an_industrial_policy(text, issuer):
    p = one(text)
    assert p.type == "IndustrialPolicy" and issuer in p.issuers


@pytest.mark.parametrize("text", ["华为公布了芯片发展计划。", "北约取消了成员国行动计划的要求。"])
def test_a_firms_plan_or_a_plan_on_no_technology_is_no_industrial_policy(text):
    assert policies(text) == []


def test_a_firm_an_apposition_describes_as_listed_is_the_target():
    (p,) = policies("红杉投资了华为，这是一家被美国制裁的中国公司。")
    assert p.issuers == ("united-states",) and p.targets == {"huawei"}


def test_states_joined_before_a_measure_are_co_issuers_not_each_others_targets():
    found = policies("美英制裁下 安谋对阿里巴巴等断供芯片设计")
    assert not any("united-states" in p.targets and "united-kingdom" in p.issuers for p in found)
    # ... while a rivalry named in a compound (中美) still lets the other state be the target
    (p,) = [p for p in policies("中美科技战升级\n美国对中国实施新的出口管制。") if p.type == "ExportControl"]
    assert "china" in p.targets
