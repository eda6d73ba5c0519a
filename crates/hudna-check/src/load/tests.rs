use std::path::{Path, PathBuf};

use hudna_store::{SqliteStore, TruceStore};

use super::*;

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn actors() -> ActorCodes {
    let text =
        std::fs::read_to_string(repo().join("data/theatres/syria/actors.tsv")).expect("actors");
    ActorCodes::from_tsv(&text)
}

/// A copy of the ISSG 2016 scenario's truce and geometry files in `dir`, with `edit` applied
/// to the TOML.
pub(crate) fn scenario_copy(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let from = repo().join("data/scenarios/issg-2016");
    for f in [
        "syria.geojson",
        "castello-dmz.geojson",
        "nw-grounding.geojson",
    ] {
        std::fs::copy(from.join(f), dir.join(f)).expect("copy");
    }
    let toml = std::fs::read_to_string(from.join("truce.toml")).expect("truce");
    let path = dir.join("truce.toml");
    std::fs::write(&path, edit(toml)).expect("write");
    path
}

/// The proposed Ahrar al-Sham designation, in force.
pub(crate) fn ahrar_in_force(toml: String) -> String {
    let at = toml.find("id = \"ahrar-al-sham\"").expect("ahrar-al-sham");
    let (head, tail) = toml.split_at(at);
    format!(
        "{head}{}",
        tail.replacen("status = \"proposed\"", "status = \"in_force\"", 1)
    )
}

const NOW: &str = "2026-01-01T00:00:00Z";

#[test]
fn loading_stores_versions_only_when_the_content_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_copy(dir.path(), |t| t);
    let actors = actors();
    let mut store = SqliteStore::open_in_memory().unwrap();

    let (truce, source) = load_truce_file(&path, &actors).unwrap();
    assert_eq!(source.files.len(), 3, "{:?}", source.files.keys());
    let first = store_truce(&mut store, &truce, &source, &actors, NOW).unwrap();
    assert_eq!((first.outcome, first.version), (LoadOutcome::New, 1));
    assert!(first.changes.iter().all(|c| c.change == "added"));
    assert!(first.terms.iter().any(|t| t.id == "party:COAL"));

    // The same content again (even read from elsewhere) adds nothing.
    let again = store_truce(&mut store, &truce, &source, &actors, NOW).unwrap();
    assert_eq!((again.outcome, again.version), (LoadOutcome::Unchanged, 1));
    assert_eq!(store.truce_versions("issg-2016").unwrap(), vec![1]);

    // Flipping one designation: version 2, and exactly that term changed.
    let flipped = scenario_copy(dir.path(), ahrar_in_force);
    let (truce2, source2) = load_truce_file(&flipped, &actors).unwrap();
    let second = store_truce(&mut store, &truce2, &source2, &actors, NOW).unwrap();
    assert_eq!((second.outcome, second.version), (LoadOutcome::Changed, 2));
    assert_eq!(second.previous, Some(1));
    assert_eq!(second.changes.len(), 1, "{:?}", second.changes);
    assert_eq!(
        (second.changes[0].id.as_str(), second.changes[0].change),
        ("ahrar-al-sham", "changed")
    );
    // An edit to a geometry file alone is a change too.
    let path3 = scenario_copy(dir.path(), ahrar_in_force);
    let dmz = dir.path().join("castello-dmz.geojson");
    let text = std::fs::read_to_string(&dmz).unwrap();
    std::fs::write(&dmz, format!("{text}\n")).unwrap();
    let (t3, s3) = load_truce_file(&path3, &actors).unwrap();
    assert_eq!(
        store_truce(&mut store, &t3, &s3, &actors, NOW)
            .unwrap()
            .version,
        3
    );

    // Both older versions are kept and read back from the record alone.
    drop(dir);
    let v1 = store.truce_version("issg-2016", Some(1)).unwrap().unwrap();
    assert!(!v1.current);
    let old = stored_truce(&v1, &actors).unwrap();
    assert_eq!(old.zones, truce.zones);
    assert_eq!(old.designations, truce.designations);
    let v2 = stored_truce(
        &store.truce_version("issg-2016", Some(2)).unwrap().unwrap(),
        &actors,
    )
    .unwrap();
    assert_eq!(v2.designations, truce2.designations);
}

#[test]
fn a_bad_file_is_refused_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_copy(dir.path(), |t| {
        t.replacen("actor = \"COAL\"", "actor = \"NOBODY\"", 1)
    });
    let err = load_truce_file(&path, &actors()).unwrap_err();
    let CheckError::Invalid(problems) = err else {
        panic!("{err}")
    };
    let text = problems[0].to_string();
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    assert!(text.contains("party["), "{text}");
    assert!(text.contains("unknown actor code `NOBODY`"), "{text}");
    assert!(problems[0].line > 1);

    // A geometry file that is missing is named.
    std::fs::remove_file(dir.path().join("nw-grounding.geojson")).unwrap();
    let path = scenario_copy(dir.path(), |t| t);
    std::fs::remove_file(dir.path().join("nw-grounding.geojson")).unwrap();
    let err = load_truce_file(&path, &actors()).unwrap_err();
    assert!(
        matches!(&err, CheckError::Invalid(p) if p.iter().any(|p| p.reason.contains("nw-grounding.geojson"))),
        "{err:?}"
    );
}
