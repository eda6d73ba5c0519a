//! Readers on small inputs written for these tests (about real events; hudna's own words).

use super::*;

/// Reads `bytes` as if from a file called `name`, collecting entries and rejections.
fn read_named(name: &str, bytes: &[u8], format: Option<Format>) -> (Vec<Entry>, Vec<Rejection>) {
    let options = ReadOptions {
        format,
        ged_actors: GedActors::from_tsv(
            "name\tcode\nGovernment of Syria\tSYR_GOV\nSyrian insurgents\tOPP\nIS\tISIS\n",
        )
        .unwrap(),
    };
    let mut entries = Vec::new();
    let mut rejections = Vec::new();
    let input = Input::File(PathBuf::from(name));
    read_bytes::<()>(name, &input, bytes, &options, &mut |item| {
        match item {
            Ok(e) => entries.push(e),
            Err(r) => rejections.push(r),
        }
        Ok(())
    })
    .unwrap();
    (entries, rejections)
}

fn article(e: &Entry) -> &Article {
    match e {
        Entry::Article { article, .. } => article,
        Entry::Event { event, .. } => panic!("expected an article, got event {}", event.source_ref),
    }
}

fn locator(e: &Entry) -> Option<&str> {
    match e {
        Entry::Article { origin, .. } | Entry::Event { origin, .. } => origin.locator.as_deref(),
    }
}

// The 19 September 2016 attack on the UN/SARC aid convoy at Urum al-Kubra, west of Aleppo,
// retold in a few sentences, with the furniture a news site puts around an article.
const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Aid convoy hit near Aleppo | Example Monitor</title>
  <meta property="og:title" content="Aid convoy hit near Aleppo">
  <meta property="og:site_name" content="Example Monitor">
  <meta property="article:published_time" content="2016-09-20T08:15:00+03:00">
  <link rel="canonical" href="https://monitor.example/2016/09/20/convoy">
  <script>var tracking = "air strike in Homs";</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/syria">Syria</a> <a href="/about">About us</a></nav>
  <article>
    <h1>Aid convoy hit near Aleppo</h1>
    <p>A humanitarian convoy of the United Nations and the Syrian Arab Red Crescent was struck
    on Monday evening at Urum al-Kubra, in the countryside west of Aleppo, as it unloaded food
    and medicine at a Red Crescent warehouse.</p>
    <p>About twenty civilians and aid workers were killed, among them the director of the
    local Red Crescent branch, and most of the trucks were burnt out. The United Nations
    suspended its convoys across Syria the next day.</p>
    <p>Witnesses described hours of bombardment from the air. The attack came a week into a
    ceasefire brokered by the United States and Russia, which collapsed that same day.</p>
  </article>
  <aside class="related-articles">
    <h3>Related articles</h3>
    <ul>
      <li><a href="/a">Car bomb kills six in Azaz</a></li>
      <li><a href="/b">Shelling of Douma leaves four dead</a></li>
    </ul>
  </aside>
  <footer>© Example Monitor. All rights reserved.</footer>
</body>
</html>
"#;

#[test]
fn a_page_gives_its_main_text_and_metadata_without_furniture() {
    let (entries, rejections) = read_named("convoy.html", PAGE.as_bytes(), None);
    assert!(rejections.is_empty(), "{rejections:?}");
    assert_eq!(entries.len(), 1);
    let a = article(&entries[0]);
    assert!(a.text.contains("Urum al-Kubra"), "{}", a.text);
    assert!(a.text.contains("suspended its convoys"), "{}", a.text);
    for furniture in [
        "Car bomb kills six",
        "Douma",
        "About us",
        "tracking",
        "rights reserved",
    ] {
        assert!(
            !a.text.contains(furniture),
            "`{furniture}` kept in:\n{}",
            a.text
        );
    }
    assert_eq!(a.title.as_deref(), Some("Aid convoy hit near Aleppo"));
    assert_eq!(a.outlet.as_deref(), Some("Example Monitor"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://monitor.example/2016/09/20/convoy")
    );
    assert_eq!(a.published, chrono::NaiveDate::from_ymd_opt(2016, 9, 20));
}

#[test]
fn a_truncated_page_is_rejected_with_its_last_line() {
    let cut = &PAGE[..PAGE.find("About twenty").unwrap()];
    let (entries, rejections) = read_named("cut.html", cut.as_bytes(), None);
    assert!(entries.is_empty());
    assert_eq!(rejections.len(), 1);
    let r = &rejections[0];
    assert_eq!(r.file, "cut.html");
    let line = cut.lines().count();
    assert_eq!(r.locator.as_deref(), Some(format!("line {line}").as_str()));
    assert!(r.reason.contains("truncated"), "{}", r.reason);
    assert!(r.to_string().starts_with("cut.html:line "), "{r}");
}

#[test]
fn a_complete_page_followed_by_trackers_is_read() {
    // Sites append scripts, comments and pixels after the document; a few hundred bytes of
    // them once made complete pages look cut off.
    let mut page = PAGE.to_string();
    for n in 0..12 {
        page.push_str(&format!(
            "<!-- cache {n}: served by edge node --><script>window.stats = window.stats || []; stats.push({n});</script>\n"
        ));
    }
    assert!(page.len() - PAGE.len() > 512);
    let (entries, rejections) = read_named("tracked.html", page.as_bytes(), None);
    assert!(rejections.is_empty(), "{rejections:?}");
    assert!(article(&entries[0]).text.contains("Urum al-Kubra"));
}

#[test]
fn a_page_that_omits_its_optional_end_tags_is_read() {
    // HTML lets a page leave `</body>` and `</html>` (and `</p>`, `</li>`…) out.
    let page = PAGE.replace("</body>\n</html>\n", "");
    assert!(!page.contains("</html>") && !page.contains("</body>"));
    let (entries, rejections) = read_named("short.html", page.as_bytes(), None);
    assert!(rejections.is_empty(), "{rejections:?}");
    assert!(article(&entries[0]).text.contains("suspended its convoys"));
    let minimal = "<!DOCTYPE html>\n<meta charset=utf-8>\n<title>Shelling of Kafr Nabl</title>\n\
                   <p>Government artillery shelled Kafr Nabl in southern Idlib on Monday, killing two civilians.\n\
                   <p>Local rescuers said the shelling went on into the evening.\n";
    let (entries, rejections) = read_named("minimal.html", minimal.as_bytes(), None);
    assert!(rejections.is_empty(), "{rejections:?}");
    assert_eq!(entries.len(), 1);
}

#[test]
fn a_page_cut_anywhere_in_its_article_is_truncated() {
    let from = PAGE.find("<article>").unwrap() + 1;
    let to = PAGE.find("</article>").unwrap() + "</article".len();
    let mut cuts = 0;
    for at in (from..to).filter(|&at| PAGE.is_char_boundary(at)) {
        let (entries, rejections) = read_named("cut.html", &PAGE.as_bytes()[..at], None);
        assert!(
            entries.is_empty() && rejections.len() == 1,
            "cut at byte {at} accepted: …{}",
            &PAGE[at.saturating_sub(40)..at]
        );
        assert!(
            rejections[0].reason.contains("truncated"),
            "{}",
            rejections[0].reason
        );
        cuts += 1;
    }
    assert!(cuts > 500);
    // Cut in a tag, a comment or a script: the reason says where.
    for (cut, why) in [
        ("<p class=\"lead", "inside the tag <p"),
        ("<!-- lead paragraph", "inside a comment"),
        ("<script>var tracking = \"air", "inside <script>"),
    ] {
        let page = format!("{}{cut}", &PAGE[..from - 1]);
        let (_, rejections) = read_named("cut.html", page.as_bytes(), None);
        assert_eq!(rejections.len(), 1, "{cut}");
        assert!(
            rejections[0].reason.contains(why),
            "{cut}: {}",
            rejections[0].reason
        );
    }
}

#[test]
fn a_page_that_is_not_utf8_is_rejected_with_line_and_column() {
    let mut bytes = b"<html><body>\n<p>caf".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b"</p></body></html>");
    let (entries, rejections) = read_named("latin1.html", &bytes, None);
    assert!(entries.is_empty());
    assert_eq!(rejections[0].locator.as_deref(), Some("line 2"));
    assert!(
        rejections[0].reason.contains("column 7"),
        "{}",
        rejections[0].reason
    );
}

// Three items about real events of 2019–2020; the second has a stray `<b>` that is never
// closed, which makes the whole document invalid XML.
const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Example Wire</title>
  <link>https://wire.example/</link>
  <description>Syria dispatches</description>
  <item>
    <title>Missiles hit a displacement camp at Qah</title>
    <link>https://wire.example/qah</link>
    <guid>wire-2019-11-20-qah</guid>
    <pubDate>Thu, 21 Nov 2019 07:00:00 GMT</pubDate>
    <description>&lt;p&gt;Surface-to-surface missiles struck the camp for displaced families at Qah, near the Turkish border in northern Idlib, on Wednesday night, killing at least a dozen people.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Broken <b>item</title>
    <link>https://wire.example/broken</link>
    <description>This item never closes its bold tag.</description>
  </item>
  <item>
    <title>Ceasefire announced for Idlib</title>
    <link>https://wire.example/idlib-truce</link>
    <guid>wire-2020-03-05-truce</guid>
    <pubDate>Thu, 05 Mar 2020 18:00:00 GMT</pubDate>
    <description>Russia and Turkey agreed in Moscow on a ceasefire in Idlib from midnight, with a security corridor along the M4 highway.</description>
  </item>
</channel>
</rss>
"#;

#[test]
fn a_feed_with_a_broken_item_gives_the_other_items() {
    let (entries, rejections) = read_named("wire.xml", RSS.as_bytes(), None);
    assert_eq!(entries.len(), 2, "{rejections:?}");
    assert_eq!(rejections.len(), 1);
    let r = &rejections[0];
    let line = RSS[..RSS.find("Broken").unwrap()].lines().count();
    assert!(
        r.locator
            .as_deref()
            .is_some_and(|l| l.starts_with("item 2") && l.contains(&format!("line {}", line - 1))),
        "{r}"
    );
    assert!(r.reason.contains("malformed item"), "{r}");
    let qah = article(&entries[0]);
    assert!(
        qah.text.starts_with("Surface-to-surface missiles"),
        "{}",
        qah.text
    );
    assert!(!qah.text.contains("<p>"), "{}", qah.text);
    assert_eq!(qah.id, "wire-2019-11-20-qah");
    assert_eq!(qah.outlet.as_deref(), Some("Example Wire"));
    assert_eq!(qah.published, chrono::NaiveDate::from_ymd_opt(2019, 11, 21));
    assert_eq!(
        locator(&entries[0]).map(|l| l.starts_with("item 1")),
        Some(true)
    );
    assert_eq!(
        article(&entries[1]).url.as_deref(),
        Some("https://wire.example/idlib-truce")
    );
    assert_eq!(
        locator(&entries[1]).map(|l| l.starts_with("item 3")),
        Some(true)
    );
}

#[test]
fn a_well_formed_atom_feed_gives_every_entry() {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Atom</title>
  <id>urn:example:atom</id>
  <updated>2018-02-20T12:00:00Z</updated>
  <entry>
    <title>Bombardment of Eastern Ghouta</title>
    <id>urn:example:ghouta-1</id>
    <updated>2018-02-20T12:00:00Z</updated>
    <link href="https://atom.example/ghouta-1"/>
    <summary>Air raids and shelling on towns of Eastern Ghouta killed scores of civilians over two days, according to rescue workers.</summary>
  </entry>
  <entry>
    <title>An entry without text</title>
    <id>urn:example:empty</id>
    <updated>2018-02-21T12:00:00Z</updated>
  </entry>
</feed>
"#;
    let (entries, rejections) = read_named("ghouta.atom", atom.as_bytes(), None);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        article(&entries[0]).published,
        chrono::NaiveDate::from_ymd_opt(2018, 2, 20)
    );
    assert_eq!(rejections.len(), 1, "{rejections:?}");
    assert!(
        rejections[0].reason.contains("no description"),
        "{}",
        rejections[0]
    );
    assert_eq!(
        rejections[0]
            .locator
            .as_deref()
            .map(|l| l.starts_with("item 2")),
        Some(true)
    );
}

#[test]
fn a_feed_cut_short_keeps_its_complete_items() {
    let cut = &RSS[..RSS.find("Ceasefire announced").unwrap()];
    let (entries, rejections) = read_named("cut.rss", cut.as_bytes(), Some(Format::Feed));
    assert_eq!(entries.len(), 1, "{rejections:?}");
    assert_eq!(rejections.len(), 2, "{rejections:?}");
    assert!(
        rejections[1].reason.contains("not closed"),
        "{}",
        rejections[1]
    );
}

const GED_HEADER: &str = "id,type_of_violence,side_a,side_b,source_office,source_headline,where_prec,where_coordinates,adm_1,latitude,longitude,date_start,date_end,best,admin1_pip";

#[test]
fn ged_rows_become_events_and_bad_rows_are_rejected_by_line_and_field() {
    // Rows written for the test after the GED codebook; the places and days are real
    // (Kafr Nabl shelling, an air raid on Khan Shaykhun), the ids are made up.
    let csv = format!(
        "{GED_HEADER}\n\
         900001,1,Government of Syria,Syrian insurgents,SOHR,Regime shells Kafr Nabl,1,Kafr Nabl town,Idlib Governorate,35.6138,36.5615,2016-09-18,2016-09-18,2,Idlib\n\
         900002,1,Government of Syria,Syrian insurgents,SOHR,Air strikes on Khan Shaykhun,1,Khan Shaykhun town,Idlib Governorate,35.4411,36.6483,2017-02-30,2017-02-30,3,Idlib\n\
         900003,3,IS,Civilians,SOHR,Gunmen execute villagers,1,Some village,Deir ez-Zor Governorate,135.0,40.1,2017-05-01,2017-05-01,4,Deir-ez-Zor\n\
         900004,1,Government of Syria,Syrian insurgents,SOHR,Clashes on the front,2,Latamneh town,Hama Governorate,35.3197,36.6217,2017-03-21,2017-03-22,,Hama\n"
    );
    let (entries, rejections) = read_named("ged.csv", csv.as_bytes(), None);
    assert_eq!(entries.len(), 2, "{rejections:?}");
    assert_eq!(rejections.len(), 2);
    assert_eq!(rejections[0].locator.as_deref(), Some("line 3"));
    assert!(
        rejections[0].reason.contains("date_start"),
        "{}",
        rejections[0]
    );
    assert_eq!(rejections[1].locator.as_deref(), Some("line 4"));
    assert!(
        rejections[1].reason.contains("latitude"),
        "{}",
        rejections[1]
    );

    let Entry::Event { event, origin } = &entries[0] else {
        panic!("expected an event")
    };
    assert_eq!(origin.locator.as_deref(), Some("line 2"));
    assert_eq!(event.source_ref, "ucdp-ged:900001");
    assert!(event.source_note.contains("SOHR"), "{}", event.source_note);
    let i = &event.incident;
    assert_eq!(i.kind, hudna_core::IncidentType::Shelling);
    assert_eq!(i.perpetrator, "SYR_GOV");
    assert_eq!(i.target_actor.as_deref(), Some("OPP"));
    assert_eq!(i.admin1.as_deref(), Some("Idlib"));
    assert_eq!(i.killed, Some(2));
    assert_eq!(i.date, chrono::NaiveDate::from_ymd_opt(2016, 9, 18));
    assert_eq!(i.geo_precision, Some(hudna_core::GeoPrecision::Locality));

    let Entry::Event { event, .. } = &entries[1] else {
        panic!("expected an event")
    };
    assert_eq!(event.incident.kind, hudna_core::IncidentType::ArmedClash);
    assert_eq!(event.incident.killed, None);
    assert_eq!(
        event.incident.geo_precision,
        Some(hudna_core::GeoPrecision::District)
    );
}

#[test]
fn a_csv_without_ged_columns_is_rejected_as_a_whole() {
    let (entries, rejections) = read_named("other.csv", b"a,b,c\n1,2,3\n", None);
    assert!(entries.is_empty());
    assert_eq!(rejections.len(), 1);
    assert!(
        rejections[0].reason.contains("not a UCDP GED file"),
        "{}",
        rejections[0]
    );
}

#[test]
fn json_lines_keep_their_line_numbers_and_reject_bad_lines() {
    let input = "{\"id\":\"a\",\"text\":\"Shelling hit Kafr Nabl.\"}\nnot json\n\n{\"id\":\"b\",\"text\":\"Clashes near Latamneh.\"}\n";
    let (entries, rejections) = read_named("x.jsonl", input.as_bytes(), None);
    assert_eq!(entries.len(), 2);
    assert_eq!(locator(&entries[1]), Some("line 4"));
    assert_eq!(rejections.len(), 1);
    assert_eq!(
        rejections[0].to_string().split(": ").next(),
        Some("x.jsonl:line 2")
    );
}

#[test]
fn formats_are_told_by_extension_then_by_content() {
    assert_eq!(
        Format::from_extension(Path::new("a/b.JSONL")),
        Some(Format::Jsonl)
    );
    assert_eq!(
        Format::from_extension(Path::new("p.htm")),
        Some(Format::Html)
    );
    assert_eq!(
        Format::from_extension(Path::new("f.atom")),
        Some(Format::Feed)
    );
    assert_eq!(
        Format::from_extension(Path::new("g.csv")),
        Some(Format::Ged)
    );
    assert_eq!(Format::from_extension(Path::new("notes.txt")), None);
    assert_eq!(
        Format::sniff(b"\xef\xbb\xbf  {\"id\":1}"),
        Some(Format::Jsonl)
    );
    assert_eq!(Format::sniff(b"<!DOCTYPE html><html>"), Some(Format::Html));
    assert_eq!(Format::sniff(RSS.as_bytes()), Some(Format::Feed));
    assert_eq!(Format::sniff(GED_HEADER.as_bytes()), Some(Format::Ged));
    assert_eq!(Format::sniff(b"plain words"), None);
    // Standard input has no extension: the content decides.
    let options = ReadOptions::default();
    let mut n = 0;
    read_bytes::<()>("-", &Input::Stdin, RSS.as_bytes(), &options, &mut |item| {
        n += usize::from(item.is_ok());
        Ok(())
    })
    .unwrap();
    assert_eq!(n, 2);
    let mut why = String::new();
    read_bytes::<()>("-", &Input::Stdin, b"plain words", &options, &mut |item| {
        if let Err(r) = item {
            why = r.to_string();
        }
        Ok(())
    })
    .unwrap();
    assert!(why.contains("--format"), "{why}");
}

#[test]
fn directories_are_read_recursively_in_name_order_skipping_unknown_and_hidden_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/deeper")).unwrap();
    std::fs::create_dir_all(root.join(".hidden")).unwrap();
    for f in [
        "z.jsonl",
        "a.html",
        "b/feed.xml",
        "b/deeper/ged.csv",
        "b/readme.txt",
        ".hidden/x.jsonl",
    ] {
        std::fs::write(root.join(f), "x").unwrap();
    }
    let got: Vec<String> = expand(&[root.to_path_buf(), PathBuf::from("-")])
        .unwrap()
        .iter()
        .map(|i| match i {
            Input::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
            Input::Stdin => "-".into(),
        })
        .collect();
    assert_eq!(
        got,
        vec!["a.html", "b/deeper/ged.csv", "b/feed.xml", "z.jsonl", "-"]
    );
    let err = expand(&[root.join("missing.jsonl")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.jsonl"), "{err}");
}
