//! `hudna map` and `hudna bench map`, and the map script driven in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{run, stderr};

fn layers() -> String {
    crate::common::repo()
        .join("data/samples/map-layers.geojson")
        .display()
        .to_string()
}

#[test]
fn map_writes_a_page_with_the_svg_and_the_script() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.html");
    let o = run(
        &["map", "--out", out.to_str().unwrap(), "--layers", &layers()],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("7 incidents drawn"), "{}", stderr(&o));
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(page.contains("data-hudna-map=\"1\""));
    assert!(page.contains("data-incident=\"sample-1\""));
    assert!(page.contains("data-zone=\"castello-dmz\""));
    assert!(page.contains("window.hudnaMap"), "the script is inlined");
}

#[test]
fn map_writes_an_arabic_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.svg");
    let o = run(
        &[
            "map",
            "--lang",
            "ar",
            "--out",
            out.to_str().unwrap(),
            "--bbox",
            "36.5,35.8,37.5,36.5",
            "--width",
            "800",
            "--height",
            "600",
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("viewBox=\"0 0 800 600\""));
    assert!(svg.contains(">حلب</text>"));
    assert!(!svg.contains("<script"));
}

#[test]
fn map_reports_bad_input_by_name_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.html");
    let out_s = out.to_str().unwrap();
    for (args, want) in [
        (vec!["--bbox", "1,2,3"], "--bbox `1,2,3`"),
        (vec!["--bbox", "40,30,35,37"], "west must be less than east"),
        (vec!["--lang", "fr"], "unknown language `fr`"),
        (vec!["--projection", "polar"], "--projection `polar`"),
        (vec!["--width", "5"], "each side must be 16 to 20000"),
    ] {
        let mut a = vec!["map", "--out", out_s];
        a.extend(args);
        let o = run(&a, b"");
        assert_eq!(o.status.code(), Some(2), "{a:?}");
        assert!(stderr(&o).contains(want), "{a:?}: {}", stderr(&o));
    }

    let bad_layers = dir.path().join("bad.geojson");
    std::fs::write(
        &bad_layers,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"layer":"site","radius_km":1},"geometry":{"type":"Point","coordinates":[37,36]}},
        {"type":"Feature","properties":{"layer":"zone","kind":"safe_zone"},"geometry":{"type":"Point","coordinates":[37,36]}}]}"#,
    )
    .unwrap();
    let o = run(
        &[
            "map",
            "--out",
            out_s,
            "--layers",
            bad_layers.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.geojson: feature 1: zone `kind` `safe_zone`"),
        "{e}"
    );

    // A bad incident line is named and skipped; the others are still drawn.
    let incidents = dir.path().join("i.jsonl");
    std::fs::write(
        &incidents,
        concat!(
            r#"{"id":"a","lat":36.2,"lon":37.1,"type":"shelling","date":"2016-09-20"}"#,
            "\n{not json\n",
            r#"{"id":"b","lat":35.9,"lon":36.6,"finding":"catastrophic"}"#,
            "\n",
            r#"{"id":"c","lat":null,"lon":null}"#,
            "\n",
            r#"{"id":"d","lat":33.5,"lon":36.3,"finding":"review"}"#,
            "\n"
        ),
    )
    .unwrap();
    let o = run(
        &[
            "map",
            "--out",
            out_s,
            "--incidents",
            incidents.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("i.jsonl:2: not JSON"), "{e}");
    assert!(
        e.contains("i.jsonl:3: field `finding`: unknown class `catastrophic`"),
        "{e}"
    );
    assert!(e.contains("1 incidents have no coordinates"), "{e}");
    assert!(e.contains("2 incidents drawn"), "{e}");
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("data-incident=\"a\"") && page.contains("data-incident=\"d\""));
    assert!(page.contains("2016-09-20 · Shelling"));
}

#[test]
fn bench_map_prints_its_figures_last() {
    let o = run(&["bench", "map", "--incidents", "3000", "--runs", "1"], b"");
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let last = stdout.lines().last().expect("a JSON line");
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(v["incidents"], 3000);
    assert!(v["ms"].as_f64().unwrap() > 0.0);
    let bytes = v["bytes"].as_u64().unwrap();
    let base = v["basemap_bytes"].as_u64().unwrap();
    assert!(bytes > base + 3000 * 100, "{v}");
}

/// The Chromium binary, if installed (Debian: `chromium`).
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1200,900",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Pans, zooms and clicks the map in headless Chromium through the script's own event
/// handlers (`map_harness.js`), then checks the effects.
#[test]
fn the_script_pans_zooms_and_opens_incidents_in_chromium() {
    let Some(browser) = chromium() else {
        if std::env::var_os("HUDNA_SKIP_BROWSER").is_some() {
            eprintln!("skipped: no chromium and HUDNA_SKIP_BROWSER is set");
            return;
        }
        panic!("this test needs chromium (apt-get install chromium); set HUDNA_SKIP_BROWSER=1 to skip it");
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("map.html");
    let o = run(
        &[
            "map",
            "--out",
            page.to_str().unwrap(),
            "--layers",
            &layers(),
        ],
        b"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let harness = include_str!("map_harness.js");
    let html = std::fs::read_to_string(&page).unwrap().replace(
        "</body>",
        &format!("<script>\n{harness}\n</script>\n</body>"),
    );
    std::fs::write(&page, html).unwrap();
    let dom = dump_dom(&browser, &page, &dir.path().join("profile"));
    // The last one: the harness's own comment names the element too.
    let start = dom
        .rfind("<pre id=\"hm-test\">")
        .unwrap_or_else(|| panic!("no results in the page: {}", &dom[..dom.len().min(500)]))
        + "<pre id=\"hm-test\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let r: serde_json::Value = serde_json::from_str(&json).unwrap();
    let f = |k: &str| {
        r[k].as_f64()
            .unwrap_or_else(|| panic!("{k} missing in {r}"))
    };
    let vb = |k: &str| -> Vec<f64> {
        r[k].as_array()
            .unwrap_or_else(|| panic!("{k} missing in {r}"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };

    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(r["initialised"], true);
    assert_eq!(vb("base"), [0.0, 0.0, 1200.0, 900.0]);
    // The wheel zooms in around the pointer (the middle): the view shrinks about its centre.
    let z = f("zoomAfterWheel");
    assert!(z > 1.5, "{r}");
    let w = vb("afterWheel");
    assert!((w[2] - 1200.0 / z).abs() < 0.5 && (w[0] + w[2] / 2.0 - 600.0).abs() < 0.5);
    assert_eq!(
        r["kAfterWheel"].as_str().unwrap().parse::<f64>().unwrap(),
        z
    );
    // Names keep their size on screen while the map grows.
    assert!(
        (f("labelHeightZoomed") - f("labelHeight0")).abs() < 1.0,
        "{r}"
    );
    assert_ne!(
        r["scale0"], r["scaleZoomed"],
        "the scale bar follows the zoom"
    );
    // Buttons and keys.
    assert_eq!(f("zoomAfterButton"), 2.0);
    assert_eq!(f("zoomAfterReset"), 1.0);
    assert_eq!(vb("afterReset"), [0.0, 0.0, 1200.0, 900.0]);
    assert_eq!(f("zoomAfterKey"), 2.0);
    // A drag of 100 screen pixels moves the map by 100 pixels on screen.
    let d = vb("afterDrag");
    let moved = -d[0] * f("screenPerUnit");
    assert!((moved - 100.0).abs() < 1.0, "{r}");
    // Click-to-open: a click reaches the link; a drag that ends on it does not open it.
    assert_eq!(r["plainClickPrevented"], false, "{r}");
    assert_eq!(r["clickAfterDragPrevented"], true, "{r}");
    assert_eq!(r["href"], "/incidents/sample-1");
    // Focusing an incident (the #incident= link) zooms to it and reports the area shown.
    assert_eq!(r["focusFound"], true);
    assert_eq!(f("zoomAfterFocus"), 8.0);
    assert_eq!(r["selected"], "sample-2");
    let b = vb("boundsAfterFocus");
    assert!(
        b[0] < 40.17 && 40.17 < b[2] && b[1] < 35.30 && 35.30 < b[3],
        "{r}"
    );
    assert_eq!(r["viewEvent"]["zoom"], 8.0);
    assert_eq!(r["viewEvent"]["bbox"], r["boundsAfterFocus"]);
}
