//! Reader tests on small inputs written for them (about real events, in our own words).

use super::*;

fn read_all(name: &str, format: Format, bytes: &[u8]) -> Vec<Result<Entry, Rejection>> {
    let options = ReadOptions {
        format: Some(format),
        ged_actors: GedActors::from_tsv(
            "name\tcode\nGovernment of Syria\tSYR_GOV\nIS\tISIS\nSyrian insurgents\tOPP\n\
             Government of Russia (Soviet Union)\tRUS\n",
        )
        .unwrap(),
    };
    let mut out = Vec::new();
    read_bytes::<()>(
        name,
        &Input::File(PathBuf::from(name)),
        bytes,
        &options,
        &mut |e| {
            out.push(e);
            Ok(())
        },
    )
    .unwrap();
    out
}

fn article(e: &Result<Entry, Rejection>) -> &Article {
    match e {
        Ok(Entry::Article { article, .. }) => article,
        other => panic!("expected an article, got {other:?}"),
    }
}

fn rejection(e: &Result<Entry, Rejection>) -> String {
    match e {
        Err(r) => r.to_string(),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

pub(crate) const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Aid convoy hit near Aleppo | Levant Desk</title>
<meta property="og:title" content="Aid convoy hit west of Aleppo">
<meta property="og:site_name" content="Levant Desk">
<meta property="article:published_time" content="2016-09-20T08:15:00Z">
<link rel="canonical" href="https://levant-desk.example/2016/09/20/convoy">
<script>var promo = "Russian jets strike a market in Idlib";</script>
<style>.x { color: red }</style>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/syria">Syria</a></li></ul></nav>
<div class="share-bar">Share on social media</div>
<article>
<h1>Aid convoy hit west of Aleppo</h1>
<p>A joint convoy of the United Nations and the Syrian Arab Red Crescent was attacked on
Monday evening in Urum al-Kubra, west of Aleppo, while its trucks were being unloaded at a
Red Crescent warehouse. About twenty civilians and aid workers were killed, among them the
head of the local Red Crescent branch.</p>
<p>The convoy had been cleared with the warring parties before it set out. Aid agencies
suspended deliveries across Syria the next day, and the United Nations called the attack a
possible war crime. Witnesses described strikes from the air lasting more than two hours,
with barrel bombs and missiles falling on the warehouse and on the trucks.</p>
<p>Most of the thirty-one trucks were destroyed along with the food and medicine they
carried, which had been meant for some seventy-eight thousand people in the western
countryside of Aleppo.</p>
</article>
<aside class="related-articles"><h3>Related</h3><ul>
<li><a href="/a">Barrel bombs hit the field hospital in Daraya</a></li>
<li><a href="/b">Shelling kills two in Kafranbel</a></li></ul></aside>
<footer>Levant Desk. All rights reserved.</footer>
</body></html>
"#;

#[test]
fn a_page_gives_its_text_and_metadata_without_furniture() {
    let got = read_all("convoy.html", Format::Html, PAGE.as_bytes());
    assert_eq!(got.len(), 1);
    let a = article(&got[0]);
    assert_eq!(a.title.as_deref(), Some("Aid convoy hit west of Aleppo"));
    assert_eq!(a.outlet.as_deref(), Some("Levant Desk"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://levant-desk.example/2016/09/20/convoy")
    );
    assert_eq!(a.published, chrono::NaiveDate::from_ymd_opt(2016, 9, 20));
    assert!(a.text.contains("Urum al-Kubra"), "{}", a.text);
    assert!(a.text.contains("seventy-eight thousand"), "{}", a.text);
    for furniture in [
        "Daraya",
        "Kafranbel",
        "Russian jets",
        "Share on social",
        "All rights reserved",
        "Home",
    ] {
        assert!(!a.text.contains(furniture), "{furniture} leaked: {}", a.text);
    }
}

#[test]
fn a_truncated_page_is_rejected_with_its_line() {
    let cut = &PAGE[..PAGE.find("Most of the thirty-one").unwrap()];
    let got = read_all("cut.html", Format::Html, cut.as_bytes());
    let msg = rejection(&got[0]);
    assert!(msg.starts_with("cut.html:line "), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn a_page_that_is_not_utf8_is_rejected_with_line_and_column() {
    let mut bytes = PAGE.as_bytes().to_vec();
    let at = PAGE.find("Monday").unwrap();
    bytes[at] = 0xE9;
    let msg = rejection(&read_all("latin1.html", Format::Html, &bytes)[0]);
    assert!(msg.contains("latin1.html:line 19"), "{msg}");
    assert!(msg.contains("not UTF-8"), "{msg}");
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Idlib Field Notes</title>
<link>https://field-notes.example/</link>
<description>Reports from north-west Syria</description>
<item>
<title>Market struck in Maarat al-Numan</title>
<link>https://field-notes.example/1</link>
<guid>fn-1</guid>
<pubDate>Mon, 02 Dec 2019 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Warplanes struck the vegetable market in Maarat al-Numan on Monday morning, killing several civilians.&lt;/p&gt;</description>
</item>
<item>
<title>Broken item</titel>
<guid>fn-2</guid>
<description>This item is not well formed.</description>
</item>
<item>
<title>Shells on Kafranbel</title>
<link>https://field-notes.example/3</link>
<guid>fn-3</guid>
<pubDate>Tue, 03 Dec 2019 09:00:00 GMT</pubDate>
<description>Artillery shells fell on Kafranbel in the southern Idlib countryside.</description>
</item>
<item>
<title>Headline only</title>
<guid>fn-4</guid>
</item>
</channel></rss>
"#;

#[test]
fn a_feed_with_a_broken_item_keeps_the_others() {
    let got = read_all("notes.xml", Format::Feed, RSS.as_bytes());
    assert_eq!(got.len(), 4, "{got:?}");
    let first = article(&got[0]);
    assert_eq!(first.id, "fn-1");
    assert_eq!(first.outlet.as_deref(), Some("Idlib Field Notes"));
    assert_eq!(first.published, chrono::NaiveDate::from_ymd_opt(2019, 12, 2));
    assert!(first.text.starts_with("Warplanes struck"), "{}", first.text);
    assert!(!first.text.contains("<p>"));
    let broken = rejection(&got[1]);
    assert!(broken.starts_with("notes.xml:item 2 (line 14): malformed item"), "{broken}");
    assert_eq!(article(&got[2]).id, "fn-3");
    let empty = rejection(&got[3]);
    assert!(empty.contains("item 4 (line 27)"), "{empty}");
    assert!(empty.contains("no description or content"), "{empty}");
}

#[test]
fn an_atom_feed_gives_one_article_per_entry() {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Hasakah Dispatches</title>
<id>urn:hasakah</id>
<updated>2019-10-20T00:00:00Z</updated>
<entry>
<title>Drone strike on a car near Qamishli</title>
<id>urn:hasakah:1</id>
<link href="https://dispatch.example/1"/>
<published>2019-10-20T07:00:00Z</published>
<updated>2019-10-20T07:00:00Z</updated>
<content type="html">&lt;p&gt;A drone struck a car in al-Hilaliya on the edge of Qamishli, killing three people.&lt;/p&gt;</content>
</entry>
</feed>
"#;
    let got = read_all("d.atom", Format::Feed, atom.as_bytes());
    assert_eq!(got.len(), 1);
    let a = article(&got[0]);
    assert_eq!(a.outlet.as_deref(), Some("Hasakah Dispatches"));
    assert_eq!(a.url.as_deref(), Some("https://dispatch.example/1"));
    assert!(a.text.contains("al-Hilaliya"));
}

#[test]
fn a_cut_feed_rejects_the_unclosed_item_only() {
    let cut = &RSS[..RSS.find("<title>Shells on").unwrap()];
    let got = read_all("cut.rss", Format::Feed, cut.as_bytes());
    assert_eq!(article(&got[0]).id, "fn-1");
    let last = rejection(got.last().unwrap());
    assert!(last.contains("item 3 (line 20)"), "{last}");
    assert!(last.contains("not closed"), "{last}");
}

pub(crate) const GED: &str = "id,year,type_of_violence,side_a,side_b,source_office,source_headline,where_prec,where_coordinates,adm_1,latitude,longitude,date_start,date_end,best,admin1_pip\n\
900001,2016,1,Government of Syria,Syrian insurgents,SOHR,Regime shells hit Kafr Nabl,1,Kafr Nabl town,Idlib Governorate,35.6138,36.5645,2016-09-18,2016-09-18,2,Idlib\n\
900002,2016,1,Government of Syria,Syrian insurgents,SOHR,Clashes on the edge of the city,1,Aleppo city,Aleppo Governorate,36.2,37.16,2016-13-40,2016-13-40,5,Aleppo\n\
900003,2017,2,IS,Syrian insurgents,SOHR,Car bomb in the town,1,Azaz town,Aleppo Governorate,96.58,37.05,2017-01-07,2017-01-07,43,Aleppo\n\
900004,2017,3,IS,Civilians,SOHR,Civilians executed,2,Deir ez-Zor area,,35.33,east,2017-02-01,2017-02-01,4,\n\
900005,2019,1,\"Government of Russia (Soviet Union)\",Syrian insurgents,SOHR,Russian air strikes on Kafr Nabl,1,Kafr Nabl town,Idlib Governorate,35.6138,36.5645,2019-05-20,2019-05-22,6,Idlib\n";

#[test]
fn ged_rows_become_events_and_bad_rows_are_rejected_by_field() {
    let got = read_all("ged.csv", Format::Ged, GED.as_bytes());
    assert_eq!(got.len(), 5);
    let Ok(Entry::Event { event, origin }) = &got[0] else {
        panic!("{:?}", got[0])
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
    assert_eq!(i.geo_precision, Some(hudna_core::GeoPrecision::Locality));
    let bad_date = rejection(&got[1]);
    assert!(
        bad_date.starts_with("ged.csv:line 3: field `date_start`"),
        "{bad_date}"
    );
    let bad_lat = rejection(&got[2]);
    assert!(
        bad_lat.contains("line 4: field `latitude`") && bad_lat.contains("out of range"),
        "{bad_lat}"
    );
    let bad_lon = rejection(&got[3]);
    assert!(bad_lon.contains("line 5: field `longitude`"), "{bad_lon}");
    let Ok(Entry::Event { event, .. }) = &got[4] else {
        panic!("{:?}", got[4])
    };
    assert_eq!(event.incident.kind, hudna_core::IncidentType::AirStrike);
    assert_eq!(event.incident.perpetrator, "RUS");
}

#[test]
fn a_csv_without_ged_columns_is_rejected_whole() {
    let got = read_all("other.csv", Format::Ged, b"a,b,c\n1,2,3\n");
    let msg = rejection(&got[0]);
    assert!(msg.contains("not a UCDP GED file: no column `id`"), "{msg}");
}

#[test]
fn jsonl_rejections_name_the_line() {
    let input = b"{\"id\":\"a\",\"text\":\"t\"}\n{bad json\n{\"id\":\"c\",\"text\":\"\xff\"}\n";
    let got = read_all("a.jsonl", Format::Jsonl, input);
    assert_eq!(article(&got[0]).id, "a");
    assert!(rejection(&got[1]).starts_with("a.jsonl:line 2: not JSON"));
    assert!(rejection(&got[2]).starts_with("a.jsonl:line 3: not UTF-8"));
}

#[test]
fn formats_are_told_by_extension_then_content() {
    assert_eq!(
        Format::from_extension(Path::new("x/a.HTM")),
        Some(Format::Html)
    );
    assert_eq!(Format::from_extension(Path::new("a.atom")), Some(Format::Feed));
    assert_eq!(Format::sniff(b"  {\"id\":1}"), Some(Format::Jsonl));
    assert_eq!(Format::sniff(b"<?xml version='1.0'?><rss>"), Some(Format::Feed));
    assert_eq!(Format::sniff(b"<!DOCTYPE html><html>"), Some(Format::Html));
    assert_eq!(
        Format::sniff(b"id,year,type_of_violence\n"),
        Some(Format::Ged)
    );
    assert_eq!(Format::sniff(b"hello"), None);
}

#[test]
fn directories_are_read_recursively_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
    for f in ["b/c/z.jsonl", "a.html", "b/notes.txt", ".hidden.jsonl", "b/feed.xml"] {
        std::fs::write(dir.path().join(f), "x").unwrap();
    }
    let got = expand(&[dir.path().to_path_buf()]).unwrap();
    let names: Vec<String> = got
        .iter()
        .map(|i| match i {
            Input::File(p) => p
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string(),
            Input::Stdin => "-".into(),
        })
        .collect();
    assert_eq!(names, ["a.html", "b/c/z.jsonl", "b/feed.xml"]);
    assert!(expand(&[PathBuf::from("/nonexistent/x")]).is_err());
}
