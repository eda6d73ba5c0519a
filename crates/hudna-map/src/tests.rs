//! Tests of the drawn SVG as a document: well-formed, escaped, and keeping the contract the
//! map script relies on.

use geo::{coord, LineString, MultiPolygon, Point, Polygon, Rect};
use hudna_i18n::{Labels, Lang};
use quick_xml::events::Event;

use crate::*;

/// An element of the drawn document: its name, attributes and the text directly inside it.
#[derive(Debug)]
struct Elem {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
}

impl Elem {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split(' ').any(|x| x == class))
    }
}

/// Parses the SVG with a strict XML reader (end tags checked); panics if it is not
/// well-formed.
fn parse(svg: &str) -> Vec<Elem> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut out: Vec<Elem> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let ev = reader.read_event().expect("well-formed XML");
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.name().as_ref().to_string();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("a well-formed attribute");
                        (
                            a.key.as_ref().to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .expect("escaped value")
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push(Elem {
                    name,
                    attrs,
                    text: String::new(),
                });
                if matches!(ev, Event::Start(_)) {
                    open.push(out.len() - 1);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    let name = r.to_string();
                    let c = match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "#39" => "'",
                        other => panic!("unexpected entity &{other};"),
                    };
                    out[i].text.push_str(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements");
    out
}

fn labels() -> &'static Labels {
    Labels::bundled().unwrap()
}

fn syria_view(w: f64, h: f64) -> Viewport {
    Viewport::fit(
        Basemap::bundled().unwrap().bounds(),
        w,
        h,
        Projection::WebMercator,
    )
    .unwrap()
}

fn draw(layers: &Layers, lang: Lang) -> RenderedMap {
    render(
        Basemap::bundled().unwrap(),
        labels(),
        layers,
        &syria_view(1200.0, 900.0),
        lang,
        &RenderOptions::default(),
    )
}

fn square(lon: f64, lat: f64, d: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![Polygon::new(
        LineString::from(vec![
            (lon, lat),
            (lon + d, lat),
            (lon + d, lat + d),
            (lon, lat + d),
            (lon, lat),
        ]),
        vec![],
    )])
}

fn sample_layers(hostile: &str) -> Layers {
    Layers {
        zones: vec![
            Zone {
                id: "castello".into(),
                kind: ZoneKind::Demilitarised,
                proposed: false,
                name: format!("Castello Road {hostile}"),
                area: square(37.12, 36.24, 0.05),
            },
            Zone {
                id: format!("nfz{hostile}"),
                kind: ZoneKind::NoFly,
                proposed: true,
                name: "Proposed no-fly zone".into(),
                area: square(36.5, 35.6, 0.8),
            },
        ],
        routes: vec![Route {
            id: "convoy".into(),
            name: "UN–SARC convoy".into(),
            line: LineString::from(vec![(37.16, 36.2), (37.0, 36.17), (36.95, 36.15)]),
            corridor_km: 2.0,
        }],
        sites: vec![Site {
            id: "h1".into(),
            name: "Hospital".into(),
            at: Point::new(37.15, 36.21),
            radius_km: 0.5,
        }],
        incidents: vec![
            IncidentMarker {
                id: "g1".into(),
                at: Point::new(36.95, 36.15),
                finding: FindingClass::Grave,
                title: format!("19 Sep 2016 · air strike {hostile}"),
            },
            IncidentMarker {
                id: "n1".into(),
                at: Point::new(40.14, 35.33),
                finding: FindingClass::None,
                title: "17 Sep 2016".into(),
            },
            IncidentMarker {
                id: format!("x/{hostile}"),
                at: Point::new(36.6, 35.9),
                finding: FindingClass::Serious,
                title: "t".into(),
            },
        ],
    }
}

#[test]
fn the_basemap_alone_is_a_small_well_formed_map_of_syria() {
    let map = draw(&Layers::default(), Lang::En);
    let elems = parse(&map.svg);
    let root = &elems[0];
    assert_eq!(root.name, "svg");
    assert_eq!(root.attr("data-hudna-map"), Some("1"));
    assert_eq!(root.attr("viewBox"), Some("0 0 1200 900"));
    assert_eq!(root.attr("data-projection"), Some("web_mercator"));
    let admin1: Vec<&str> = elems.iter().filter_map(|e| e.attr("data-admin1")).collect();
    assert_eq!(admin1.len(), 14, "{admin1:?}");
    assert!(admin1.contains(&"Deir-ez-Zor"));
    let view = elems.iter().find(|e| e.has_class("hm-view")).unwrap();
    assert_eq!(view.attr("id"), Some("hudna-map-view"));
    // Names of all 13 governorate centres are drawn, in English.
    let capitals: Vec<&str> = elems
        .iter()
        .filter(|e| e.has_class("hm-capital-name"))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(capitals.len(), 13, "{capitals:?}");
    assert!(capitals.contains(&"Aleppo") && capitals.contains(&"Deir ez-Zor"));
    // Size budget: the page must stay light. Measured 2026-11: about 95 KB.
    assert!(
        map.svg.len() < 160_000,
        "the empty map is {} bytes",
        map.svg.len()
    );
    // Buttons for the script.
    for action in ["in", "out", "reset"] {
        assert!(
            elems
                .iter()
                .any(|e| e.attr("data-hudna-zoom") == Some(action)),
            "{action}"
        );
    }
}

#[test]
fn arabic_maps_name_places_in_arabic_and_read_right_to_left() {
    let map = draw(&sample_layers(""), Lang::Ar);
    let elems = parse(&map.svg);
    assert_eq!(elems[0].attr("lang"), Some("ar"));
    let capitals: Vec<&str> = elems
        .iter()
        .filter(|e| e.has_class("hm-capital-name"))
        .map(|e| e.text.as_str())
        .collect();
    assert!(capitals.contains(&"حلب") && capitals.contains(&"دير الزور"));
    let legend = elems.iter().find(|e| e.has_class("hm-legend")).unwrap();
    assert_eq!(legend.attr("direction"), Some("rtl"));
    let texts: Vec<&str> = elems
        .iter()
        .filter(|e| e.has_class("hm-legend-text") || e.has_class("hm-legend-head"))
        .map(|e| e.text.as_str())
        .collect();
    assert!(texts.contains(&"انتهاك جسيم (1)"), "{texts:?}");
    assert!(texts.contains(&"منطقة حظر طيران"), "{texts:?}");
    let zoom_in = elems
        .iter()
        .find(|e| e.attr("data-hudna-zoom") == Some("in"))
        .unwrap();
    assert_eq!(zoom_in.attr("aria-label"), Some("تكبير"));
}

#[test]
fn article_text_in_any_layer_comes_out_inert() {
    let hostile = "<script>alert(1)</script>\"' onload=\"x\"";
    let map = draw(&sample_layers(hostile), Lang::En);
    let elems = parse(&map.svg);
    assert!(
        elems.iter().all(|e| e.name != "script"),
        "a script element was injected"
    );
    assert!(elems
        .iter()
        .all(|e| e.attrs.iter().all(|(k, _)| k != "onload")));
    assert!(!map.svg.contains("<script"));
    // The text survives, as text.
    let titles: Vec<&str> = elems
        .iter()
        .filter(|e| e.name == "title")
        .map(|e| e.text.as_str())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.ends_with("air strike <script>alert(1)</script>\"' onload=\"x\"")),
        "{titles:?}"
    );
    // An id becomes one path segment of the link, and the attribute keeps it as given.
    let a = elems
        .iter()
        .find(|e| e.attr("data-incident") == Some(&format!("x/{hostile}")))
        .unwrap();
    let href = a.attr("href").unwrap();
    assert!(href.starts_with("/incidents/x%2F%3Cscript%3E"), "{href}");
    assert!(!href[12..].contains('/') && !href.contains('"') && !href.contains('<'));
}

#[test]
fn incidents_link_to_their_pages_worst_on_top() {
    let map = draw(&sample_layers(""), Lang::En);
    assert_eq!((map.incidents_drawn, map.incidents_skipped), (3, 0));
    let elems = parse(&map.svg);
    let links: Vec<&Elem> = elems.iter().filter(|e| e.has_class("hm-i")).collect();
    let ids: Vec<&str> = links
        .iter()
        .map(|e| e.attr("data-incident").unwrap())
        .collect();
    // Drawn least serious first, so the grave one is painted last (on top).
    assert_eq!(ids, ["n1", "x/", "g1"]);
    assert_eq!(links[2].attr("href"), Some("/incidents/g1"));
    assert_eq!(links[2].name, "a");
    let groups: Vec<&str> = elems
        .iter()
        .filter_map(|e| e.attr("class"))
        .filter(|c| c.starts_with("hm-f-"))
        .collect();
    assert_eq!(groups, ["hm-f-none", "hm-f-serious", "hm-f-grave"]);
    // Each incident's circle sits where the projection puts it.
    let view = syria_view(1200.0, 900.0);
    let (x, y) = view.project(36.95, 36.15);
    let i = elems
        .iter()
        .position(|e| e.attr("data-incident") == Some("g1"))
        .unwrap();
    let circle = elems[i..].iter().find(|e| e.name == "circle").unwrap();
    let cx: f64 = circle.attr("cx").unwrap().parse().unwrap();
    let cy: f64 = circle.attr("cy").unwrap().parse().unwrap();
    assert!((cx - x).abs() <= 0.05 && (cy - y).abs() <= 0.05);
}

#[test]
fn zones_routes_and_sites_carry_their_ids_and_kinds() {
    let map = draw(&sample_layers(""), Lang::En);
    let elems = parse(&map.svg);
    let nfz = elems
        .iter()
        .find(|e| e.attr("data-zone") == Some("nfz"))
        .unwrap();
    assert!(nfz.has_class("hm-proposed") && nfz.has_class("hm-z-no_fly"));
    assert_eq!(nfz.attr("data-proposed"), Some("1"));
    let castello = elems
        .iter()
        .find(|e| e.attr("data-zone") == Some("castello"))
        .unwrap();
    assert!(!castello.has_class("hm-proposed"));
    assert!(elems.iter().any(|e| e.attr("data-route") == Some("convoy")));
    assert!(elems.iter().any(|e| e.attr("data-site") == Some("h1")));
    // The corridor is drawn at its width on the ground: 2 km.
    let view = syria_view(1200.0, 900.0);
    let corridor = elems.iter().find(|e| e.has_class("hm-corridor")).unwrap();
    let w: f64 = corridor.attr("stroke-width").unwrap().parse().unwrap();
    let want = 2.0 * view.px_per_km(36.17);
    assert!((w - want).abs() < 0.1, "{w} vs {want}");
    // The legend lists what is on the map.
    let legend: Vec<&str> = elems
        .iter()
        .filter(|e| e.has_class("hm-legend-text"))
        .map(|e| e.text.as_str())
        .collect();
    for want in [
        "Demilitarised zone",
        "No-fly zone",
        "Proposed (dashed)",
        "Notified route and corridor",
        "Notified site and radius",
        "Grave violation (1)",
        "No finding (1)",
    ] {
        assert!(legend.contains(&want), "{want} not in {legend:?}");
    }
    assert!(!legend.contains(&"Area of control"));
}

#[test]
fn incidents_off_the_map_are_skipped_and_counted() {
    let mut layers = Layers::default();
    for (i, (lon, lat)) in [(f64::NAN, 35.0), (37.0, 91.0), (200.0, 35.0), (37.0, 35.0)]
        .into_iter()
        .enumerate()
    {
        layers.incidents.push(IncidentMarker {
            id: i.to_string(),
            at: Point::new(lon, lat),
            finding: FindingClass::None,
            title: String::new(),
        });
    }
    let map = draw(&layers, Lang::En);
    assert_eq!((map.incidents_drawn, map.incidents_skipped), (1, 3));
    parse(&map.svg);
}

#[test]
fn drawing_is_deterministic() {
    let a = draw(&sample_layers(""), Lang::Ar);
    let b = draw(&sample_layers(""), Lang::Ar);
    assert_eq!(a, b);
}

#[test]
fn a_zoomed_view_keeps_more_detail_and_drops_far_shapes() {
    let basemap = Basemap::bundled().unwrap();
    let aleppo = Rect::new(coord! { x: 36.9, y: 36.0 }, coord! { x: 37.4, y: 36.4 });
    let view = Viewport::fit(aleppo, 1200.0, 900.0, Projection::WebMercator).unwrap();
    let near = render(
        basemap,
        labels(),
        &Layers::default(),
        &view,
        Lang::En,
        &RenderOptions::default(),
    );
    let elems = parse(&near.svg);
    let drawn: Vec<&Elem> = elems
        .iter()
        .filter(|e| e.attr("data-admin1").is_some())
        .collect();
    let d = |name: &str| {
        drawn
            .iter()
            .find(|e| e.attr("data-admin1") == Some(name))
            .unwrap()
            .attr("d")
            .unwrap()
            .len()
    };
    // Far governorates are left out; Aleppo is drawn in more detail than on the whole map.
    assert_eq!(d("Dar'a"), 0);
    let whole = parse(&draw(&Layers::default(), Lang::En).svg);
    let whole_aleppo = whole
        .iter()
        .find(|e| e.attr("data-admin1") == Some("Aleppo"))
        .unwrap()
        .attr("d")
        .unwrap()
        .len();
    assert!(
        d("Aleppo") > 2 * whole_aleppo,
        "{} {}",
        d("Aleppo"),
        whole_aleppo
    );
}

#[test]
fn options_change_ids_links_and_fixed_parts() {
    let opts = RenderOptions {
        id: "brief map\"1".into(),
        incident_href: "/ar/incidents/{id}?from=map".into(),
        interactive: false,
        legend: false,
        embed_css: false,
        ..RenderOptions::default()
    };
    let map = render(
        Basemap::bundled().unwrap(),
        labels(),
        &sample_layers(""),
        &syria_view(800.0, 600.0),
        Lang::En,
        &opts,
    );
    let elems = parse(&map.svg);
    assert_eq!(elems[0].attr("id"), Some("brief_map_1"));
    assert!(elems
        .iter()
        .any(|e| e.attr("href") == Some("#brief_map_1-adm1")));
    assert!(elems
        .iter()
        .any(|e| e.attr("href") == Some("/ar/incidents/g1?from=map")));
    assert!(elems.iter().all(|e| e.name != "style"));
    assert!(elems.iter().all(|e| !e.has_class("hm-legend")));
    assert!(elems.iter().all(|e| e.attr("data-hudna-zoom").is_none()));
    assert!(elems[0].attr("tabindex").is_none());
}

#[test]
fn the_script_and_page_embed_safely() {
    assert!(!MAP_JS.to_ascii_lowercase().contains("</script"));
    assert!(!MAP_CSS.to_ascii_lowercase().contains("</style"));
    assert!(MAP_JS.len() < 16 * 1024, "map.js is {} bytes", MAP_JS.len());
    let map = draw(&sample_layers(""), Lang::Ar);
    let page = html::standalone_page(&map.svg, Lang::Ar, "خريطة <b>");
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(page.contains("<title>خريطة &lt;b&gt;</title>"));
    assert!(page.contains("svg[data-hudna-map]"));
}
