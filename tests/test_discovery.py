"""Discovery: actors the lexicon lacks become actors of the build, glosses teach names across
languages, and junk never becomes an actor."""
from __future__ import annotations

import pytest
from rdflib import Dataset, Literal, URIRef

import kg
from kg import lexicon
from kg.extract.actors import find_mentions
from kg.extract.discovery import find_candidates, learn

KG = "https://w3id.org/newskg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def candidates(text):
    return {(c.type, tuple(n for _, n in c.names)) for c in find_candidates(text, lexicon.load())}


def test_gloss_of_a_transliterated_name_is_one_person_in_both_languages():
    got = candidates("美国众议院外交委员会主席迈克尔‧索博利克（Michael Sobolik）表示，将推动立法。")
    assert ("Person", ("Michael Sobolik", "迈克尔·索博利克")) in got


def test_gloss_start_is_found_after_a_title_or_descriptor_not_in_it():
    got = candidates("美国商务部长吉娜‧雷蒙多（Gina Raimondo）说。中国芯片设计商曦望微（Xiwang Micro）的股价下跌。")
    names = {n for _, ns in got for n in ns}
    assert "曦望微" in names and not any("设计商" in n or "部长" in n for n in names)


def test_english_titles_suffixes_and_descriptors():
    got = candidates("Cloudflare CEO Matthew Prince said the Taiwanese chipmaker Kneron raised money "
                     "from Horizon Ventures and Canaan Inc. on Monday.")
    assert ("Person", ("Matthew Prince",)) in got
    assert {("Organization", (n,)) for n in ("Cloudflare", "Kneron", "Horizon Ventures", "Canaan")} <= got


def test_junk_never_becomes_an_actor():
    text = ("The company said on Monday that Information Technology and Consumer Electronics grew. "
            "该公司表示，芯片公司和初创公司都受到影响。Chip Export Curbs Hit Chinese Firms Hard This Week.")
    assert candidates(text) == set()


def test_a_rare_word_before_an_organization_suffix_seen_twice():
    got = candidates("员工已经向明略科技发起劳动仲裁。据悉明略科技拖欠年终奖。")
    assert ("Organization", ("明略科技", "明略")) in got
    assert candidates("员工已经向明略科技发起劳动仲裁。") == set()  # once is not enough


def test_learned_names_resolve_across_articles_and_languages():
    lex = learn(lexicon.load(), [
        "美国联邦参议员马克‧华纳（Mark Warner）表示。",
        "荷兰光刻机巨头阿斯迈（ASML）的股价上涨。",
    ])
    warner = [a for a in lex.actors.values() if a.labels.get("en") == "Mark Warner"]
    assert len(warner) == 1 and warner[0].discovered and warner[0].type == "Person"
    # the Chinese name alone, in another article, is the same actor
    assert {m.actor_id for m in find_mentions("马克‧华纳周三说", lex)} == {warner[0].id}
    assert {m.actor_id for m in find_mentions("Senator Mark Warner said", lex)} == {warner[0].id}
    # a gloss of a known actor teaches it a new name
    assert "阿斯迈" in lex.get("asml").learned
    assert {m.actor_id for m in find_mentions("阿斯迈表示", lex)} == {"asml"}


def test_a_surname_alone_counts_only_where_the_person_is_named_in_full():
    lex = learn(lexicon.load(), ["美国联邦众议员拜尔（Stephen Buyer）表示。"])
    (buyer,) = [a for a in lex.actors.values() if a.labels.get("en") == "Stephen Buyer"]
    assert find_mentions("拜尔表示反对", lex) == []
    assert {m.actor_id for m in find_mentions("众议员拜尔（Stephen Buyer）表示", lex)} == {buyer.id}


def test_a_gloss_holding_another_actors_name_teaches_nothing():
    lex = learn(lexicon.load(), ["美国限制英伟达公司（Nvidia）出口芯片。"])
    assert not lex.get("nvidia").learned


COMMON_WORDS_READ_AS_NAMES = [
    "今年 (2021)年底前完成。",  # a year in brackets read as a stock code
    "11. 支票账户和其它银行服务（Checking account and other bank services）价格上涨。",  # a gloss of a phrase
    "ESG是环境、社会责任和公司治理（governance）的缩写。",
    "他所在的大学（Liberty University）表示。",
    "福特高管曾表示，F-150将是一款商用皮卡。",  # 曾 "once", read as a surname after a title
    "检察官于今年5月联合发起诉讼。",
    "中共CDC主任向美国CDC主任哭诉。",
]


def test_a_common_word_a_cue_reads_as_a_name_teaches_nothing():
    # a learned name is matched in every article of the build: a common word would make an
    # actor of thousands of articles that name nobody
    lex = learn(lexicon.load(), COMMON_WORDS_READ_AS_NAMES)
    learned = {n for a in lex.actors.values() if a.discovered
               for n in [*a.labels.values(), *(x for ns in a.aliases.values() for x in ns)]}
    assert not learned & {"今年", "服务", "治理", "大学", "曾表示", "于今年", "向美国"}
    assert not learned & {"Checking account and other bank services", "governance"}  # (their glosses)
    text = "今年的服务业治理改革中，这所大学曾表示支持。检察官于今年5月向美国法院起诉。"
    assert [m for m in find_mentions(text, lex) if lex.actors[m.actor_id].discovered] == []
    # what else the articles name is still learned: "Liberty University" by its suffix
    assert {m.actor_id for m in find_mentions("Liberty University said", lex)} == {"liberty-university"}


def test_a_verb_or_words_over_a_names_bounds_make_no_organization():
    lex = learn(lexicon.load(), ["反对“抹黑”组织的做法。", "美国制裁“统战”机构。", "该公司5月19日举行 (2021)股东会。",
                                 "该公司发布了 (2330)财报。"])
    assert not [a for a in lex.actors.values() if a.discovered]
    # a brand the dictionary takes for a verb is one where a stock code marks it
    lex = learn(lexicon.load(), ["安踏 (2020.HK)上涨。"])
    assert [a.labels for a in lex.actors.values() if a.discovered] == [{"zh-Hans": "安踏"}]


def test_a_term_or_a_kind_of_body_in_latin_letters_is_no_name():
    lex = learn(lexicon.load(), ["白宫COVID疫情顾问杰哈表示。", "中国移动（China Mobile）表示。", "该校（University）说。"])
    assert not lex.get("china-mobile").learned  # "Mobile" would be matched in every English article
    assert not {n for a in lex.actors.values() if a.discovered for n in a.labels.values()} & {"COVID", "University", "该校"}


def test_a_gloss_keeps_its_name_whole():
    # in running text "National", "China" or "New" often open no name; in a gloss they do, and
    # "Institutes of Health" or "Security Council" alone would name any country's body
    got = candidates("美国国家卫生研究院（National Institutes of Health）说。国际能源署（International Energy Agency）预测。"
                     "专家托宾博士（Dr. Martin Tobin）表示。")
    latin = {n for _, ns in got for n in ns if n.isascii()}
    assert {"National Institutes of Health", "International Energy Agency", "Martin Tobin"} <= latin
    assert not latin & {"Institutes of Health", "Energy Agency", "Dr. Martin Tobin"}


def test_a_name_the_dictionary_holds_or_that_opens_with_a_surname_like_a_preposition_is_learned():
    lex = learn(lexicon.load(), ["中共前总书记胡耀邦表示。", "研究员曾志伟表示，", "研究员于学忠表示，", "分析师曾铭宗指出，"])
    people = {a.labels.get("zh-Hans") for a in lex.actors.values() if a.discovered and a.type == "Person"}
    assert {"胡耀邦", "曾志伟", "于学忠", "曾铭宗"} <= people


def test_a_common_word_a_gloss_gives_a_known_actor_is_not_its_name():
    lex = learn(lexicon.load(), ["澳大利亚安全情报组织的人员（ASIO）表示。"])
    assert "人员" not in lex.get("asio").learned
    assert find_mentions("相关人员表示", lex) == []


def test_a_chinese_name_glossed_as_two_actors_joins_neither():
    # one transliterated surname, two people: before, every Williams of a large build was one
    lex = learn(lexicon.load(), ["美国参议员威廉姆斯（Erica Williams）表示。", "纽约州众议员威廉姆斯（Mark Williams）说。",
                                 "众议员威廉姆斯（Mark Williams）认为。"])
    people = {a.labels.get("en"): a for a in lex.actors.values() if a.discovered}
    assert {"Erica Williams", "Mark Williams"} <= set(people) and people["Erica Williams"] is not people["Mark Williams"]
    assert find_mentions("威廉姆斯表示", lex) == []  # the surname alone names neither
    # ... but names one where the article names it in full
    assert {m.actor_id for m in find_mentions("威廉姆斯（Mark Williams）说，威廉姆斯认为", lex)} == {people["Mark Williams"].id}


def test_a_chinese_name_glossed_by_an_acronym_and_its_expansion_is_one_actor():
    lex = learn(lexicon.load(), ["美国疾病控制与预防中心（Centers for Disease Control and Prevention）表示。",
                                 "美国疾病控制与预防中心（CDC）说。"])
    (cdc,) = [a for a in lex.actors.values() if a.discovered]
    assert {cdc.labels["en"], *cdc.aliases["en"]} == {"CDC", "Centers for Disease Control and Prevention"}


def test_learning_does_not_depend_on_article_order():
    texts = ["美国联邦参议员马克‧华纳（Mark Warner）表示。", "Senator Mark Warner said.", "chipmaker Kneron said"]
    a, b = learn(lexicon.load(), texts), learn(lexicon.load(), texts[::-1])
    assert {(x.id, x.type, tuple(sorted(x.labels.items()))) for x in a.actors.values()} == \
           {(x.id, x.type, tuple(sorted(x.labels.items()))) for x in b.actors.values()}


def test_discovered_actor_in_the_graph_has_lower_confidence(tmp_path):
    (tmp_path / "a.md").write_text(
        '---\ntitle: "Cloudflare CEO Matthew Prince warns on AI chips"\nwebUrl: "https://ex.org/a"\n---\n',
        encoding="utf-8")
    result = kg.build([tmp_path])
    result.write(tmp_path / "out")
    ds = Dataset()
    ds.parse(tmp_path / "out" / "graph.nq", format="nquads")
    prince = URIRef("https://w3id.org/newskg/id/actor/matthew-prince")
    assert (prince, URIRef(SKOS + "prefLabel"), Literal("Matthew Prince", lang="en")) in ds
    assert (prince, URIRef(KG + "confidence"), None) in ds
    conf = float(next(ds.objects(prince, URIRef(KG + "confidence"))))
    assert conf < 0.9
    lexicon_conf = list(ds.objects(URIRef("https://w3id.org/newskg/id/actor/united-states"), URIRef(KG + "confidence")))
    assert lexicon_conf == []  # lexicon actors carry no such mark


def test_state_abbreviations_before_a_suffix_are_not_a_company():
    assert candidates("美中科技战升级。美中科技竞争加剧。") == set()


def test_a_stock_code_marks_a_listed_company_and_titles_merge_split_names():
    got = candidates("服务器厂包括：泓毅达 (2382-TW)、泰芯 (3231)。研究中心分析师龚明德观察，")
    assert {("Organization", ("泓毅达",)), ("Organization", ("泰芯",)), ("Person", ("龚明德",))} <= got


def test_a_registered_company_name_marks_an_organization_once():
    got = candidates("杭州星云芯智能科技有限公司宣布完成新一轮融资。")
    # the trade name, its short form and the registered name as written (an analyst's spelling)
    assert ("Organization", ("星云芯智能科技", "星云芯", "杭州星云芯智能科技有限公司")) in got
    # common words name nothing without their place; no place, no guess where the name starts
    assert ("Organization", ("南京市科技创新投资", "南京市科技创新投资有限公司")) in candidates(
        "采购方南京市科技创新投资有限公司宣布。")
    assert candidates("这家股份有限公司表示。") == set()


def test_a_titled_name_ends_at_a_date_and_is_no_common_word():
    assert ("Person", ("朱岳中",)) in candidates("学财务金融系助理教授朱岳中4月4日告诉大纪元。")
    assert ("Person", ("欧江安",)) in candidates("外交部发言人欧江安15日表示，将配合制裁。")
    assert ("Person", ("叶至诚",)) in candidates("国合处处长叶至诚进一步补充，双方将合作。")
    assert not any("周一" in n for _, ns in candidates("欧盟委员会主席周一表示，将加强合作。") for n in ns)


def test_an_organization_named_before_a_title_and_a_person_is_their_employer():
    text = "台湾玉峰科技大学电机系副教授林志远对记者表示，他曾引述北辰海洋研究院研究员李文涛的看法。"
    got = candidates(text)
    orgs = {ns for t, ns in got if t == "Organization"}
    assert ("台湾玉峰科技大学", "玉峰科技大学") in orgs  # the place before the name gives a short form
    assert ("北辰海洋研究院",) in orgs  # the verb before the name (引述) is not part of it
    # a name made only of common words is no name; a known state inside it makes it no new actor
    assert not {ns for t, ns in candidates("英国半导体公司首席执行官王大明说。据美国哥伦比亚大学教授张三表示。")
                if t == "Organization"}
    lex = learn(lexicon.load(), [text])
    from kg.extract.relations import find_relations
    rels = {(lex.get(r.subject).labels.get("zh-Hans"), r.predicate, r.object) for r in
            find_relations(text, find_mentions(text, lex), lex)}
    employer = next(a.id for a in lex.actors.values() if "玉峰科技大学" in a.labels.values())
    assert ("林志远", "affiliatedWith", employer) in rels


def test_an_english_appositive_names_a_person_and_their_employer():
    text = "Marta Quillon, a senior fellow at the Brightwater Policy Institute, said the curbs would bite."
    got = candidates(text)
    assert ("Person", ("Marta Quillon",)) in got
    assert ("Organization", ("Brightwater Policy Institute",)) in got
    lex = learn(lexicon.load(), [text])
    from kg.extract.relations import find_relations
    rels = {(lex.get(r.subject).labels.get("en"), r.predicate, lex.get(r.object).labels.get("en"))
            for r in find_relations(text, find_mentions(text, lex), lex)}
    assert ("Marta Quillon", "affiliatedWith", "Brightwater Policy Institute") in rels
    assert not candidates("The US, a close ally of Japan, said it would act.")  # a state, not a person


def test_the_fast_part_of_speech_search_gives_jiebas_own_words_and_tags():
    """Discovery segments its windows with jieba's POS tokenizer and a faster Viterbi
    search; on every window of Chinese text in the test data, words and tags are jieba's."""
    import re
    from pathlib import Path

    import jieba.posseg as pseg

    from kg.extract.discovery import _pos_tokenizer

    text = "".join(p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parent.glob("data/**/*.md")))
    runs = re.findall(r"[\u4e00-\u9fff·A-Za-z0-9]{2,}", text)
    windows = sorted({run[i:i + n] for run in runs for i in range(0, len(run), 13) for n in (3, 7, 12)})
    assert len(windows) > 10000
    tok = _pos_tokenizer()
    mismatched = [w for w in windows if [(p.word, p.flag) for p in tok.cut(w)] != [(p.word, p.flag) for p in pseg.cut(w)]]
    assert mismatched == []


def test_names_normalized_together_are_normalized_as_alone():
    """Discovery normalizes every suffix of a window in one go (one OpenCC call): each comes
    out as it would alone, Traditional phrases included."""
    from kg.text import normalize_chars, normalize_chars_many

    for text in ("美國商務部長吉娜‧雷蒙多（Gina Raimondo）說", "台積電與ＡＳＭＬ發表聲明，乾隆皇帝", "İstanbul ﬁrm Ⅻ 後來"):
        parts = [text[i:j] for i in range(len(text)) for j in range(i + 1, len(text) + 1)]
        assert normalize_chars_many(parts) == [normalize_chars(p) for p in parts]


def test_quoted_names_listed_before_what_they_are_are_organizations():
    text = "美国商务部曾宣布制裁多间支持俄罗斯军事行动的实体，包括“世捷达物流”“信诺电子”等4间在香港注册的公司。"
    found = {n for c in find_candidates(text, lexicon.load()) if c.type == "Organization" for _, n in c.names}
    assert {"世捷达物流", "信诺电子"} <= found
    # quoted words with no list head after them are no names
    assert not [c for c in find_candidates("他称这是“科技霸凌”“经济胁迫”等做法。", lexicon.load()) if c.how == "list"]


def test_every_quoted_firm_a_sanctions_list_includes_is_a_target():
    from kg.extract.policies import find_policies
    text = "美国商务部曾宣布制裁多间支持俄罗斯军事行动的实体，包括“世捷达物流”“信诺电子”等4间在香港注册的公司。"
    lex = learn(lexicon.load(), [text])
    found = find_policies(text, find_mentions(text, lex), lex)
    assert {"世捷达物流", "信诺电子"} <= {lex.get(t).labels.get("zh-Hans") for p in found for t in p.targets}


def test_every_firm_of_a_list_registered_somewhere_is_seated_there():
    from kg.extract.relations import find_relations
    text = "美国商务部曾宣布制裁多间支持俄罗斯军事行动的实体，包括“世捷达物流”“信诺电子”等4间在香港注册的公司。"
    lex = learn(lexicon.load(), [text])
    seated = {lex.get(r.subject).labels.get("zh-Hans") for r in find_relations(text, find_mentions(text, lex), lex)
              if r.predicate == "basedIn" and r.object == "hong-kong"}
    assert seated == {"世捷达物流", "信诺电子"}


def test_a_generic_trade_and_its_suffix_is_no_employer():
    assert not [c for c in find_candidates("多家证券公司表示看好。证券公司分析师认为。", lexicon.load()) if c.how == "employer"]



@pytest.mark.parametrize("text, name", [
    ("“无国界记者”组织的一名研究员说，审查在加剧。", "无国界记者"),  # the head noun after the quote
    ("美国智库“东亚研究中心”发表报告。", "东亚研究中心"),  # the head noun before it
])
def test_one_quoted_name_the_text_calls_an_organization(text, name):
    assert ("Organization", (name,)) in candidates(text)


def test_a_quoted_phrase_with_no_head_noun_is_no_organization():
    assert candidates("中共提出“双循环”战略，又推出“专精特新”计划。") == set()


def test_an_employer_joined_to_the_title_by_de():
    got = candidates("而华岳资本的董事总经理说，市场已经见底。")
    assert ("Organization", ("华岳资本",)) in got


@pytest.mark.parametrize("text, org", [
    ("技术市场研究机构Canalys分析师王哲明说，需求回升。", "Canalys"),
    ("半导体研究公司SemiWise技术专家李安表示，管制有效。", "SemiWise"),
])
def test_a_latin_name_before_a_chinese_title_and_name_is_the_employer(text, org):
    assert ("Organization", (org,)) in candidates(text)


def test_the_end_of_a_longer_latin_name_is_no_employer():
    got = candidates("律所Akin Gump Strauss Hauer &amp; Feld合伙人沃尔夫说。")
    assert ("Organization", ("Feld",)) not in got


@pytest.mark.parametrize("text, person, org", [
    ("研究机构Trendwise半导体分析师Mark Lin认为，自给自足还差得远。", "Mark Lin", "Trendwise"),
    ("台湾Orion Research副总裁Lucy Wang今年对记者说，产能不足。", "Lucy Wang", "Orion Research"),
])
def test_a_latin_name_after_a_chinese_title_is_a_person_and_the_name_before_their_employer(text, person, org):
    got = candidates(text)
    assert ("Person", (person,)) in got
    assert ("Organization", (org,)) in got  # "Orion Research" ends in an organization's word: no person


def test_a_latin_name_after_a_naming_word_is_no_person():
    got = candidates("黑客组织名为Lucky Horse的团体发起攻击。")
    assert not [c for c in got if c[0] == "Person"]


def test_a_latin_person_and_employer_give_the_affiliation(tmp_path):
    doc = tmp_path / "a.md"
    doc.write_text("# 管制加码\n\n研究机构Trendwise半导体分析师Mark Lin认为，美国的出口管制会持续。\n", encoding="utf-8")
    from kg import build
    result = build([str(doc)], keep_documents=True)
    rels = {(r.subject, r.predicate, r.object) for r in result.documents[0].relations}
    assert ("mark-lin", "affiliatedWith", "trendwise") in rels


@pytest.mark.parametrize("text, person", [
    ("该协会总工程师、副秘书长叶盛明介绍称，截至目前产能不足。", "叶盛明"),
    ("对此，主计总处主计长朱泽华日前表示，贸易往来很少。", "朱泽华"),
])
def test_titles_of_engineers_and_officials_name_the_person_after_them(text, person):
    assert ("Person", (person,)) in candidates(text)


def test_a_latin_stopword_before_a_title_is_no_employer_and_no_crash():
    # en_name() refuses "The" alone: the employer reader must skip it, not fail on the article
    got = candidates("据The分析师王明表示，市场回升。")
    assert not [c for c in got if c[1] == ("The",)]


def test_an_organization_a_measure_names_as_its_object_once():
    got = candidates("美国还制裁了深圳光子工程研究中心，该中心受地方政府支持。")
    assert ("Organization", ("深圳光子工程研究中心",)) in got
    got = candidates("美国商务部将旷视科技、广西壮族自治区公安厅和甘肃省武威市公安局列入实体清单。")
    assert {("Organization", ("广西壮族自治区公安厅",)), ("Organization", ("甘肃省武威市公安局",))} <= got


@pytest.mark.parametrize("text", [
    "美国将十几家中国公司列入黑名单。",    # a number and a measure word: no name
    "美国商务部将该研究院列入实体名单。",  # a pronoun
    "之前美国只要制裁中共芯片相关公司，就能奏效。",  # a known actor's description
    "美国将工商银行列为中共最大银行。",    # a function word opens the item
])
def test_no_name_from_what_a_measure_names_as_its_object_generically(text):
    assert not any(how == "Organization" for how, _ in candidates(text))
