//! Reading truce files: each kind of error names the file, the line and the field.

use hudna_truce::{load_truce, parse_truce, LoadError, Problem};

use crate::common::{actors, TRUCE};

fn problems(text: &str) -> Vec<Problem> {
    match parse_truce(text, "t.toml", None, &actors()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(LoadError::Invalid(p)) => p,
        Err(e) => panic!("{e}"),
    }
}

/// The test truce with one line replaced.
fn with(from: &str, to: &str) -> String {
    assert!(TRUCE.contains(from), "{from}");
    TRUCE.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn the_test_truce_reads() {
    let t = crate::common::truce();
    assert_eq!(t.id, "test");
    assert_eq!(t.periods.len(), 1);
    assert_eq!(t.zones.len(), 4);
    assert_eq!(t.notifications.len(), 2);
    assert_eq!(
        t.periods[0].window.from.unwrap().to_rfc3339(),
        "2016-09-12T19:00:00+03:00"
    );
    // A date alone as `until` includes that day.
    let convoy = t.notifications.iter().find(|n| n.id == "convoy").unwrap();
    assert_eq!(
        convoy.window.until.unwrap().to_rfc3339(),
        "2016-09-20T00:00:00+03:00"
    );
}

#[test]
fn notifications_are_for_the_notified_unless_they_say_otherwise() {
    use hudna_truce::NotificationVisibility as V;
    let t = crate::common::truce();
    assert!(t.notifications.iter().all(|n| n.visibility == V::Notified));
    let text = with(
        "radius_km = 0.5",
        "radius_km = 0.5\nvisibility = \"public\"",
    );
    let t = parse_truce(&text, "t.toml", None, &actors()).unwrap();
    let site = t.notifications.iter().find(|n| n.id == "hospital").unwrap();
    assert_eq!(site.visibility, V::Public);
    let text = with(
        "radius_km = 0.5",
        "radius_km = 0.5\nvisibility = \"everyone\"",
    );
    let p = problems(&text);
    assert_eq!(p[0].field, "site[0].visibility", "{p:?}");
    assert_eq!(p[0].line, line_of(&text, "\"everyone\""));
    // Ids of filed notifications are not for truce files.
    let text = with("id = \"hospital\"", "id = \"filed:3\"");
    let p = problems(&text);
    assert_eq!(p[0].field, "site[0].id", "{p:?}");
}

#[test]
fn toml_syntax_error_has_a_line() {
    let text = with("radius_km = 0.5", "radius_km = = 0.5");
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].line, line_of(&text, "radius_km = = 0.5"));
    assert_eq!(p[0].file, "t.toml");
}

#[test]
fn unknown_field_and_wrong_type_name_the_field() {
    let text = with("radius_km = 0.5", "radius_km = 0.5\ncolour = \"red\"");
    let p = problems(&text);
    assert_eq!(p[0].line, line_of(&text, "colour"), "{p:?}");
    assert!(p[0].reason.contains("colour"), "{p:?}");
    assert_eq!(p[0].field, "site[0].colour");

    let text = with("radius_km = 0.5", "radius_km = \"big\"");
    let p = problems(&text);
    assert_eq!(p[0].line, line_of(&text, "\"big\""), "{p:?}");
    assert_eq!(p[0].field, "site[0].radius_km");

    let text = with("kind = \"demilitarised\"", "kind = \"buffer\"");
    let p = problems(&text);
    assert!(p[0].reason.contains("buffer"), "{p:?}");
    assert_eq!(p[0].line, line_of(&text, "\"buffer\""));
}

#[test]
fn unknown_actor_codes_are_rejected_with_the_known_ones() {
    let text = with("actor = \"RUS\"", "actor = \"RUSSIA\"");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].field, "party[1].actor");
    assert_eq!(p[0].line, line_of(&text, "RUSSIA"));
    assert!(p[0].reason.contains("unknown actor code `RUSSIA`") && p[0].reason.contains("SYR_GOV"));

    let text = with(
        "restricted = [\"SYR_GOV\", \"OPP\"]",
        "restricted = [\"SYR_GOV\", \"FSA\"]",
    );
    assert_eq!(problems(&text)[0].field, "zone[1].restricted[1]");
    let text = with("party = \"USA\"", "party = \"UN\"");
    assert_eq!(problems(&text)[0].field, "movement[0].notified[2].party");
}

#[test]
fn an_unclosed_ring_is_rejected() {
    let text = with(
        "[[37.10, 36.24], [37.20, 36.24], [37.20, 36.26], [37.10, 36.26], [37.10, 36.24]]",
        "[[37.10, 36.24], [37.20, 36.24], [37.20, 36.26], [37.10, 36.26]]",
    );
    let p = problems(&text);
    assert_eq!(p[0].field, "zone[1].geometry");
    assert_eq!(
        p[0].line,
        line_of(
            &text,
            "[[37.10, 36.24], [37.20, 36.24], [37.20, 36.26], [37.10, 36.26]]]"
        )
    );
    assert!(p[0].reason.contains("not closed"), "{p:?}");
}

#[test]
fn a_self_intersecting_ring_is_rejected_with_where() {
    let text = with(
        "[[37.10, 36.24], [37.20, 36.24], [37.20, 36.26], [37.10, 36.26], [37.10, 36.24]]",
        "[[37.10, 36.24], [37.20, 36.26], [37.20, 36.24], [37.10, 36.26], [37.10, 36.24]]",
    );
    let p = problems(&text);
    assert!(
        p[0].reason
            .contains("intersects itself at (37.15000, 36.25000)"),
        "{p:?}"
    );
}

#[test]
fn coordinates_out_of_range_are_rejected() {
    // Latitude and longitude swapped into an impossible latitude.
    let text = with("[[38.0, 35.0], [38.2, 35.0]", "[[38.0, 95.0], [38.2, 35.0]");
    let p = problems(&text);
    assert!(
        p[0].reason.contains("out of range") && p[0].reason.contains("position 0"),
        "{p:?}"
    );
    let text = with("lat = 36.20", "lat = 136.20");
    assert_eq!(problems(&text)[0].field, "site[0].lat");
}

#[test]
fn empty_geometries_are_rejected() {
    let text = with(
        "coordinates = [[[35.0, 32.0], [42.0, 32.0], [42.0, 37.5], [35.0, 37.5], [35.0, 32.0]]]",
        "coordinates = []",
    );
    let p = problems(&text);
    assert!(p[0].reason.contains("empty"), "{p:?}");
    assert_eq!(p[0].field, "zone[0].geometry");
    let text = with(
        "route = { type = \"LineString\", coordinates = [[37.10, 36.18], [36.95, 36.15]] }",
        "route = { type = \"LineString\", coordinates = [[37.10, 36.18]] }",
    );
    assert!(problems(&text)[0].reason.contains("two distinct positions"));
    let text = with(
        "route = { type = \"LineString\", coordinates = [[37.10, 36.18], [36.95, 36.15]] }",
        "route = { type = \"Polygon\", coordinates = [[[37.10, 36.18], [36.95, 36.15], [36.9, 36.1], [37.10, 36.18]]] }",
    );
    assert!(problems(&text)[0].reason.contains("expected a LineString"));
}

#[test]
fn duplicate_ids_and_reversed_windows_are_rejected_together() {
    let text = with("id = \"nofly-now\"", "id = \"dmz\"");
    let text = text.replacen("until = 2016-09-19T19:00:00", "until = 2016-09-01", 1);
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().any(|x| x.reason.contains("used twice")));
    assert!(p
        .iter()
        .any(|x| x.field == "period[0].until" && x.reason.contains("not after")));
    // Sorted by line, and printed as file:line:column: field: reason.
    assert!(p[0].line < p[1].line);
    assert!(p[0]
        .to_string()
        .starts_with(&format!("t.toml:{}:", p[0].line)));
}

#[test]
fn geometries_by_path_are_read_beside_the_truce() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zones.geojson"),
        r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "id": "dmz", "properties": {}, "geometry": {"type": "Polygon",
           "coordinates": [[[37.10, 36.24], [37.20, 36.24], [37.20, 36.26], [37.10, 36.26], [37.10, 36.24]]]}},
          {"type": "Feature", "properties": {"id": "bad"}, "geometry": {"type": "Polygon",
           "coordinates": [[[37.10, 36.24], [37.20, 36.26], [37.20, 36.24], [37.10, 36.26], [37.10, 36.24]]]}}
        ]}"#,
    )
    .unwrap();
    let good = with(
        "geometry = { type = \"Polygon\", coordinates = [[[37.10, 36.24], [37.20, 36.24], [37.20, 36.26], [37.10, 36.26], [37.10, 36.24]]] }",
        "geometry = { file = \"zones.geojson\", feature = \"dmz\" }",
    );
    let path = dir.path().join("truce.toml");
    std::fs::write(&path, &good).unwrap();
    let t = load_truce(&path, &actors()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        t.zones[1].geometry,
        crate::common::truce().zones[1].geometry
    );

    std::fs::write(
        &path,
        good.replace("feature = \"dmz\"", "feature = \"bad\""),
    )
    .unwrap();
    let err = load_truce(&path, &actors()).unwrap_err();
    let p = err.problems();
    assert!(
        p[0].reason
            .starts_with("zones.geojson feature `bad`: polygon 0 intersects itself"),
        "{p:?}"
    );

    std::fs::write(
        &path,
        good.replace("feature = \"dmz\"", "feature = \"nope\""),
    )
    .unwrap();
    let p = load_truce(&path, &actors())
        .unwrap_err()
        .problems()
        .to_vec();
    assert!(
        p[0].reason
            .contains("no feature `nope` (features: dmz, bad)"),
        "{p:?}"
    );

    std::fs::write(&path, good.replace("zones.geojson", "missing.geojson")).unwrap();
    let p = load_truce(&path, &actors())
        .unwrap_err()
        .problems()
        .to_vec();
    assert!(p[0].reason.contains("cannot read"), "{p:?}");

    assert!(matches!(
        load_truce(dir.path().join("absent.toml"), &actors()),
        Err(LoadError::Io { .. })
    ));
}

/// Applies every `(from, to)` replacement once, in order.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = TRUCE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    text
}

#[test]
fn every_problem_of_a_file_is_reported_not_only_the_first() {
    // Ten mistakes of eight kinds, spread over the file: none may hide another.
    let text = edited(&[
        // An unknown field, twice (the misspelling the audit found).
        (
            "until = 2016-09-19T19:00:00\n\n[[party]]",
            "untill = 2016-09-19T19:00:00\n\n[[party]]",
        ),
        ("from = 2016-09-21\n", "untill = 2016-09-21\n"),
        // An incident type outside the vocabulary, next to a valid one.
        (
            "forbidden = [\"shelling\", \"air_strike\"]",
            "forbidden = [\"shelling\", \"airstrike\"]",
        ),
        // An unknown actor code.
        ("actor = \"RUS\"", "actor = \"RUSSIA\""),
        // A zone kind outside the vocabulary.
        ("kind = \"no_fly\"", "kind = \"nofly\""),
        // An unclosed ring.
        (
            "[[38.0, 35.0], [38.2, 35.0], [38.2, 35.2], [38.0, 35.2], [38.0, 35.0]]",
            "[[38.0, 35.0], [38.2, 35.0], [38.2, 35.2], [38.0, 35.2]]",
        ),
        // A date written as a string, and a window that ends before it starts.
        ("listed_from = 2016-04-26", "listed_from = \"2016-04-26\""),
        ("until = 2016-09-19\n", "until = 2016-09-18\n"),
        // A value of the wrong type, and a missing field.
        ("radius_km = 0.5", "radius_km = \"half a km\""),
        ("organisation = \"UN / SARC\"\n", ""),
    ]);
    let p = problems(&text);
    let expect = |field: &str, line_needle: &str, reason: &str| {
        let line = line_of(&text, line_needle);
        assert!(
            p.iter()
                .any(|x| x.field == field && x.line == line && x.reason.contains(reason)),
            "no `{field}` at line {line} containing `{reason}` in:\n{}",
            p.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    };
    expect(
        "period[0].untill",
        "untill = 2016-09-19T19:00:00",
        "unknown field `untill`; did you mean `until`?",
    );
    expect(
        "zone[3].untill",
        "untill = 2016-09-21",
        "unknown field `untill`",
    );
    expect("zone[1].forbidden[1]", "\"airstrike\"", "airstrike");
    expect("party[1].actor", "RUSSIA", "unknown actor code `RUSSIA`");
    expect("zone[2].kind", "kind = \"nofly\"", "nofly");
    expect(
        "zone[2].geometry",
        "[38.2, 35.2], [38.0, 35.2]]]",
        "not closed",
    );
    expect(
        "designation[1].listed_from",
        "\"2016-04-26\"",
        "expected a TOML datetime",
    );
    expect(
        "movement[0].until",
        "until = 2016-09-18",
        "is not after `from`",
    );
    expect("site[0].radius_km", "half a km", "invalid type");
    expect(
        "movement[0].organisation",
        "[[movement]]",
        "missing field `organisation`",
    );
    assert_eq!(p.len(), 10, "{p:#?}");
    // In file order, each printed as file:line:column: field: reason.
    assert!(p
        .windows(2)
        .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column)));
    let shown = LoadError::Invalid(p.clone()).to_string();
    assert_eq!(shown.lines().count(), 10, "{shown}");
    assert!(shown.lines().all(|l| l.starts_with("t.toml:")), "{shown}");
}

#[test]
fn syntax_errors_stop_the_reading_but_each_line_is_reported() {
    let text = edited(&[
        ("radius_km = 0.5", "radius_km = = 0.5"),
        ("corridor_km = 2.0", "corridor_km = = 2.0"),
        // A semantic problem: not reported, since the file could not be read as a whole.
        ("actor = \"RUS\"", "actor = \"RUSSIA\""),
    ]);
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert_eq!(p[0].line, line_of(&text, "radius_km = = 0.5"));
    assert_eq!(p[1].line, line_of(&text, "corridor_km = = 2.0"));
    assert!(
        p.iter().all(|x| x.reason.starts_with("TOML syntax: ")),
        "{p:?}"
    );
    // TOML itself rejects an impossible calendar date.
    let text = with("listed_from = 2016-04-26", "listed_from = 2016-02-30");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].field, "designation[1].listed_from");
    assert!(p[0].reason.contains("invalid date"), "{p:?}");
}
