"""Relations between actors, read from cue words, appositions, descriptors and the lexicon,
and the competency queries of queries/*.rq."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import lexicon
from kg.cli import app
from kg.extract.actors import find_mentions
from kg.extract.policies import find_policies
from kg.extract.relations import find_relations

QUERIES = Path(__file__).resolve().parent.parent / "queries"


def triples(text: str) -> set[tuple[str, str, str]]:
    lex = lexicon.load()
    mentions = find_mentions(text, lex)
    rels = find_relations(text, mentions, lex, find_policies(text, mentions, lex))
    return {(r.subject, r.predicate, r.object) for r in rels}


def tied(found: set, a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` cooperate (a symmetric relation, stated either way round)."""
    return (a, "cooperatesWith", b) in found or (b, "cooperatesWith", a) in found


@pytest.mark.parametrize("text, triple", [
    ("China urges Japan not to disrupt chip industry.", ("china", "urges", "japan")),
    ("China's government has appealed to Japan not to disrupt the industry.", ("china", "urges", "japan")),
    ("华春莹说，中方敦促美方停止恶意指责。", ("china", "urges", "united-states")),
    ("Beijing condemned Washington's new chip rules.", ("china", "criticizes", "united-states")),
    ("中国外交部发言人华春莹此前回应称。", ("hua-chunying", "affiliatedWith", "china-mfa")),
    ("US Commerce Secretary Gina Raimondo said on Monday.", ("gina-raimondo", "affiliatedWith", "united-states")),
    ("Gina Raimondo, the US commerce secretary, said on Monday.", ("gina-raimondo", "affiliatedWith", "united-states")),
    ("Dutch chipmaker ASML said sales would fall.", ("asml", "basedIn", "netherlands")),
    ("荷兰是芯片行业巨头阿斯麦（ASML）的所在地。", ("asml", "basedIn", "netherlands")),
    ("欧盟将与日本深化芯片合作。", ("european-union", "cooperatesWith", "japan")),
    ("欧盟上周与韩国举行了类似会议，双方同意就人工智能进行合作。", ("european-union", "cooperatesWith", "south-korea")),
    ("Japan's curbs on exports of chip-making tools to China took effect.", ("japan", "restricts", "china")),
])
def test_relation_read_from_one_sentence(text, triple):
    assert triple in triples(text)


def test_cooperation_pairs_the_subject_with_its_partners_only():
    found = triples("今年1月，荷兰和日本官员原则上同意加入美国的行动。")
    coop = {(s, o) for s, p, o in found if p == "cooperatesWith"}
    assert coop == {("netherlands", "united-states"), ("japan", "united-states")}


@pytest.mark.parametrize("text", [
    "损害中美两国利益乃至世界各国的共同利益。",   # "common interests" is no cooperation
    "China criticized the plan in Beijing.",      # a place is not a party
    "美国国防部和军方同许多美国高校开展合作。",    # a body does not cooperate with its own state
    "台积电、三星电子和美国晶圆代工厂格罗方德都将加入该计划。",  # 代工厂 is a noun (foundry); joining a programme pairs no one
])
def test_no_relation_without_two_parties(text):
    assert not {t for t in triples(text) if t[1] in ("cooperatesWith", "criticizes")}


def test_a_state_employs_its_officials_not_its_experts():
    assert ("joe-biden", "affiliatedWith", "united-states") in triples("美国总统拜登周二表示，将继续合作。")
    assert not {t for t in triples("加拿大财经专家王小明表示，芯片很贵。") if t[1] == "affiliatedWith"}


@pytest.mark.parametrize("text", [
    "Canadian chip trade group opposes export controls from Iran",  # the group acts, not Canada
    "重要的零部件都是跟德国、乌克兰合作的。",                        # partners of a subject named elsewhere
])
def test_no_relation_for_a_state_that_does_not_act(text):
    assert not {t for t in triples(text) if t[1] in ("criticizes", "cooperatesWith")}


def test_a_state_before_its_firm_is_no_party():
    found = triples("三星与美国威腾电子在日本的合作案获得资金。")
    assert ("samsung", "cooperatesWith", "western-digital") in found
    assert not {t for t in found if t[1] == "cooperatesWith" and "united-states" in t}


def test_a_headlines_phrases_are_clauses():
    # 荷兰加入 | 中共跳脚: two phrases of a headline, not "the Netherlands joins China"
    assert not {t for t in triples("美中芯片战扩至欧洲 荷兰加入 中共跳脚") if t[1] == "cooperatesWith"}


@pytest.mark.parametrize("text, pair", [
    ("三星先前向格罗方德采购晶圆。", ("globalfoundries", "samsung")),   # 向 marks the seller
    ("AMD relies on GlobalFoundries to make its chips.", ("amd", "globalfoundries")),
])
def test_commercial_ties_are_cooperation(text, pair):
    assert (pair[0], "cooperatesWith", pair[1]) in triples(text)


@pytest.mark.parametrize("text", [
    "台积电、三星和英特尔等客户使用荷兰公司的设备量产芯片。",  # customers of one unnamed seller are not each other's partners
    "美国商务部可能限制采购英特尔芯片。",                    # a government body buys nothing here
])
def test_commercial_ties_need_a_buyer_and_its_seller(text):
    assert not {t for t in triples(text) if t[1] in ("cooperatesWith", "criticizes")}


def test_based_in_only_from_a_stated_seat():
    # two actors in one sentence state no seat (GUIDE.md: basedIn where the text states it)
    assert not any(p == "basedIn" for _, p, _ in triples("英特尔、美光科技和IBM都邀请美国总统来访。"))
    assert not any(p == "basedIn" for _, p, _ in triples("Rapidus met officials. Japan said nothing."))
    # a seat given as a city places the firm in that city's state
    assert ("smic", "basedIn", "china") in triples("总部位于上海的中芯国际已被美国列入黑名单。")
    assert ("smic", "basedIn", "united-states") not in triples("总部位于上海的中芯国际已被美国列入黑名单。")
    assert ("asml", "basedIn", "netherlands") in triples("ASML, headquartered in Veldhoven, said sales would fall.")
    assert ("smic", "basedIn", "china") in triples("Shanghai-based SMIC said demand was weak.")
    # a registration place is a seat (在香港注册的公司, "registered in")
    assert ("zte", "basedIn", "hong-kong") in triples("中兴通讯当年在香港注册，随后开始经营。")
    assert ("zte", "basedIn", "hong-kong") in triples("ZTE, registered in Hong Kong, said sales would fall.")
    # a government body's seat is part of its name, not news
    assert not any(p == "basedIn" for _, p, _ in triples("美国国防部说，美国将加强合作。"))


# ------------------------------------------------------------------ competency queries
@pytest.fixture(scope="module")
def run_query(seeds_build):
    out, _ = seeds_build

    def run(name: str) -> list[dict]:
        res = CliRunner().invoke(app, ["sparql", str(QUERIES / f"{name}.rq"), "--graph", str(out), "--format", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    return run


def test_every_query_file_runs(run_query):
    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert {"policies-targeting-china", "actor-by-outlet", "cooperating-against", "relation-evidence"} <= set(names)
    for name in names:
        run_query(name)


def test_policies_targeting_china(run_query):
    rows = run_query("policies-targeting-china")
    issuers = {r["issuers"] for r in rows}
    assert {"Japan", "Netherlands", "United States"} <= issuers
    assert all(int(r["articles"]) >= 1 and r["type"] == "ExportControl" for r in rows)


def test_evidence_for_one_relation(run_query):
    rows = run_query("relation-evidence")
    assert any("appealed to Japan" in r["evidence"] for r in rows)
    assert all(0 < float(r["confidence"]) <= 1 and int(r["start"]) < int(r["end"]) for r in rows)


def test_actors_cooperating_against_a_third(run_query):
    rows = run_query("cooperating-against")
    assert {"aName": "Japan", "bName": "United States", "targetName": "China"} in rows


def test_what_an_actor_did_by_outlet(run_query):
    rows = run_query("actor-by-outlet")
    assert {"outlet": "Associated Press", "predicate": "urges", "objectName": "Japan", "articles": "1"} in rows


@pytest.mark.parametrize("text, triple", [
    ("TSMC, headquartered in Hsinchu, partnered with Sony on a plant in Kumamoto.", ("sony", "cooperatesWith", "tsmc")),
    ("TSMC, headquartered in Hsinchu, partnered with Sony on a plant in Kumamoto.", ("tsmc", "basedIn", "taiwan")),
    ("Rapidus表示，正在与IBM合作开发2纳米芯片。", ("ibm", "cooperatesWith", "rapidus")),
    ("中共驻美大使谢锋说。", ("xie-feng", "affiliatedWith", "china")),
    ("China's Ambassador to Washington Xie Feng said.", ("xie-feng", "affiliatedWith", "china")),
    ("美国财长耶伦表示。", ("janet-yellen", "affiliatedWith", "united-states")),
    ("上个月，美国与日本和荷兰达成协议，限制向中国出口先进的芯片制造机器。", ("japan", "cooperatesWith", "united-states")),
])
def test_relations_read_from_the_sentence(text, triple):
    assert triple in triples(text)


@pytest.mark.parametrize("text", [
    "中国必须跟美国合作，才有可能发展半导体产业。",   # a need, not a fact
    "三星打败台积电，获得特斯拉的订单。",               # a rival beaten is no partner
])
def test_no_cooperation_without_a_fact(text):
    found = triples(text)
    assert ("china", "cooperatesWith", "united-states") not in found
    assert not any(t[1] == "cooperatesWith" and {"samsung", "tsmc"} == {t[0], t[2]} for t in found)


def test_a_leader_stands_for_the_state_in_an_agreement_between_states():
    found = triples("美国的出口管制核心是芯片。拜登上台后，公布了一系列措施，还与日本和荷兰合作，切断中共获得芯片制造关键设备的渠道。")
    assert {("japan", "cooperatesWith", "united-states"), ("netherlands", "cooperatesWith", "united-states")} <= found
    assert not {t for t in found if "joe-biden" in (t[0], t[2]) and t[1] == "cooperatesWith"}


@pytest.mark.parametrize("text, present, absent", [
    ("荷兰芯片巨头阿斯麦表示", {("asml", "basedIn", "netherlands")}, set()),
    ("日本台积电工厂提升IC制程", set(), {("tsmc", "basedIn", "japan")}),   # the plant's place, not TSMC's seat
    ("TSMC's Japan plant opened, and the Japan TSMC fab hired staff.", set(), {("tsmc", "basedIn", "japan")}),
])
def test_a_state_before_a_firms_plant_is_the_plants_place(text, present, absent):
    found = triples(text)
    assert present <= found and not (absent & found)


def test_a_wish_addressed_to_a_party_urges_it():
    assert ("china", "urges", "united-states") in triples("中方希望美方停止打压中国企业。")
    assert not {t for t in triples("中国希望与日本合作。") if t[1] in ("urges", "cooperatesWith")}


def test_a_quotations_speaker_named_after_it_is_its_subject():
    assert ("mao-ning", "urges", "netherlands") in triples("“我们希望荷兰不要效仿一些国家滥用出口管制措施。”毛宁说。")
    # a quotation with no speaker after it says nothing of whoever is named elsewhere
    assert not triples("毛宁出席会议。“我们希望荷兰不要效仿一些国家。”")


@pytest.mark.parametrize("text, triple", [
    ("王毅会见布林肯时，他批评美国打压中国企业。", ("wang-yi", "criticizes", "united-states")),
    ("China's Ambassador to Washington Xie Feng crossed wires late Wednesday, via Reuters, while speaking at the "
     "Aspen Security Forum where he criticized the US consideration.", ("xie-feng", "criticizes", "united-states")),
])
def test_a_pronoun_stands_for_the_subject_of_the_clause_before(text, triple):
    assert triple in triples(text)


def test_what_a_criticized_thing_is_aimed_at_is_not_criticized():
    found = triples("以色列总理内塔尼亚胡表示欢迎，他批评该协议对伊朗的制裁太宽容。")
    assert not {t for t in found if t[1] == "criticizes"}
    assert ("china", "criticizes", "united-states") in triples("中方对美国表示不满。")


def test_a_person_with_two_titles_joined_serves_the_employer_before_them():
    from kg.extract.discovery import find_candidates, learn_from

    text = "美国智库新美国安全中心（CNAS）副总裁、科技与国家安全项目主任马丁（Paul Martin）说，管制有效。"
    lex = learn_from(lexicon.load(), set(find_candidates(text, lexicon.load())))
    rels = find_relations(text, find_mentions(text, lex), lex)
    assert ("paul-martin", "affiliatedWith", "cnas") in {(r.subject, r.predicate, r.object) for r in rels}


@pytest.mark.parametrize("text, triple", [
    ("美国商务部工业和安全局周五发布新规。", ("bureau-of-industry-and-security", "affiliatedWith", "us-department-of-commerce")),
    ("华为的海思半导体部门受到影响。", ("hisilicon", "affiliatedWith", "huawei")),
])
def test_a_known_body_or_unit_named_with_its_parent_belongs_to_it(text, triple):
    assert triple in triples(text)


@pytest.mark.parametrize("text, pairs", [
    ("联电也是高通公司的主要晶片供应商。", {("qualcomm", "umc")}),
    ("三星的主要客户包括苹果和英伟达。", {("apple", "samsung"), ("nvidia", "samsung")}),
    ("Qualcomm's biggest suppliers include TSMC and Samsung.", {("qualcomm", "tsmc"), ("qualcomm", "samsung")}),
])
def test_a_firm_named_as_anothers_supplier_or_customer_cooperates_with_it(text, pairs):
    got = {(s, o) for s, p, o in triples(text) if p == "cooperatesWith"}
    assert got == pairs


def test_a_state_is_no_firms_customer():
    assert triples("台积电是美国的主要供应商。") == set()


@pytest.mark.parametrize("text, pairs", [
    ("小米推出了新款手机，使用联发科生产的芯片。", {("mediatek", "xiaomi")}),  # the clause shares the subject before
    ("阿里巴巴和腾讯均使用英伟达的AI芯片。", {("alibaba", "nvidia"), ("nvidia", "tencent")}),
])
def test_a_firm_using_anothers_chips_cooperates_with_it(text, pairs):
    assert {(s, o) for s, p, o in triples(text) if p == "cooperatesWith"} == pairs


def test_firms_of_one_joint_venture_all_cooperate_and_a_nationality_is_no_partner():
    got = {(s, o) for s, p, o in triples("此前台积电、索尼和日本汽车零部件公司电装合资的晶圆工厂获得认证。") if p == "cooperatesWith"}
    assert got == {("denso", "sony"), ("denso", "tsmc"), ("sony", "tsmc")}


def test_every_person_listed_after_a_title_serves_its_employer():
    got = triples("这三名共和党参议员分别是汤姆·科顿（Tom Cotton）、比尔‧哈格蒂（Bill Hagerty）和马可·卢比奥。")
    assert {s for s, p, o in got if p == "affiliatedWith" and o == "us-republican-party"} == \
        {"tom-cotton", "bill-hagerty", "marco-rubio"}


def test_a_partys_member_titled_in_a_committee_serves_both():
    got = triples("众议院外交事务委员会共和党主席麦考尔周三表示。")
    assert {o for s, p, o in got if s == "michael-mccaul" and p == "affiliatedWith"} == \
        {"house-foreign-affairs-committee", "us-republican-party"}


@pytest.mark.parametrize("text, orgs", [
    ("众议院外交事务委员会的最高共和党人迈克尔‧麦考尔表示，新规则是正确的一步。",
     {"house-foreign-affairs-committee", "us-republican-party"}),
    ("共和党人麦考尔说，新规则是正确的一步。", {"us-republican-party"}),
])
def test_a_partys_member_is_its_name_and_the_word_for_members(text, orgs):
    got = triples(text)
    assert {o for s, p, o in got if s == "michael-mccaul" and p == "affiliatedWith"} == orgs


@pytest.mark.parametrize("text, urged", [
    ("美国要求日本和荷兰采取类似措施。", {"japan", "netherlands"}),
    ("美国向卡塔尔施压，要求其停止支持哈马斯。", {"qatar"}),  # 其 is urged, not whom the action concerns
    ("以色列人呼吁抵制中国的网站。", set()),
])
def test_in_chinese_the_party_urged_follows_the_cue_at_once(text, urged):
    assert {o for s, p, o in triples(text) if p == "urges"} == urged


def test_a_state_naming_a_partners_firms_is_no_partner():
    got = {(s, o) for s, p, o in triples("福特公司宣布与中国公司、电池制造商宁德时代携手合作。") if p == "cooperatesWith"}
    assert got == {("catl", "ford")}


def test_a_boast_of_buying_is_no_acquisition():
    assert not any(p == "acquires" for s, p, o in triples("紫光集团几年前还曾经放话要买下美光。"))


@pytest.mark.parametrize("text, triple", [
    ("China says US consideration of AI chip export controls hurts China's legitimate interests.",
     ("china", "criticizes", "united-states")),
    ("中方认为美方此举严重损害中国企业的正当权益。", ("china", "criticizes", "united-states")),
    ("麦考尔在美国驻海牙大使馆举行的吹风会上表示，中芯国际“看起来确实”违反了制裁。", ("michael-mccaul", "criticizes", "smic")),
])
def test_a_speaker_who_says_another_hurts_them_criticizes_it(text, triple):
    assert triple in triples(text)


@pytest.mark.parametrize("text", [
    "布林肯表示：“我们看到伊朗向俄罗斯运送无人机、杀害乌克兰平民所造成的破坏性后果。”",  # an adjective
    "分析师认为，这将损害美国企业的利益。",  # no one's act
    "美国官员表示，美国的规定不会损害美国企业。",  # one's own side
])
def test_harm_words_that_name_no_ones_act_against_another_criticize_no_one(text):
    assert not {t for t in triples(text) if t[1] == "criticizes"}


@pytest.mark.parametrize("text", [
    "美国一直在游说其合作伙伴，包括日本和荷兰，收紧对中国出口用于制造半导体的设备。",
    "The US has urged its allies, including Japan and the Netherlands, to restrict exports.",
])
def test_the_parties_listed_after_an_urged_group_are_urged(text):
    assert {o for s, p, o in triples(text) if s == "united-states" and p == "urges"} == {"japan", "netherlands"}


def test_a_quotation_opened_after_its_speaker_speaks_for_them():
    text = "美国半导体工业协会在一份声明中说，“我们理解确保国家安全的目标，并敦促美国政府，以有针对性的方式实施这些规则。”"
    assert ("semiconductor-industry-association", "urges", "united-states") in triples(text)


@pytest.mark.parametrize("text, triple", [
    ("美国要求英伟达取得许可。", ("united-states", "urges", "nvidia")),  # a state's demand on its firm is a rule
    ("商务部长雷蒙多敦促美国商务部加快审批。", ("gina-raimondo", "urges", "us-department-of-commerce")),  # her own body
])
def test_no_one_urges_their_own_body_and_a_state_does_not_urge_its_firm(text, triple):
    assert triple not in triples(text)


@pytest.mark.parametrize("text, pair", [
    ("台积电与三星都是应用材料的客户。", {"tsmc", "applied-materials"}),
    ("崇越科技协助华为建厂。", {"topco-scientific", "huawei"}),
])
def test_firms_that_help_or_buy_from_another_firm_cooperate_with_it(text, pair):
    assert any({s, o} == pair for s, p, o in triples(text) if p == "cooperatesWith")


def test_a_state_helping_another_is_no_commercial_tie():
    assert not [t for t in triples("美国帮助乌克兰。") if t[1] == "cooperatesWith"]


def test_a_firm_located_in_a_place_named_before_it_is_based_there():
    assert ("micron", "basedIn", "hong-kong") in triples("另外，位于香港的美光（Micron）也被指控接收了转账。")


def test_a_plant_located_in_a_place_does_not_seat_its_owner():
    assert not [t for t in triples("位于日本熊本的台积电工厂将于明年投产。") if t[1] == "basedIn"]


@pytest.mark.parametrize("text, pairs", [
    ("日韩都是美国盟友，两国领导人在东京举行峰会。", {frozenset({"japan", "united-states"}), frozenset({"south-korea", "united-states"})}),
    ("台湾是美国的重要伙伴。", {frozenset({"taiwan", "united-states"})}),
    ("Japan, a close US ally, joined the curbs.", {frozenset({"japan", "united-states"})}),
    ("The Philippines is an ally of the United States.", {frozenset({"philippines", "united-states"})}),
])
def test_a_party_named_as_anothers_ally_cooperates_with_it(text, pairs):
    got = {frozenset({s, o}) for s, p, o in triples(text) if p == "cooperatesWith"}
    assert pairs <= got


def test_a_trading_partner_is_no_ally():
    assert not [t for t in triples("中国是俄罗斯的最大贸易伙伴。") if t[1] == "cooperatesWith"]


@pytest.mark.parametrize("text, triple", [
    ("对此，经济部长王美花表示，台湾不会放宽。", ("wang-mei-hua", "affiliatedWith", "taiwan-moea")),
    ("Foreign Minister Wang Yi said on Monday that the curbs hurt trade.", ("wang-yi", "affiliatedWith", "china-mfa")),
])
def test_a_known_person_after_a_title_naming_no_employer_has_the_lexicons_office(text, triple):
    assert triple in triples(text)


@pytest.mark.parametrize("text", [
    "王美花表示，台湾不会放宽。",          # no title: the text states no office
    "Wang Yi said on Monday that the curbs hurt trade.",
])
def test_no_office_without_a_title(text):
    assert not any(p == "affiliatedWith" for _, p, _ in triples(text))


@pytest.mark.parametrize("text", ["“北辰观察”组织研究员张伟明对该台表示，令人担忧。",
                                  "“北辰观察”组织中文部研究员张伟明对该台表示，令人担忧。"])
def test_an_employer_in_quotation_marks_before_a_title_is_the_persons(text):
    from kg.extract.discovery import learn

    lex = learn(lexicon.load(), [text])  # both names discovered, as a build does
    mentions = find_mentions(text, lex)
    got = {(r.subject, r.predicate, r.object) for r in find_relations(text, mentions, lex)}
    person = next(m.actor_id for m in mentions if m.surface == "张伟明")
    org = next(m.actor_id for m in mentions if m.surface == "北辰观察")
    assert (person, "affiliatedWith", org) in got


@pytest.mark.parametrize("text", [
    "Nvidia supplier TSMC reported a profit.",
    "Nvidia's main supplier TSMC reported a profit.",
    "TSMC, Nvidia's main supplier, reported a profit.",  # the comma once split the pair apart
    "英伟达供应商台积电公布利润。",
    "英伟达的芯片代工厂台积电公布利润。",
])
def test_a_firm_named_by_its_role_for_another_is_in_a_commercial_tie(text):
    assert ("nvidia", "cooperatesWith", "tsmc") in triples(text)


@pytest.mark.parametrize("text", [
    "英伟达和美国晶圆代工厂台积电都公布了利润。",  # a joiner and a state between: no role for Nvidia
    "Intel rival AMD gained share.",
])
def test_no_commercial_tie_from_a_role_that_is_not_the_first_firms(text):
    assert not any(p == "cooperatesWith" for _, p, _ in triples(text))


def test_a_registration_place_seats_the_firm_it_qualifies_not_a_later_name():
    assert not any(p == "basedIn" for _, p, _ in triples("一家在香港注册的公司向华为确认，该公司去年曾经营芯片业务。"))
    assert ("zte", "basedIn", "hong-kong") in triples("美国制裁了在香港注册的中兴通讯。")


def test_partners_as_a_noun_are_no_cooperation_of_whoever_threatens_them():
    assert not any(p == "cooperatesWith" for _, p, _ in triples("伊朗此举直接威胁到以色列和美国的合作伙伴。"))
    assert ("japan", "cooperatesWith", "united-states") in triples("日本是美国的重要合作伙伴。")


def test_a_partner_in_a_relative_clause_is_tied_only_to_the_noun_it_qualifies():
    assert not any(p == "cooperatesWith" for _, p, _ in triples("这一与华为结盟的代工厂旨在破坏美国的战略。"))
    found = triples("与华为合作的台积电表示反对。")
    assert tied(found, "huawei", "tsmc")


@pytest.mark.parametrize("text", [
    "以色列正全力反击哈马斯，目前不需要美军参战。",
    "日本提前购买战斧巡航导弹，准备反击中共。",
    "U.S. Hits Back at China With New Visa Restrictions on Journalists",
])
def test_hitting_back_is_an_act_not_criticism(text):
    assert not any(p == "criticizes" for _, p, _ in triples(text))


def test_a_person_whose_office_is_stated_is_not_tied_to_a_former_employer_anothers_title_names():
    found = triples("台湾行政院副院长沈荣津、经济部长王美花致词时也强调，台积电不会有问题。")
    assert ("shen-jong-chin", "affiliatedWith", "executive-yuan") in found
    assert ("wang-mei-hua", "affiliatedWith", "taiwan-moea") in found
    assert ("shen-jong-chin", "affiliatedWith", "taiwan-moea") not in found


@pytest.mark.parametrize("text", [
    "专家表示，美国的这些限制并不是为了说服中共放弃芯片自力更生的雄心。",
    "The U.S. curbs are not meant to urge China to give up its chip ambitions.",
])
def test_a_denied_purpose_is_no_relation(text):
    assert not any(p == "urges" for _, p, _ in triples(text))


@pytest.mark.parametrize("text", [
    "（新唐人报导）中共禁用美光芯片，美反击称：没有依据。",
    "China banned Micron chips, and Washington shot back that the ban had no basis.",
])
def test_a_retort_criticizes_whom_the_clause_before_it_reports(text):
    assert ("united-states", "criticizes", "china") in triples(text)


@pytest.mark.parametrize("text", [
    "北约现在共享电子战资讯给乌克兰。",
    "NATO shares intelligence with Ukraine.",
])
def test_sharing_intelligence_is_cooperation(text):
    found = triples(text)
    assert tied(found, "nato", "ukraine")


@pytest.mark.parametrize("text", [
    "对在欧美日联合打击下中共芯片业的发展趋势，王赫认为中国芯片业不可能发展。",
    "美国联合日本对抗中国。",
    "The US teamed up with Japan against China.",
])
def test_whom_partners_act_against_is_no_partner(text):
    found = triples(text)
    assert tied(found, "japan", "united-states")
    assert not any(p == "cooperatesWith" and "china" in (s, o) for s, p, o in found)


@pytest.mark.parametrize("text", [
    "Alphabet's chief executive urged the U.S. and the European Union to coordinate their rules on AI.",
    "谷歌呼吁美国与欧盟加强合作。",
])
def test_cooperation_that_is_urged_is_not_done(text):
    assert not any(p == "cooperatesWith" for _, p, _ in triples(text))


def test_a_foundry_order_ties_firms_never_a_state():
    found = triples("美国的新规还限制芯片厂使用美国先进设备为中国芯片代工。")
    assert not any(p == "cooperatesWith" for _, p, _ in found)
    found = triples("台积电为苹果代工芯片。")
    assert tied(found, "apple", "tsmc")


def test_a_coordinator_is_a_title_not_a_cue():
    assert not any(p == "cooperatesWith" for _, p, _ in triples(
        "包括白宫国家经济委员会“芯片法”实施协调员以及美国商务部“芯片法”项目办公室。"))


def test_partners_a_subject_named_elsewhere_works_with_are_not_tied_to_each_other():
    found = triples("刘德音说，台积电已承诺2050年达到净零碳排目标，这是个大挑战，将会与应用材料（Applied Materials）"
                    "及艾司摩尔（ASML）等供应商合作。")
    assert not any(p == "cooperatesWith" and {s, o} == {"applied-materials", "asml"} for s, p, o in found)


@pytest.mark.parametrize("text, pred", [
    ("但是中共一直不谴责哈马斯。", "criticizes"),
    ("荷兰的规定是官方立场，因为荷兰不希望中国能够生产最先进半导体。", "urges"),
])
def test_a_negated_cue_states_no_relation(text, pred):
    assert not any(p == pred for _, p, _ in triples(text))


def test_a_cue_after_a_word_ending_like_a_negation_is_read():
    found = triples("英伟达的A100、H100芯片分别使用台积电7nm、4nm工艺。")
    assert tied(found, "nvidia", "tsmc")


def test_a_state_before_a_verb_and_a_firm_does_not_seat_it():
    found = triples("Biren由Nvidia前中国员工共同创立，被认为是中国生产Nvidia芯片国产替代品的领先候选者。")
    assert ("nvidia", "basedIn", "china") not in found
    assert ("smic", "basedIn", "china") in triples("中国半导体制造巨头中芯国际宣布扩产。")
