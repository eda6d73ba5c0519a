//! Extraction on sentences written for these tests (about real events, in our own words).

use std::sync::OnceLock;

use chrono::NaiveDate;
use hudna_core::{Article, GeoPrecision, Incident, IncidentType, Target};

use crate::Extractor;

fn extractor() -> &'static Extractor {
    static E: OnceLock<Extractor> = OnceLock::new();
    E.get_or_init(|| Extractor::bundled().expect("bundled data loads"))
}

fn read(text: &str, published: Option<&str>) -> Vec<Incident> {
    let article = Article {
        id: "t".into(),
        published: published.map(|p| p.parse().unwrap()),
        text: text.into(),
        ..Default::default()
    };
    extractor().extract(&article)
}

fn places(incidents: &[Incident]) -> Vec<&str> {
    incidents
        .iter()
        .filter_map(|i| i.place.as_deref())
        .collect()
}

#[test]
fn a_list_of_shelled_villages_gives_one_incident_per_village() {
    let got = read(
        "قصفت قوات النظام، اليوم الثلاثاء، قرى حسرايا وكفرزيتا ومورك في ريف حماة الشمالي بقذائف المدفعية.",
        Some("2019-05-07"),
    );
    assert_eq!(places(&got), ["حسرايا", "كفرزيتا", "مورك"], "{got:#?}");
    for i in &got {
        assert_eq!(i.kind, IncidentType::Shelling);
        assert_eq!(i.perpetrator, "SYR_GOV");
        assert_eq!(i.admin1.as_deref(), Some("Hama"));
        assert_eq!(i.date, NaiveDate::from_ymd_opt(2019, 5, 7));
    }
}

#[test]
fn two_sentences_about_one_strike_give_one_incident() {
    let got = read(
        "شنت طائرات حربية روسية غارات على مدينة سراقب في ريف إدلب الشرقي. \
         وأسفرت الغارات على سراقب عن مقتل أربعة مدنيين وإصابة سبعة آخرين.",
        None,
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    let i = &got[0];
    assert_eq!(
        (i.kind, i.perpetrator.as_str()),
        (IncidentType::AirStrike, "RUS")
    );
    assert_eq!((i.killed, i.injured), (Some(4), Some(7)));
    assert_eq!(i.evidence.len(), 2, "both sentences support it");
}

#[test]
fn a_plain_qasf_is_shelling_unless_aircraft_are_named() {
    let ground = read("قصفت قوات النظام بلدة كفرنبل جنوب إدلب.", None);
    assert_eq!(ground[0].kind, IncidentType::Shelling);
    let air = read("قصف طيران النظام بلدة كفرنبل جنوب إدلب.", None);
    assert_eq!(air[0].kind, IncidentType::AirStrike);
    assert_eq!(air[0].perpetrator, "SYR_GOV");
    let helicopters = read("ألقت المروحيات براميل متفجرة على بلدة كفرنبل.", None);
    assert_eq!(helicopters[0].kind, IncidentType::AirStrike);
}

#[test]
fn attribution_patterns_name_the_perpetrator() {
    let cases = [
        ("قصفت قوات النظام بلدة كفرنبل بريف إدلب.", "SYR_GOV"),
        (
            "سقط قتيلان في قصف لقوات النظام على بلدة كفرنبل بريف إدلب.",
            "SYR_GOV",
        ),
        (
            "أصيب مدنيون برصاص قناص من قبل حاجز لحزب الله في بلدة مضايا.",
            "HZB",
        ),
        ("استهدفت طائرات حربية روسية مدينة معرة النعمان.", "RUS"),
        ("قصفت المدفعية التركية قرية تل الورد بريف الحسكة.", "TUR"),
    ];
    for (text, actor) in cases {
        let got = read(text, None);
        assert!(!got.is_empty(), "nothing read from {text}");
        assert_eq!(got[0].perpetrator, actor, "{text}");
    }
}

#[test]
fn tolls_in_digits_and_words_keep_killed_and_injured_apart() {
    let cases: [(&str, Option<u32>, Option<u32>); 5] = [
        (
            "قتل ثلاثة أطفال وأصيب خمسة مدنيين بقصف مدفعي على بلدة مورك.",
            Some(3),
            Some(5),
        ),
        ("استشهد مدنيان بقصف مدفعي على بلدة مورك.", Some(2), None),
        (
            "قتل أكثر من 50 شخصاً بقصف جوي على مدينة دوما.",
            Some(50),
            None,
        ),
        ("أصيب عشرون مدنياً بقصف مدفعي على بلدة مورك.", None, Some(20)),
        (
            "قصفت قوات النظام بلدة مورك دون وقوع إصابات.",
            Some(0),
            Some(0),
        ),
    ];
    for (text, killed, injured) in cases {
        let got = read(text, None);
        assert_eq!(got.len(), 1, "{text}: {got:#?}");
        assert_eq!((got[0].killed, got[0].injured), (killed, injured), "{text}");
    }
}

#[test]
fn a_toll_over_several_places_belongs_to_none_of_them() {
    let got = read(
        "أسفرت غارات روسية على قرى كفرنبل وحاس ومعرة حرمة عن مقتل ستة مدنيين.",
        None,
    );
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(got.iter().all(|i| i.killed.is_none()));
}

#[test]
fn relative_days_resolve_against_publication() {
    // 19 September 2016 was a Monday.
    let got = read(
        "قصفت قوات النظام أمس بلدة كفرنبل. وكانت الطائرات قد قصفت يوم السبت الماضي مدينة سراقب.",
        Some("2016-09-19"),
    );
    let day = |place: &str| {
        got.iter()
            .find(|i| i.place.as_deref() == Some(place))
            .unwrap()
            .date
    };
    assert_eq!(day("كفرنبل"), NaiveDate::from_ymd_opt(2016, 9, 18));
    assert_eq!(day("سراقب"), NaiveDate::from_ymd_opt(2016, 9, 17));
    let explicit = read("قصفت قوات النظام بلدة مضايا في 29 شباط 2016.", None);
    assert_eq!(explicit[0].date, NaiveDate::from_ymd_opt(2016, 2, 29));
    // Without a year or a publication date, the day stays unknown.
    let bare = read("قصفت قوات النظام بلدة مضايا في 29 شباط.", None);
    assert_eq!(bare[0].date, None);
}

#[test]
fn the_same_place_on_two_days_is_two_incidents() {
    let got = read(
        "قصفت قوات النظام بلدة البارة يوم الاثنين. وعادت قوات النظام لقصف بلدة البارة يوم الأربعاء.",
        Some("2020-11-26"),
    );
    assert_eq!(got.len(), 2, "{got:#?}");
}

#[test]
fn namesakes_follow_the_governorate_the_text_names() {
    let aleppo = read("قصفت قوات النظام قرية الجابرية بريف حلب الجنوبي.", None);
    assert_eq!(aleppo[0].admin1.as_deref(), Some("Aleppo"));
    let homs = read("قصفت قوات النظام قرية الجابرية بريف حمص الشمالي.", None);
    assert_eq!(homs[0].admin1.as_deref(), Some("Homs"));
}

#[test]
fn countryside_with_no_town_is_the_governorate_seat_named() {
    let got = read("قتل مدنيان بقصف جوي روسي على ريف إدلب الجنوبي.", None);
    assert_eq!(places(&got), ["إدلب"]);
    assert_eq!(got[0].admin1.as_deref(), Some("Idlib"));
}

#[test]
fn neighbourhoods_of_cities_are_places() {
    let got = read(
        "سقطت قذائف هاون على حي باب توما وحي القصاع في العاصمة دمشق.",
        None,
    );
    assert_eq!(places(&got), ["باب توما", "القصاع"], "{got:#?}");
    assert!(got.iter().all(|i| i.admin1.as_deref() == Some("Damascus")));
}

#[test]
fn related_headlines_at_the_foot_give_no_incidents() {
    let text = "قصفت قوات النظام بلدة كفرنبل بريف إدلب.\n\nمقالات ذات صلة\n\
                غارات روسية على مدينة سراقب\nقصف مدفعي على بلدة مورك";
    let got = read(text, None);
    assert_eq!(places(&got), ["كفرنبل"]);
    let inline = "قصفت قوات النظام بلدة كفرنبل بريف إدلب.\nاقرأ أيضاً: غارات على سراقب\n\
                  واستهدفت القوات ذاتها بلدة البارة.";
    let got = read(inline, None);
    assert_eq!(places(&got), ["كفرنبل", "البارة"]);
}

#[test]
fn statements_threats_and_ceasefires_are_not_incidents() {
    for text in [
        "هدد وزير الدفاع بقصف مواقع المعارضة في إدلب إذا لم تنسحب.",
        "دعت الأمم المتحدة الأطراف إلى احترام وقف إطلاق النار في حلب.",
        "The minister warned that any attack on Idlib would be met with force.",
    ] {
        assert!(read(text, None).is_empty(), "{text}");
    }
}

#[test]
fn an_actor_only_accused_by_the_other_side_is_unknown() {
    let got = read(
        "قتل مدنيان بقذائف هاون سقطت على حي باب توما في دمشق، ويتهم النظام فصائل المعارضة \
         بإطلاقها، في حين تنفي الفصائل ذلك وتتهم قوات النظام.",
        None,
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].perpetrator, "UNKNOWN");
}

#[test]
fn targets_are_read_from_what_was_hit() {
    let cases = [
        ("استهدفت غارة روسية مستشفى في بلدة كفرنبل.", Target::Medical),
        ("قصفت قوات النظام مدرسة في بلدة كفرنبل.", Target::Education),
        (
            "استهدفت غارة جوية قافلة مساعدات إنسانية في بلدة أورم الكبرى.",
            Target::Humanitarian,
        ),
        (
            "قصفت قوات النظام مواقع للفصائل في بلدة كفرنبل.",
            Target::Armed,
        ),
        (
            "قصفت قوات النظام منازل المدنيين في بلدة كفرنبل.",
            Target::Civilians,
        ),
    ];
    for (text, target) in cases {
        let got = read(text, None);
        assert!(!got.is_empty(), "nothing read from {text}");
        assert_eq!(got[0].target, target, "{text}");
    }
}

#[test]
fn english_articles_give_the_same_incidents() {
    let got = read(
        "Russian warplanes struck the town of Kafr Nabl in southern Idlib on Tuesday, killing \
         five civilians, a monitor said.",
        Some("2019-05-08"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    let i = &got[0];
    assert_eq!(
        (i.kind, i.perpetrator.as_str()),
        (IncidentType::AirStrike, "RUS")
    );
    assert_eq!(i.admin1.as_deref(), Some("Idlib"));
    assert_eq!(i.killed, Some(5));
    assert_eq!(i.date, NaiveDate::from_ymd_opt(2019, 5, 7));
}

#[test]
fn evidence_spans_index_the_original_text() {
    // Diacritics, tatweel and a bidi mark shift folded offsets away from the original ones.
    let text = "أفاد مراسل محلي.\nقَصَفَتْ قـوات النظام\u{200f} بلدةَ كفرنبل، وقُتل مدنيان.";
    let got = read(text, None);
    assert_eq!(got.len(), 1, "{got:#?}");
    let chars: Vec<char> = text.chars().collect();
    let [s, e] = got[0].evidence[0];
    let span: String = chars[s..e].iter().collect();
    assert!(span.starts_with("قَصَفَتْ"), "{span}");
    assert!(span.ends_with("مدنيان."), "{span}");
}

#[test]
fn clitics_are_read_off_triggers_actors_and_places() {
    let got = read("وبقصفٍ لقوات النظام على بلدة كفرنبل قتل مدنيان.", None);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].perpetrator, "SYR_GOV");
    assert_eq!(got[0].place.as_deref(), Some("كفرنبل"));
}

#[test]
fn a_ten_megabyte_article_is_read_in_windows() {
    let sentence = "قصفت قوات النظام بلدة كفرنبل بريف إدلب، دون وقوع إصابات.\n";
    let text = sentence.repeat(10_000_000 / sentence.len() + 1);
    let got = read(&text, None);
    // One place, one day, one actor: the repetitions are one incident.
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].evidence.len(), 16, "evidence is bounded too");
}

#[test]
fn air_defence_firing_is_not_an_attack() {
    // Israeli strikes on Damascus in January 2019 were met by Syrian air defence fire.
    let got = read(
        "قصفت طائرات إسرائيلية مواقع في محيط مطار دمشق الدولي فجر اليوم، فيما أطلقت الدفاعات الجوية السورية صواريخها نحو الأهداف المعادية.",
        Some("2019-01-21"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::AirStrike);
    let got = read(
        "وسمع دوي انفجار صاروخ اعتراضي في أجواء مدينة حمص.",
        Some("2019-01-21"),
    );
    assert!(got.is_empty(), "{got:#?}");
}

#[test]
fn civilians_named_beside_fighters_are_the_target_unless_it_is_a_fight() {
    // Arrest campaigns in the towns of Eastern Ghouta after the 2018 settlement.
    let got = read(
        "اعتقلت قوات النظام أمس عشرات المدنيين وعناصر سابقين في فصائل المعارضة خلال حملة مداهمات في مدينة دوما.",
        Some("2018-09-10"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::Abduction);
    assert_eq!(got[0].target, Target::Civilians);
}

#[test]
fn undated_sentences_take_the_day_of_the_lead() {
    // The bombardment of Aleppo and its countryside on 23 September 2016.
    let got = read(
        "قصفت الطائرات الحربية الروسية أمس الجمعة مدينة حلب وريفها. وفي الريف الغربي، قتل خمسة مدنيين في غارات على قرية بشقاتين.",
        Some("2016-09-24"),
    );
    // (The city is the summary of the village's strike.)
    assert_eq!(places(&got), ["بشقاتين"], "{got:#?}");
    for i in &got {
        assert_eq!(i.date, NaiveDate::from_ymd_opt(2016, 9, 23), "{i:#?}");
    }
    // A sentence dated only vaguely keeps no day.
    let got = read(
        "قصفت قوات النظام اليوم بلدة كفرنبل. وكانت قوات النظام قد قصفت بلدة معرة حرمة الأسبوع الماضي.",
        Some("2016-09-24"),
    );
    let vague: Vec<_> = got.iter().filter(|i| i.date.is_none()).collect();
    assert_eq!(vague.len(), 1, "{got:#?}");
}

#[test]
fn singular_nouns_for_people_count_one() {
    let got = read(
        "قصفت قوات النظام بلدة كفرنبل ما أدى إلى مقتل طفل وإصابة 15 امرأة بجروح.",
        Some("2016-09-19"),
    );
    assert_eq!(
        (got[0].killed, got[0].injured),
        (Some(1), Some(15)),
        "{got:#?}"
    );
    let got = read(
        "امرأة ورجل أصيبا بجروح جراء قصف قوات النظام على بلدة كفرنبل.",
        Some("2016-09-19"),
    );
    assert_eq!(got[0].injured, Some(2), "{got:#?}");
}

#[test]
fn english_wire_phrasing() {
    // Fighting around Tal Tamr, 2019; the convoy at Urum al-Kubra, 19 September 2016.
    let got = read(
        "Turkish-backed rebels and Kurdish-led forces exchanged fire near Tel Tamer in Hasakah province on Monday.",
        Some("2019-05-28"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::ArmedClash);
    assert_eq!(got[0].admin1.as_deref(), Some("Al-Hasakeh"));
    let got = read(
        "Regime shelling on Kafranbel killed a child on Sunday.",
        Some("2016-09-19"),
    );
    assert_eq!(got[0].perpetrator, "SYR_GOV", "{got:#?}");
    assert_eq!(got[0].killed, Some(1));
    let got = read(
        "An aid convoy was struck near Urum al-Kubra west of Aleppo on Monday evening, killing about 20 people.",
        Some("2016-09-20"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].target, Target::Humanitarian);
    // "struck" with nothing named that was hit is no event.
    assert!(read("A deal was struck in Geneva on Friday.", None).is_empty());
}

#[test]
fn a_toll_before_a_placeless_event_word_goes_to_the_next() {
    // Civil defence volunteers killed in Idlib's countryside, 2016.
    let got = read(
        "قضى عنصران من الدفاع المدني إثر غارة للطيران الحربي استهدفت مركزهم في بلدة حاس بريف إدلب الجنوبي.",
        Some("2016-10-26"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].killed, Some(2));
    assert_eq!(got[0].target, Target::Medical);
}

#[test]
fn gunmen_belonging_to_a_side_are_that_side() {
    let got = read(
        "اختطف مسلحون يتبعون لهيئة تحرير الشام ناشطاً إعلامياً من منزله في مدينة سرمدا شمال إدلب.",
        Some("2019-03-02"),
    );
    assert_eq!(got[0].perpetrator, "HTS", "{got:#?}");
    // A city's adjective is not part of a neighbourhood's name.
    let got = read(
        "قُتل عنصر من قوات النظام برصاص قناص في حي جوبر الدمشقي.",
        Some("2017-03-20"),
    );
    assert_eq!(got[0].admin1.as_deref(), Some("Damascus"), "{got:#?}");
    assert_eq!(got[0].place.as_deref(), Some("جوبر"));
}

#[test]
fn english_subjects_come_before_the_verb_and_near_places_locate() {
    // The coalition strike on Syrian army positions at Deir ez-Zor, 17 September 2016.
    let got = read(
        "US-led coalition aircraft struck Syrian army positions on Jabal Tharda near Deir ez-Zor airport on Saturday, killing 62 soldiers.",
        Some("2016-09-18"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].perpetrator, "COAL");
    assert_eq!(got[0].target_actor.as_deref(), Some("SYR_GOV"));
    assert_eq!(got[0].killed, Some(62));
}

#[test]
fn a_blast_of_a_strike_and_the_two_sides_of_a_clash_are_one_event() {
    let got = read(
        "شنت طائرات حربية روسية غارات على مدينة سراقب، وسمع دوي انفجارات عنيفة في المدينة.",
        Some("2016-09-20"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::AirStrike);
    let got = read(
        "اندلعت اشتباكات بين قوات النظام وفصائل المعارضة في بلدة اللطامنة. وقالت فصائل المعارضة إنها تصدت لهجوم قوات النظام على اللطامنة.",
        Some("2016-09-20"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::ArmedClash);
}

#[test]
fn a_name_head_takes_the_next_word_even_when_it_is_a_place() {
    // Turkish artillery fire on villages around Tal Tamr, late 2019 (sentence written for
    // this test).
    let got = read(
        "استهدف الجيش التركي بالمدفعية الثقيلة مساء الأحد قرية تل طويل وأطراف قرية أم الخير في ريف تل تمر.",
        Some("2019-11-24"),
    );
    assert!(places(&got).contains(&"تل طويل"), "{got:#?}");
}

/// (kind, place, governorate) of each incident, for compact comparisons.
fn summary(incidents: &[Incident]) -> Vec<(IncidentType, &str, Option<&str>)> {
    incidents
        .iter()
        .map(|i| {
            (
                i.kind,
                i.place.as_deref().unwrap_or(""),
                i.admin1.as_deref(),
            )
        })
        .collect()
}

#[test]
fn a_village_that_is_the_object_of_an_attack_verb_is_a_place() {
    // Regime shelling of the northern Hama countryside, spring 2019.
    let got = read("قصفت قوات النظام مورك.", Some("2019-05-20"));
    assert_eq!(
        summary(&got),
        [(IncidentType::Shelling, "مورك", Some("Hama"))],
        "{got:#?}"
    );
    let got = read("Government forces shelled Morek.", Some("2019-05-20"));
    assert_eq!(
        summary(&got),
        [(IncidentType::Shelling, "Morek", Some("Hama"))]
    );
    let got = read("Government forces shelled Hasraya.", Some("2019-05-20"));
    assert_eq!(
        summary(&got),
        [(IncidentType::Shelling, "Hasraya", Some("Hama"))]
    );
    // A common noun there is what was hit, not the village of that spelling.
    let got = read(
        "قصفت طائرة روسية محطة \"العرشاني\" للمياه قرب مدينة إدلب.",
        Some("2019-05-20"),
    );
    assert!(
        got.iter().all(|i| i.place.as_deref() != Some("محطة")),
        "{got:#?}"
    );
}

#[test]
fn an_object_list_gives_one_incident_per_place() {
    let got = read("قصفت قوات النظام كفرزيتا ومورك.", Some("2019-05-20"));
    assert_eq!(places(&got), ["كفرزيتا", "مورك"], "{got:#?}");
    // Names the gazetteer lacks take the governorate of the places listed with them, and
    // "تل ملح" stays one name (not the town of ملح in As-Sweida).
    let got = read(
        "قصفت مدفعية النظام حسرايا والجبين وتل ملح.",
        Some("2019-05-20"),
    );
    assert_eq!(
        summary(&got),
        [
            (IncidentType::Shelling, "حسرايا", Some("Hama")),
            (IncidentType::Shelling, "الجبين", Some("Hama")),
            (IncidentType::Shelling, "تل ملح", Some("Hama")),
        ],
        "{got:#?}"
    );
    let got = read(
        "Regime artillery shelled Hasraya, al-Jabin and Tal Milh on Tuesday.",
        Some("2019-05-22"),
    );
    assert_eq!(
        summary(&got),
        [
            (IncidentType::Shelling, "Hasraya", Some("Hama")),
            (IncidentType::Shelling, "al-Jabin", Some("Hama")),
            (IncidentType::Shelling, "Tal Milh", Some("Hama")),
        ],
        "{got:#?}"
    );
}

#[test]
fn a_side_of_a_city_named_with_its_place_word_is_the_city() {
    // Shelling around Khan Shaykhun and Saraqib, 2019–2020.
    let got = read("قصفت قوات النظام شرق مدينة خان شيخون.", Some("2019-08-10"));
    assert_eq!(
        summary(&got),
        [(IncidentType::Shelling, "خان شيخون", Some("Idlib"))],
        "{got:#?}"
    );
    let got = read("قصفت قوات النظام غرب مدينة سراقب.", Some("2020-01-28"));
    assert_eq!(
        summary(&got),
        [(IncidentType::Shelling, "سراقب", Some("Idlib"))],
        "{got:#?}"
    );
    // A place word is never a place of its own ("مدينة" is also a village's name).
    let got = read("قصفت قوات النظام مدينة في ريف إدلب.", Some("2020-01-28"));
    assert!(
        got.iter()
            .all(|i| i.admin1.as_deref() != Some("Al-Hasakeh")),
        "{got:#?}"
    );
}

#[test]
fn a_building_in_a_village_is_placed_at_the_village() {
    // Strikes on hospitals and schools in southern Idlib, 2016–2019.
    let got = read(
        "Unidentified aircraft targeted a hospital in Kafr Nabl.",
        Some("2019-05-05"),
    );
    assert_eq!(
        summary(&got),
        [(IncidentType::AirStrike, "Kafr Nabl", Some("Idlib"))],
        "{got:#?}"
    );
    assert_eq!(got[0].target, Target::Medical);
    let got = read(
        "Unidentified aircraft targeted a hospital in Kafr Nabl in southern Idlib countryside.",
        Some("2019-05-05"),
    );
    assert_eq!(places(&got), ["Kafr Nabl"], "{got:#?}");
    let got = read("Russian jets struck a school in Hass.", Some("2016-10-26"));
    assert_eq!(
        summary(&got),
        [(IncidentType::AirStrike, "Hass", Some("Idlib"))],
        "{got:#?}"
    );
    assert_eq!(
        (got[0].perpetrator.as_str(), got[0].target),
        ("RUS", Target::Education)
    );
}

#[test]
fn a_generic_verb_takes_the_type_of_the_event_noun_it_governs() {
    // Air raids on the al-Shaar quarter of Aleppo, 2016.
    let got = read("استهدفت غارات جوية حي الشعار في حلب", Some("2016-04-28"));
    assert_eq!(
        summary(&got),
        [(IncidentType::AirStrike, "الشعار", Some("Aleppo"))],
        "{got:#?}"
    );
    // The school in Hass, 26 October 2016: one air strike, and the counts of children and
    // teachers are one toll.
    let got = read(
        "تعرضت مدرسة في بلدة حاس بريف إدلب لغارة جوية روسية أدت إلى مقتل 22 طفلاً و6 معلمين.",
        Some("2016-10-26"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    let i = &got[0];
    assert_eq!(
        (i.kind, i.perpetrator.as_str(), i.target, i.killed),
        (IncidentType::AirStrike, "RUS", Target::Education, Some(28))
    );
}

#[test]
fn one_civilian_is_a_toll_of_one() {
    let got = read(
        "قتل مدني بقصف مدفعي لقوات النظام على بلدة كفرنبل.",
        Some("2019-05-05"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].killed, Some(1));
    let got = read(
        "قصفت قوات النظام بلدة كفرنبل، وقتل مدني.",
        Some("2019-05-05"),
    );
    assert_eq!(got[0].killed, Some(1), "{got:#?}");
}

#[test]
fn a_new_item_after_a_comma_is_not_inside_the_place_before() {
    // Shelling of Salma (Latakia) and Talbiseh (Homs), 2016.
    let got = read(
        "قصفت قوات النظام بلدة سلمى في ريف اللاذقية الشمالي، ومدينة تلبيسة في ريف حمص.",
        Some("2016-02-10"),
    );
    assert_eq!(
        summary(&got),
        [
            (IncidentType::Shelling, "سلمى", Some("Lattakia")),
            (IncidentType::Shelling, "تلبيسة", Some("Homs")),
        ],
        "{got:#?}"
    );
}

#[test]
fn names_written_joined_or_in_other_spellings_are_found() {
    // The 2019 fighting for Kafr Nabudah in the northern Hama countryside.
    let got = read("قصفت قوات النظام بلدة كفرنبودة.", Some("2019-05-26"));
    assert_eq!(
        summary(&got),
        [(IncidentType::Shelling, "كفرنبودة", Some("Hama"))],
        "{got:#?}"
    );
    for (text, place) in [
        ("Regime forces shelled Latamneh on Sunday.", "Latamneh"),
        (
            "Regime forces shelled the town of al-Lataminah on Sunday.",
            "al-Lataminah",
        ),
        (
            "Regime forces shelled the village of Sheikh Maskin on Sunday.",
            "Sheikh Maskin",
        ),
    ] {
        let got = read(text, Some("2019-05-26"));
        assert_eq!(got.len(), 1, "{text}: {got:#?}");
        assert_eq!(got[0].place.as_deref(), Some(place), "{text}");
        assert!(got[0].admin1.is_some(), "{text}: {got:#?}");
    }
}

#[test]
fn a_sentence_that_stops_after_a_place_word_is_read_without_failing() {
    for text in [
        "Regime forces shelled the town of",
        "Regime forces shelled the town of Latamneh",
        "قصفت قوات النظام بلدة",
        "shelled the",
    ] {
        let _ = read(text, None);
    }
}

#[test]
fn calls_and_meetings_about_bombing_are_not_incidents_in_either_language() {
    // The Aleppo and Idlib diplomacy of 2016 and 2019.
    for text in [
        "The UN called for an end to the bombing of Aleppo.",
        "Diplomats met in Geneva to discuss the shelling of Idlib.",
        "دعت الأمم المتحدة إلى إنهاء قصف حلب.",
        "اجتمع دبلوماسيون في جنيف لبحث قصف إدلب.",
    ] {
        assert!(read(text, None).is_empty(), "{text}");
    }
    // An attack that a statement reports in passing is still one.
    let got = read(
        "The UN condemned the bombing of an aid convoy near Aleppo on Monday.",
        Some("2016-09-20"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
}

#[test]
fn fire_from_a_side_s_positions_is_that_side_s() {
    // Aleppo during the September 2016 truce: shelling from positions held by Hezbollah.
    let got = read(
        "أصيب ثلاثة مدنيين في قرية المرحمية جنوب حلب إثر قصف مدفعي مصدره مواقع ميليشيا حزب الله.",
        Some("2016-09-14"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].perpetrator, "HZB");
    assert_eq!(got[0].target_actor, None);
    // A clause that ends on "إثر" and an event word belongs to that event, not to the one
    // before it.
    let got = read(
        "قصفت قوات النظام حي الصاخور في حلب، فيما أصيب مدنيون في قرية المرحمية إثر قصف مدفعي مصدره مواقع ميليشيا حزب الله.",
        Some("2016-09-14"),
    );
    let at = |place: &str| {
        got.iter()
            .filter(|i| i.place.as_deref() == Some(place))
            .map(|i| i.perpetrator.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(at("الصاخور"), ["SYR_GOV"], "{got:#?}");
    assert_eq!(at("المرحمية"), ["HZB"], "{got:#?}");
}

#[test]
fn withdrawing_armoured_vehicles_is_no_fighting() {
    // The pull-back from the Castello Road announced by Russia on 15 September 2016.
    let got = read(
        "Moscow said Syrian troops had begun pulling tanks and infantry fighting vehicles back from the Castello Road north of Aleppo.",
        Some("2016-09-15"),
    );
    assert!(got.is_empty(), "{got:#?}");
}

#[test]
fn the_lead_dates_a_report_even_when_it_tells_no_event() {
    // The army's announcement of the truce from the evening of Monday 12 September 2016,
    // and a breach reported the next day.
    let got = read(
        "أعلن الجيش بدء التهدئة اعتباراً من مساء أمس الاثنين 12 أيلول. وقال مصدر عسكري إن المسلحين أطلقوا قذائف هاون على حي الميدان في مدينة حلب.",
        Some("2016-09-13"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].date, NaiveDate::from_ymd_opt(2016, 9, 12));
    // "القيادة" and "القتلى" are no "ألقى" (dropped).
    let got = read(
        "أعلنت القيادة العامة أن عدد القتلى في حلب بلغ عشرة.",
        Some("2016-09-13"),
    );
    assert!(got.is_empty(), "{got:#?}");
}

#[test]
fn fighters_who_overran_the_hill_struck_before_fought_there() {
    // Jabal Tharda, Deir ez-Zor, 17 September 2016.
    let got = read(
        "Coalition aircraft struck Syrian army positions on Jabal Tharda on Saturday. Syria's army said Islamic State fighters overran the hilltop after the raid.",
        Some("2016-09-18"),
    );
    let isis: Vec<_> = got.iter().filter(|i| i.perpetrator == "ISIS").collect();
    assert_eq!(isis.len(), 1, "{got:#?}");
    assert_eq!(isis[0].kind, IncidentType::ArmedClash);
    assert_eq!(isis[0].admin1.as_deref(), Some("Deir-ez-Zor"));
    // A country in the possessive owns what follows; it is no place of the event.
    assert!(got.iter().all(|i| i.place.as_deref() != Some("Syria's")));
}

#[test]
fn a_quarter_is_located_as_coarsely_as_its_centroid() {
    // Shelling of al-Shaar in eastern Aleppo, 2016.
    let got = read(
        "قصفت قوات النظام حي الشعار في مدينة حلب.",
        Some("2016-04-28"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].place.as_deref(), Some("الشعار"));
    assert_eq!(got[0].geo_precision, Some(GeoPrecision::Locality));
}

#[test]
fn a_large_city_is_located_no_finer_than_a_district() {
    // Government artillery on Aleppo, and on the village of Kafr Hamra, September 2016.
    let city = read(
        "قصفت قوات النظام مدينة حلب بقذائف المدفعية.",
        Some("2016-09-24"),
    );
    assert_eq!(city.len(), 1, "{city:#?}");
    assert_eq!(city[0].place.as_deref(), Some("حلب"));
    assert_eq!(city[0].geo_precision, Some(GeoPrecision::District));
    let village = read(
        "قصفت قوات النظام قرية كفرحمرة بقذائف المدفعية.",
        Some("2016-09-24"),
    );
    assert_eq!(village.len(), 1, "{village:#?}");
    assert_eq!(village[0].geo_precision, Some(GeoPrecision::Locality));
}

/// A copy of the repository's `data/` (lexicons and the Syria theatre) in a fresh
/// directory, with `edit` applied to discourse.tsv.
fn data_copy(name: &str, edit: impl Fn(&str) -> String) -> std::path::PathBuf {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let dst = std::env::temp_dir().join(format!("hudna-extract-{name}-{}", std::process::id()));
    for sub in ["lexicon", "theatres/syria", "theatres/syria/gazetteer"] {
        std::fs::create_dir_all(dst.join(sub)).unwrap();
        for entry in std::fs::read_dir(src.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "tsv") {
                let mut text = std::fs::read_to_string(&path).unwrap();
                if path.file_name().is_some_and(|n| n == "discourse.tsv") {
                    text = edit(&text);
                }
                std::fs::write(dst.join(sub).join(path.file_name().unwrap()), text).unwrap();
            }
        }
    }
    dst
}

#[test]
fn name_heads_and_affiliation_words_come_from_the_data_files() {
    let text = "اختطف مسلحون يتبعون لهيئة تحرير الشام ناشطاً من منزله في مدينة سرمدا.";
    let article = Article {
        id: "t".into(),
        text: text.into(),
        ..Default::default()
    };
    let dir = data_copy("affiliation", |t| {
        t.lines()
            .filter(|l| !l.starts_with("affiliation\t"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let without = Extractor::new(&crate::DataSource::dir(&dir), "syria").unwrap();
    let got = without.extract(&article);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(read(text, None)[0].perpetrator, "HTS");
    assert_eq!(got[0].perpetrator, "UNKNOWN", "{got:#?}");
}

#[test]
fn a_casualty_noun_right_after_a_number_is_what_it_counts() {
    // The strike on the Qah camp for the displaced, 20 November 2019.
    let got = read(
        "سقط 16 قتيلاً و50 جريحاً في مخيم قاح بريف إدلب جراء قصف صاروخي لقوات النظام.",
        Some("2019-11-21"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].killed, got[0].injured), (Some(16), Some(50)));
}

#[test]
fn digits_of_a_date_or_time_are_not_a_toll() {
    // A dateline in front of a headline: "2016-09-20" is neither 2036 dead nor 20.
    let got = read(
        "2016-09-20 News: Aid convoy bombing kills 20 in Urum al-Kubra",
        Some("2016-09-20"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].killed, Some(20));
    // A clock time before the toll.
    let got = read(
        "At 19:30 an air strike hit the village of Urum al-Kubra, killing 12 people.",
        Some("2016-09-20"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].killed, Some(12));
}

#[test]
fn english_passive_tolls_count_what_comes_before_them() {
    let got = read(
        "Three people were killed and 14 others were injured when a mortar shell hit a market in Harasta.",
        Some("2017-03-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].killed, got[0].injured), (Some(3), Some(14)));
    let got = read(
        "Rebels fired mortar shells at the Bab Touma neighbourhood of Damascus, claiming the life of a man and causing injuries to six civilians.",
        Some("2017-03-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].killed, got[0].injured), (Some(1), Some(6)));
}

#[test]
fn a_toll_of_others_in_the_next_sentence_completes_the_event() {
    let got = read(
        "A car bomb went off in Azaz on Sunday, killing 5 people. At least 25 others were wounded.",
        Some("2017-01-08"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].killed, got[0].injured), (Some(5), Some(25)));
    // Without "others" a lone toll is not taken: it may be a total for the whole war.
    let got = read(
        "A car bomb went off in Azaz on Sunday, killing 5 people. More than 300,000 people have died since 2011.",
        Some("2017-01-08"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].killed, got[0].injured), (Some(5), None));
}

#[test]
fn a_city_word_keeps_a_coastal_city_in_its_own_governorate() {
    // Jableh lies in Latakia governorate; listed beside Tartous under "مدينتي" it is still
    // the city, not an unknown village of Tartous.
    let got = read(
        "هزت تفجيرات صباح اليوم مدينتي جبلة وطرطوس الساحليتين وأوقعت عشرات القتلى.",
        Some("2016-05-23"),
    );
    let jableh = got
        .iter()
        .find(|i| i.place.as_deref() == Some("جبلة"))
        .expect("Jableh is read");
    assert_eq!(jableh.admin1.as_deref(), Some("Lattakia"), "{got:#?}");
}

#[test]
fn the_capital_refers_back_to_the_city_named() {
    let got = read(
        "سقطت قذائف هاون على حي باب توما في دمشق اليوم. وقالت صفحة محلية إن القذائف طالت أحياء العاصمة.",
        Some("2016-03-01"),
    );
    assert!(
        got.iter().all(|i| i.place.as_deref() != Some("العاصمة")),
        "{got:#?}"
    );
}

#[test]
fn a_military_vehicle_is_an_armed_target() {
    let got = read(
        "استهدفت طائرة مسيرة تركية سيارة عسكرية في قرية هيمو بريف القامشلي.",
        Some("2022-08-22"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].target, Target::Armed);
}

#[test]
fn a_place_after_overlooking_only_locates_the_one_before() {
    let got = read(
        "Coalition jets bombed army positions on Jabal Tharda, a ridge overlooking the airport of Deir ez-Zor, killing 62 soldiers.",
        Some("2016-09-17"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].place.as_deref(), Some("Jabal Tharda"));
    assert_eq!(got[0].killed, Some(62));
    assert_eq!(got[0].perpetrator, "COAL");
    // What was hit is the positions, not the airport the ridge overlooks.
    assert_eq!(got[0].target, Target::Armed);
    let got = read(
        "قصفت طائرات التحالف مواقع لقوات النظام في جبل ثردة المطل على مطار دير الزور العسكري.",
        Some("2016-09-17"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].place.as_deref(), Some("جبل ثردة"));
}

#[test]
fn unknown_gunmen_with_a_generic_verb_are_an_attack() {
    let got = read(
        "استهدف مسلحون مجهولون اليوم قائد شرطة بلدة طفس بالرصاص، ما أدى إلى إصابته.",
        Some("2020-05-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::Attack);
    let got = read(
        "استهدف مسلحون مجهولون اليوم قائد شرطة في قرية اليادودة غرب درعا، ما أدى إلى إصابته.",
        Some("2020-05-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::Attack);
}

#[test]
fn a_pattern_over_recent_weeks_is_not_an_event() {
    let got = read(
        "وتشهد قرى ريف تل تمر تبادلاً لإطلاق النار والقذائف خلال الفترة الماضية دفع الأهالي إلى النزوح.",
        Some("2019-12-01"),
    );
    assert!(got.is_empty(), "{got:#?}");
}

#[test]
fn a_named_group_acts_not_its_patron() {
    let got = read(
        "وقالت مصادر أهلية إن مسلحي \"فرقة الحمزة\" التابعة للاحتلال التركي اختطفت عشرين مدنياً من قرية ميدانكي في ريف عفرين.",
        Some("2018-06-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].perpetrator, "OPP");
}

#[test]
fn the_side_being_answered_is_not_the_one_acting() {
    let got = read(
        "وقال الجيش إنه يواصل الرد على نيران قسد عبر استهداف مواقعها في مسكنة شرق حلب.",
        Some("2025-03-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_ne!(got[0].perpetrator, "SDF");
}

#[test]
fn a_town_listed_beside_an_airbase_is_a_place_of_its_own() {
    let got = read(
        "Turkish-backed factions shelled the villages of Tal Rifaat and Minnagh with artillery.",
        Some("2019-05-10"),
    );
    assert_eq!(places(&got), ["Tal Rifaat", "Minnagh"], "{got:#?}");
}

#[test]
fn a_name_part_does_not_swallow_the_place_after_a_preposition() {
    let got = read(
        "اعتقلت قوات النظام أكثر من 20 شاباً في مدينة التل بريف دمشق.",
        Some("2019-05-10"),
    );
    assert!(
        got.iter()
            .all(|i| !i.place.as_deref().unwrap_or("").contains("بريف")),
        "{got:#?}"
    );
}

#[test]
fn aircraft_believed_to_be_a_sides_are_that_sides() {
    let got = read(
        "شنت طائرات حربية يعتقد أنها روسية غارات جوية على مدينة معرة النعمان.",
        Some("2019-05-10"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].perpetrator, "RUS");
}

#[test]
fn destroyed_by_aircraft_is_an_air_strike() {
    // A ministry that speaks is a source, not the one who struck: it names no perpetrator.
    let got = read(
        "أعلنت وزارة الدفاع الروسية أن طائراتها دمرت مستودعات أسلحة لجبهة النصرة في ريف إدلب.",
        Some("2016-09-22"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, IncidentType::AirStrike);
    assert_eq!(got[0].target, Target::Armed);
}

#[test]
fn a_checkpoint_run_by_a_group_makes_the_group_the_target() {
    let got = read(
        "A car bomb killed eight people at a checkpoint run by Ahrar al-Sham near the Bab al-Salama crossing.",
        Some("2016-09-22"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].perpetrator, "UNKNOWN");
}

#[test]
fn near_a_city_past_its_place_word_only_locates_the_village() {
    let got = read(
        "قصفت المدفعية التركية مواقع لقوات سوريا الديمقراطية في قرية مرعناز قرب مدينة عفرين مساء أمس.",
        Some("2016-09-21"),
    );
    assert_eq!(places(&got), ["مرعناز"], "{got:#?}");
}

#[test]
fn wounded_taken_to_hospitals_do_not_make_a_hospital_the_target() {
    let got = read(
        "قتل 12 مدنياً جراء قصف مدفعي على مخيم قاح للنازحين بريف إدلب، وتوزع الجرحى على المشافي القريبة.",
        Some("2019-11-21"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].target, Target::Civilians);
}

#[test]
fn an_english_province_or_countryside_alone_is_the_place() {
    for text in [
        "Israeli missiles struck an air base in Homs province early on Monday, killing 14 people.",
        "Israeli missiles struck an air base in the Homs countryside early on Monday, killing 14 people.",
    ] {
        let got = read(text, Some("2018-04-09"));
        assert_eq!(got.len(), 1, "{text}: {got:#?}");
        assert_eq!(got[0].admin1.as_deref(), Some("Homs"), "{text}");
        assert_eq!(got[0].killed, Some(14), "{text}");
    }
}

#[test]
fn a_foreign_dateline_is_not_where_the_event_was() {
    let got = read(
        "BEIRUT (Reuters) - Government bombardment killed at least 100 people in eastern Ghouta on Monday, a war monitor said.",
        Some("2018-02-20"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].place.as_deref(), Some("eastern Ghouta"));
    assert_eq!(got[0].admin1.as_deref(), Some("Rural Damascus"));
}

#[test]
fn villages_joined_to_a_place_just_read_continue_its_list() {
    for list in [
        "على كفرزيتا واللطامنة ومورك",
        "في كفرزيتا واللطامنة ومورك",
        "على مناطق في كفرزيتا واللطامنة ومورك",
    ] {
        let text = format!("نفذت طائرات النظام الحربية 14 غارة {list} بريف حماة الشمالي.");
        let got = read(&text, Some("2019-06-01"));
        assert_eq!(places(&got), ["كفرزيتا", "اللطامنة", "مورك"], "{text}");
    }
}

#[test]
fn the_source_of_the_news_is_not_the_target() {
    let got = read(
        "انفجرت سيارة مفخخة في مدينة أعزاز شمال حلب، ما أسفر عن مقتل 5 مدنيين، وفق الدفاع المدني.",
        Some("2019-06-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].target, Target::Civilians);
}

#[test]
fn a_toll_that_rose_belongs_to_the_toll_named_before_it() {
    let got = read(
        "The death toll from Thursday's air strikes on the market in Maarat al-Numan rose to 17, the civil defence said.",
        Some("2019-06-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].killed, Some(17));
    // The civil defence spoke; the market was hit.
    assert_eq!(got[0].target, Target::Infrastructure);
}

#[test]
fn others_wounded_without_a_verb_are_the_wounded() {
    let got = read(
        "Two civilians were killed and five others wounded when regime artillery shelled the town of Jisr al-Shughur.",
        Some("2019-06-01"),
    );
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!((got[0].killed, got[0].injured), (Some(2), Some(5)));
}

#[test]
fn a_bad_strikes_column_names_the_file_line_and_field() {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let dest = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &dest);
            } else {
                std::fs::copy(e.path(), dest).unwrap();
            }
        }
    }
    let repo_data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let dir = std::env::temp_dir().join(format!("hudna-strikes-{}", std::process::id()));
    copy(&repo_data, &dir);
    let actors = dir.join("theatres/syria/actors.tsv");
    let text = std::fs::read_to_string(&actors).unwrap();
    std::fs::write(&actors, text.replace("\tstate\tair\n", "\tstate\tsky\n")).unwrap();
    let err = match Extractor::new(&crate::DataSource::dir(&dir), "syria") {
        Ok(_) => panic!("a bad value is refused"),
        Err(e) => e.to_string(),
    };
    std::fs::remove_dir_all(&dir).ok();
    assert!(err.contains("actors.tsv"), "{err}");
    assert!(err.contains("strikes") && err.contains("sky"), "{err}");
    assert!(err.contains(":7") || err.contains("line 7"), "{err}");
}
