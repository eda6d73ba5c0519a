//! Drawing: basemap, layers, names, legend and controls into one SVG document.
//!
//! The document has two coordinate systems on purpose. The outer `<svg>` holds what must not
//! move when the reader pans or zooms (legend, zoom buttons, scale bar, credits); the inner
//! `<svg class="hm-view">` holds the map itself, and the map script pans and zooms by changing
//! only its `viewBox`. Sizes that should stay constant on screen (boundary lines, marker and
//! label sizes) are kept so with `vector-effect: non-scaling-stroke` and a CSS variable
//! `--hm-k` (the zoom factor) the script sets; every size also exists as a plain attribute,
//! so the same SVG prints (or converts to PDF) correctly without CSS variables or script.

use geo::{LineString, MultiPolygon};
use hudna_i18n::{Labels, Lang};

use crate::basemap::{Basemap, PlaceKind};
use crate::layers::{FindingClass, Layers, ZoneKind};
use crate::project::Viewport;
use crate::svg::{attr, attr_num, escape_into, percent_encode_into, push_num, tenths, title};
use crate::svg::{push_tenths, PathData};

/// The map's stylesheet. Embedded in the SVG by default ([`RenderOptions::embed_css`]); a
/// server with a strict Content-Security-Policy serves it as a file instead.
pub const MAP_CSS: &str = include_str!("../assets/map.css");

/// How to draw, beyond what and where.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// The root element's id; inner ids are derived from it, so two maps can share a page.
    /// Characters other than ASCII letters, digits, `-` and `_` are replaced by `_`.
    pub id: String,
    /// The link of an incident; `{id}` is replaced by its percent-encoded id.
    pub incident_href: String,
    /// Draw zoom buttons and make the map focusable (off for print).
    pub interactive: bool,
    /// Draw the legend.
    pub legend: bool,
    /// Put the stylesheet ([`MAP_CSS`]) inside the SVG; off when the page links it.
    pub embed_css: bool,
    /// How far the reader may zoom in the browser: the basemap is simplified so that it stays
    /// sharp up to this zoom, and the script stops there.
    pub max_zoom: f64,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            id: "hudna-map".to_string(),
            incident_href: "/incidents/{id}".to_string(),
            interactive: true,
            legend: true,
            embed_css: true,
            max_zoom: 16.0,
        }
    }
}

/// A drawn map.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedMap {
    /// The SVG document (also valid inline in HTML).
    pub svg: String,
    /// Incidents drawn.
    pub incidents_drawn: usize,
    /// Incidents left out because their coordinates are not a place on the map (not finite,
    /// or beyond ±85° latitude / ±180° longitude).
    pub incidents_skipped: usize,
}

/// The basemap stays this sharp (in pixels of error) at the zoom the reader may reach; the
/// simplification beyond 4× is capped so a very deep zoom does not ship the full detail.
const TOLERANCE_PX: f64 = 0.4;
const DETAIL_ZOOM_CAP: f64 = 4.0;

/// Marker and label sizes at zoom 1 (pixels); the CSS keeps them constant when zooming.
const INCIDENT_R: f64 = 4.0;
const CAPITAL_R: f64 = 2.8;
const SITE_DOT_R: f64 = 2.5;

/// Draws the map: a pure function of the basemap, the label table, the layers, the
/// viewport (area and size), the language and the options. It does no I/O, so the server,
/// the printed briefing and the benchmark share it.
pub fn render(
    basemap: &Basemap,
    labels: &Labels,
    layers: &Layers,
    view: &Viewport,
    lang: Lang,
    opts: &RenderOptions,
) -> RenderedMap {
    let id = clean_id(&opts.id);
    let (w, h) = (view.width(), view.height());
    let mut s = String::with_capacity(128 * 1024 + layers.incidents.len() * 150);

    // Root.
    s.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    attr(&mut s, "id", &id);
    s.push_str(" class=\"hudna-map\" viewBox=\"0 0 ");
    push_num(&mut s, w);
    s.push(' ');
    push_num(&mut s, h);
    s.push('"');
    attr_num(&mut s, "width", w);
    attr_num(&mut s, "height", h);
    attr(&mut s, "lang", lang.code());
    attr(&mut s, "aria-label", labels.text("nav.map", lang));
    s.push_str(" data-hudna-map=\"1\"");
    attr(&mut s, "data-lang", lang.code());
    attr(&mut s, "data-projection", view.projection().as_str());
    let [scale, x0, y0, lat0] = view.params();
    for (name, v) in [
        ("data-scale", scale),
        ("data-x0", x0),
        ("data-y0", y0),
        ("data-lat0", lat0),
    ] {
        s.push(' ');
        s.push_str(name);
        s.push_str("=\"");
        s.push_str(&format!("{v:.10}"));
        s.push('"');
    }
    attr_num(&mut s, "data-max-zoom", opts.max_zoom.max(1.0));
    if opts.interactive {
        s.push_str(" tabindex=\"0\"");
    }
    s.push_str(" font-family=\"'Noto Sans','Noto Naskh Arabic','Noto Sans Arabic','DejaVu Sans',Arial,sans-serif\">");
    title(&mut s, labels.text("nav.map", lang));
    if opts.embed_css {
        s.push_str("<style>");
        s.push_str(MAP_CSS);
        s.push_str("</style>");
    }

    // The map view.
    s.push_str("<svg");
    attr(&mut s, "id", &format!("{id}-view"));
    s.push_str(" class=\"hm-view\" x=\"0\" y=\"0\"");
    attr_num(&mut s, "width", w);
    attr_num(&mut s, "height", h);
    s.push_str(" viewBox=\"0 0 ");
    push_num(&mut s, w);
    s.push(' ');
    push_num(&mut s, h);
    s.push_str("\">");
    s.push_str("<rect class=\"hm-sea\" fill=\"#dce8ef\"");
    attr_num(&mut s, "x", -w);
    attr_num(&mut s, "y", -h);
    attr_num(&mut s, "width", 3.0 * w);
    attr_num(&mut s, "height", 3.0 * h);
    s.push_str("/>");

    let detail = opts.max_zoom.clamp(1.0, DETAIL_ZOOM_CAP);
    let tolerance_deg = TOLERANCE_PX / (view.px_per_degree() * detail);
    let simple = basemap.simplified(tolerance_deg);
    let mut scratch = String::new();

    s.push_str("<g class=\"hm-countries\">");
    for area in &simple.countries {
        s.push_str("<path d=\"");
        area_path(&mut s, &mut scratch, area, view);
        s.push_str("\"/>");
    }
    s.push_str("</g>");

    // Governorates: one set of shapes used twice, first as a wide outline and then as fills
    // with thin borders, so the country's edge comes out heavier than inner boundaries.
    s.push_str("<defs><g");
    attr(&mut s, "id", &format!("{id}-adm1"));
    s.push('>');
    for (area, info) in simple.admin1.iter().zip(basemap.admin1_areas()) {
        s.push_str("<path vector-effect=\"non-scaling-stroke\"");
        attr(&mut s, "data-admin1", &info.admin1);
        s.push_str(" d=\"");
        area_path(&mut s, &mut scratch, area, view);
        s.push_str("\"/>");
    }
    s.push_str("</g></defs>");
    for class in ["hm-adm1-edge", "hm-adm1-fill"] {
        s.push_str("<use");
        attr(&mut s, "href", &format!("#{id}-adm1"));
        attr(&mut s, "class", class);
        s.push_str("/>");
    }

    draw_zones(&mut s, &mut scratch, layers, view);
    draw_routes(&mut s, &mut scratch, layers, view);
    draw_sites(&mut s, layers, view);
    let counts = draw_incidents(&mut s, layers, view, opts);
    draw_places(&mut s, basemap, view, lang);
    s.push_str("</svg>");

    // Fixed overlays, laid out around the legend.
    let legend = opts
        .legend
        .then(|| Legend::new(labels, layers, &counts, view, lang));
    let corner = legend
        .as_ref()
        .map(|l| choose_corner(basemap, view, l.width, l.height, lang));
    let rtl = lang.is_rtl();
    // The scale bar goes bottom on the reading side, the credit opposite; the buttons top on
    // the far side. Whatever the legend's corner takes moves to the other side.
    let scale_left = match corner {
        Some(Corner { top: false, left }) => !left,
        _ => !rtl,
    };
    let buttons_left = match corner {
        Some(Corner { top: true, left }) => !left,
        _ => rtl,
    };
    draw_scale(&mut s, labels, view, lang, scale_left);
    draw_credit(&mut s, labels, view, lang, !scale_left);
    if let (Some(legend), Some(corner)) = (&legend, corner) {
        legend.draw(&mut s, view, lang, corner);
    }
    if opts.interactive {
        draw_controls(&mut s, labels, view, lang, buttons_left);
    }
    s.push_str("</svg>");

    let drawn = counts.iter().sum();
    RenderedMap {
        svg: s,
        incidents_drawn: drawn,
        incidents_skipped: layers.incidents.len() - drawn,
    }
}

fn clean_id(id: &str) -> String {
    let c: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if c.is_empty() {
        "hudna-map".to_string()
    } else {
        c
    }
}

/// Whether a box of pixels (min x, min y, max x, max y) can come into view: within one
/// drawing's size of the canvas, as far as the reader can pan.
fn near_view(view: &Viewport, b: (f64, f64, f64, f64)) -> bool {
    let (w, h) = (view.width(), view.height());
    b.2 >= -w && b.0 <= 2.0 * w && b.3 >= -h && b.1 <= 2.0 * h
}

/// Appends the path data of a (multi)polygon; rings that cannot come into view, or that
/// shrink to less than a triangle on the pixel grid, are left out.
fn area_path(out: &mut String, scratch: &mut String, area: &MultiPolygon<f64>, view: &Viewport) {
    for poly in &area.0 {
        ring_path(out, scratch, poly.exterior(), view, true);
        for hole in poly.interiors() {
            ring_path(out, scratch, hole, view, true);
        }
    }
}

fn ring_path(
    out: &mut String,
    scratch: &mut String,
    ring: &LineString<f64>,
    view: &Viewport,
    close: bool,
) {
    scratch.clear();
    let mut bbox = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut points = 0usize;
    {
        let mut d = PathData::new(scratch);
        for c in &ring.0 {
            let (x, y) = view.project(c.x, c.y);
            if !x.is_finite() || !y.is_finite() {
                continue;
            }
            bbox = (bbox.0.min(x), bbox.1.min(y), bbox.2.max(x), bbox.3.max(y));
            let p = (tenths(x), tenths(y));
            if points == 0 {
                d.move_to(p);
                points = 1;
            } else if d.line_to(p, points == 1) {
                points += 1;
            }
        }
        if close && points >= 3 {
            d.close();
        }
    }
    let enough = if close { points >= 3 } else { points >= 2 };
    if enough && near_view(view, bbox) {
        out.push_str(scratch);
    }
}

fn draw_zones(s: &mut String, scratch: &mut String, layers: &Layers, view: &Viewport) {
    if layers.zones.is_empty() {
        return;
    }
    s.push_str("<g class=\"hm-zones\">");
    // Covered areas first: they are large and others sit inside them.
    let mut order: Vec<usize> = (0..layers.zones.len()).collect();
    order.sort_by_key(|&i| layers.zones[i].kind != ZoneKind::CoveredArea);
    for i in order {
        let z = &layers.zones[i];
        s.push_str("<path class=\"hm-z hm-z-");
        s.push_str(z.kind.as_str());
        if z.proposed {
            s.push_str(" hm-proposed");
        }
        s.push('"');
        attr(s, "data-zone", &z.id);
        s.push_str(" data-kind=\"");
        s.push_str(z.kind.as_str());
        s.push('"');
        if z.proposed {
            s.push_str(" data-proposed=\"1\"");
        }
        s.push_str(" fill-rule=\"evenodd\" d=\"");
        area_path(s, scratch, &z.area, view);
        s.push_str("\">");
        title(s, &z.name);
        s.push_str("</path>");
    }
    s.push_str("</g>");
}

fn draw_routes(s: &mut String, scratch: &mut String, layers: &Layers, view: &Viewport) {
    if layers.routes.is_empty() {
        return;
    }
    s.push_str("<g class=\"hm-routes\">");
    for r in &layers.routes {
        let n = r.line.0.len().max(1) as f64;
        let mid_lat = r.line.0.iter().map(|c| c.y).sum::<f64>() / n;
        let width = r.corridor_km * view.px_per_km(mid_lat);
        scratch.clear();
        let mut d = String::new();
        ring_path(&mut d, scratch, &r.line, view, false);
        if d.is_empty() {
            continue;
        }
        s.push_str("<g");
        attr(s, "data-route", &r.id);
        s.push('>');
        title(s, &r.name);
        s.push_str("<path class=\"hm-corridor\"");
        attr_num(s, "stroke-width", width.max(0.1));
        attr(s, "d", &d);
        s.push_str("/><path class=\"hm-route-line\" vector-effect=\"non-scaling-stroke\"");
        attr(s, "d", &d);
        s.push_str("/></g>");
    }
    s.push_str("</g>");
}

fn draw_sites(s: &mut String, layers: &Layers, view: &Viewport) {
    if layers.sites.is_empty() {
        return;
    }
    s.push_str("<g class=\"hm-sites\">");
    for site in &layers.sites {
        let (x, y) = view.project(site.at.x(), site.at.y());
        if !x.is_finite() || !y.is_finite() {
            continue;
        }
        let r = site.radius_km * view.px_per_km(site.at.y());
        s.push_str("<g");
        attr(s, "data-site", &site.id);
        s.push('>');
        title(s, &site.name);
        s.push_str("<circle class=\"hm-site-area\" vector-effect=\"non-scaling-stroke\"");
        attr_num(s, "cx", x);
        attr_num(s, "cy", y);
        attr_num(s, "r", r.max(0.1));
        s.push_str("/><circle class=\"hm-site-dot\"");
        attr_num(s, "cx", x);
        attr_num(s, "cy", y);
        attr_num(s, "r", SITE_DOT_R);
        s.push_str("/></g>");
    }
    s.push_str("</g>");
}

/// Draws incidents grouped by class, least serious first, and returns how many of each
/// class were drawn (indexed like [`FindingClass::ALL`]).
fn draw_incidents(
    s: &mut String,
    layers: &Layers,
    view: &Viewport,
    opts: &RenderOptions,
) -> [usize; 5] {
    let mut counts = [0usize; 5];
    if layers.incidents.is_empty() {
        return counts;
    }
    let (prefix, suffix) = match opts.incident_href.split_once("{id}") {
        Some((a, b)) => (a, b),
        None => (opts.incident_href.as_str(), ""),
    };
    let mut href_prefix = String::new();
    escape_into(&mut href_prefix, prefix);
    let mut href_suffix = String::new();
    escape_into(&mut href_suffix, suffix);
    let r = {
        let mut t = String::new();
        push_num(&mut t, INCIDENT_R);
        t
    };

    s.push_str("<g class=\"hm-incidents\">");
    for (ci, class) in FindingClass::ALL.iter().enumerate() {
        let mut opened = false;
        for inc in layers.incidents.iter().filter(|i| i.finding == *class) {
            let (lon, lat) = (inc.at.x(), inc.at.y());
            if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 85.0) {
                continue;
            }
            if !opened {
                s.push_str("<g class=\"hm-f-");
                s.push_str(class.as_str());
                s.push_str("\">");
                opened = true;
            }
            let (x, y) = view.project(lon, lat);
            s.push_str("<a class=\"hm-i\" href=\"");
            s.push_str(&href_prefix);
            percent_encode_into(s, &inc.id);
            s.push_str(&href_suffix);
            s.push_str("\" data-incident=\"");
            escape_into(s, &inc.id);
            s.push_str("\"><title>");
            escape_into(s, &inc.title);
            s.push_str("</title><circle cx=\"");
            push_tenths(s, tenths(x), false);
            s.push_str("\" cy=\"");
            push_tenths(s, tenths(y), false);
            s.push_str("\" r=\"");
            s.push_str(&r);
            s.push_str("\"/></a>");
            counts[ci] += 1;
        }
        if opened {
            s.push_str("</g>");
        }
    }
    s.push_str("</g>");
    counts
}

fn draw_places(s: &mut String, basemap: &Basemap, view: &Viewport, lang: Lang) {
    s.push_str("<g class=\"hm-labels\"");
    attr(s, "direction", lang.dir());
    s.push('>');
    // Seas and countries under capitals.
    for kind in [PlaceKind::Sea, PlaceKind::Country, PlaceKind::Capital] {
        for p in basemap.places().iter().filter(|p| p.kind == kind) {
            let (x, y) = view.project(p.at.x(), p.at.y());
            if !(0.0..=view.width()).contains(&x) || !(0.0..=view.height()).contains(&y) {
                continue;
            }
            match kind {
                PlaceKind::Capital => {
                    s.push_str("<circle class=\"hm-capital\"");
                    attr_num(s, "cx", x);
                    attr_num(s, "cy", y);
                    attr_num(s, "r", CAPITAL_R);
                    s.push_str("/><text class=\"hm-capital-name\" font-size=\"13\"");
                    attr_num(s, "x", x);
                    attr_num(s, "y", y);
                    // Offsets in em follow the font size, which the script keeps constant
                    // on screen; the name sits beside its dot on the reading side.
                    s.push_str(if lang.is_rtl() {
                        " dx=\"-.5em\" dy=\".35em\" text-anchor=\"start\">"
                    } else {
                        " dx=\".5em\" dy=\".35em\" text-anchor=\"start\">"
                    });
                }
                PlaceKind::Country => {
                    s.push_str(
                        "<text class=\"hm-country\" font-size=\"15\" text-anchor=\"middle\"",
                    );
                    attr_num(s, "x", x);
                    attr_num(s, "y", y);
                    s.push('>');
                }
                PlaceKind::Sea => {
                    s.push_str(
                        "<text class=\"hm-sea-name\" font-size=\"14\" text-anchor=\"middle\"",
                    );
                    attr_num(s, "x", x);
                    attr_num(s, "y", y);
                    s.push('>');
                }
            }
            escape_into(s, p.name(lang));
            s.push_str("</text>");
        }
    }
    s.push_str("</g>");
}

/// A corner of the drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Corner {
    top: bool,
    left: bool,
}

const MARGIN: f64 = 12.0;
/// Room kept under a legend in a bottom corner for the credit line.
const CREDIT_ROOM: f64 = 28.0;

impl Corner {
    /// The top-left point of a box of `w` × `h` in this corner.
    fn place(self, view: &Viewport, w: f64, h: f64) -> (f64, f64) {
        let x = if self.left {
            MARGIN
        } else {
            view.width() - MARGIN - w
        };
        let y = if self.top {
            MARGIN
        } else {
            view.height() - CREDIT_ROOM - h
        };
        (x, y)
    }
}

/// The corner where a legend of `w` × `h` hides the least of the theatre: a grid of points in
/// each candidate box is tested against the administrative areas, and ties go to the reading
/// side's top corner. On the Syria map this puts the legend over the empty desert of Iraq
/// and Jordan rather than over the coast.
fn choose_corner(basemap: &Basemap, view: &Viewport, w: f64, h: f64, lang: Lang) -> Corner {
    use geo::Intersects;
    let order = if lang.is_rtl() {
        [(true, false), (true, true), (false, false), (false, true)]
    } else {
        [(true, true), (true, false), (false, true), (false, false)]
    };
    use geo::BoundingRect;
    let areas: Vec<_> = basemap
        .simplified(0.01)
        .admin1
        .iter()
        .filter_map(|a| a.bounding_rect().map(|r| (r, a)))
        .collect();
    let mut best = (
        usize::MAX,
        Corner {
            top: true,
            left: !lang.is_rtl(),
        },
    );
    for (top, left) in order {
        let corner = Corner { top, left };
        let (x0, y0) = corner.place(view, w, h);
        let mut covered = 0;
        const N: usize = 9;
        for i in 0..N {
            for j in 0..N {
                let x = x0 + w * (i as f64 + 0.5) / N as f64;
                let y = y0 + h * (j as f64 + 0.5) / N as f64;
                let (lon, lat) = view.unproject(x, y);
                let p = geo::Point::new(lon, lat);
                if areas
                    .iter()
                    .any(|(r, a)| r.intersects(&p) && a.intersects(&p))
                {
                    covered += 1;
                }
            }
        }
        if covered < best.0 {
            best = (covered, corner);
        }
    }
    best.1
}

/// A "nice" length (1, 2 or 5 × 10ⁿ km) at most `max_km`.
fn nice_km(max_km: f64) -> f64 {
    let p = 10f64.powf(max_km.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v <= max_km)
        .unwrap_or(p)
}

fn draw_scale(s: &mut String, labels: &Labels, view: &Viewport, lang: Lang, left: bool) {
    let (w, h) = (view.width(), view.height());
    let mid = view.unproject(w / 2.0, h / 2.0);
    let px_per_km = view.px_per_km(mid.1);
    if !(px_per_km.is_finite() && px_per_km > 0.0) {
        return;
    }
    let km = nice_km(120.0 / px_per_km);
    let len = km * px_per_km;
    let unit = labels.text("common.km", lang);
    let x = if left { 16.0 } else { w - 16.0 - len };
    let y = h - 18.0;
    s.push_str("<g class=\"hm-scale\"");
    s.push_str(&format!(" data-km-per-px=\"{:.6}\"", 1.0 / px_per_km));
    attr(s, "data-unit", unit);
    s.push_str(if left {
        " data-side=\"left\">"
    } else {
        " data-side=\"right\">"
    });
    s.push_str("<path class=\"hm-scale-bar\" d=\"M");
    push_num(s, x);
    s.push(' ');
    push_num(s, y - 5.0);
    s.push_str("v5h");
    push_num(s, len);
    s.push_str("v-5\"/><text class=\"hm-scale-text\" font-size=\"11\"");
    attr_num(s, "x", x + len / 2.0);
    attr_num(s, "y", y - 8.0);
    s.push_str(" text-anchor=\"middle\">");
    let mut n = String::new();
    push_num(&mut n, km);
    escape_into(s, &format!("{n} {unit}"));
    s.push_str("</text></g>");
}

fn draw_credit(s: &mut String, labels: &Labels, view: &Viewport, lang: Lang, left: bool) {
    let (w, h) = (view.width(), view.height());
    s.push_str("<text class=\"hm-credit\" font-size=\"10\"");
    attr(s, "direction", lang.dir());
    attr_num(s, "x", if left { 10.0 } else { w - 10.0 });
    // `start` and `end` follow the direction: the left edge is `start` in English and `end`
    // in Arabic.
    let anchor = if left == lang.is_rtl() {
        "end"
    } else {
        "start"
    };
    attr(s, "text-anchor", anchor);
    attr_num(s, "y", h - 8.0);
    s.push('>');
    escape_into(s, labels.text("map.data_credit", lang));
    s.push_str(" · ");
    escape_into(s, labels.text("map.disclaimer", lang));
    s.push_str("</text>");
}

/// A legend row: what its swatch looks like.
enum Swatch {
    Incident(FindingClass),
    Zone(ZoneKind),
    Proposed,
    Route,
    Site,
    Capital,
}

/// A legend row: a section heading, or a swatch with its text.
enum Row {
    Head(String),
    Item(Swatch, String),
}

/// The legend: which rows, and how big its box is.
struct Legend {
    rows: Vec<Row>,
    width: f64,
    height: f64,
}

const LEGEND_ROW: f64 = 20.0;
const LEGEND_FONT: f64 = 12.5;

/// A rough width of a text at a font size, to size the legend box without font metrics:
/// about 0.56 em a character for Latin and joined Arabic alike (checked in Chromium).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.56
}

impl Legend {
    fn new(
        labels: &Labels,
        layers: &Layers,
        counts: &[usize; 5],
        view: &Viewport,
        lang: Lang,
    ) -> Legend {
        let mut rows = vec![Row::Head(
            labels.text("map.incidents_by_finding", lang).to_string(),
        )];
        for (i, class) in FindingClass::ALL.iter().enumerate().rev() {
            let text = format!(
                "{} ({})",
                labels.text(&format!("finding_class.{}", class.as_str()), lang),
                counts[i]
            );
            rows.push(Row::Item(Swatch::Incident(*class), text));
        }
        let has_terms =
            !layers.zones.is_empty() || !layers.routes.is_empty() || !layers.sites.is_empty();
        if has_terms {
            rows.push(Row::Head(labels.text("map.terms", lang).to_string()));
            for kind in ZoneKind::ALL {
                if layers.zones.iter().any(|z| z.kind == kind) {
                    let key = format!("zone_kind.{}", kind.as_str());
                    rows.push(Row::Item(
                        Swatch::Zone(kind),
                        labels.text(&key, lang).to_string(),
                    ));
                }
            }
            if layers.zones.iter().any(|z| z.proposed) {
                let text = labels.text("map.proposed", lang).to_string();
                rows.push(Row::Item(Swatch::Proposed, text));
            }
            if !layers.routes.is_empty() {
                let text = labels.text("map.route", lang).to_string();
                rows.push(Row::Item(Swatch::Route, text));
            }
            if !layers.sites.is_empty() {
                let text = labels.text("map.site", lang).to_string();
                rows.push(Row::Item(Swatch::Site, text));
            }
        }
        rows.push(Row::Item(
            Swatch::Capital,
            labels.text("map.capital", lang).to_string(),
        ));
        let text_w = rows
            .iter()
            .map(|r| match r {
                Row::Head(h) => text_width(h, LEGEND_FONT),
                Row::Item(_, t) => 22.0 + text_width(t, LEGEND_FONT),
            })
            .fold(0.0, f64::max);
        Legend {
            width: (text_w + 24.0).min(view.width() * 0.45),
            height: rows.len() as f64 * LEGEND_ROW + 14.0,
            rows,
        }
    }

    fn draw(&self, s: &mut String, view: &Viewport, lang: Lang, corner: Corner) {
        let (box_w, box_h) = (self.width, self.height);
        let (x0, y0) = corner.place(view, box_w, box_h);
        let rtl = lang.is_rtl();
        s.push_str("<g class=\"hm-legend\"");
        attr(s, "direction", lang.dir());
        s.push_str("><rect class=\"hm-legend-box\" rx=\"6\"");
        attr_num(s, "x", x0);
        attr_num(s, "y", y0);
        attr_num(s, "width", box_w);
        attr_num(s, "height", box_h);
        s.push_str("/>");
        // The text's start is the reading side: left in English, right in Arabic (with
        // `direction="rtl"`, `start` is the right end of the text).
        let edge = if rtl { x0 + box_w - 12.0 } else { x0 + 12.0 };
        let toward = if rtl { -1.0 } else { 1.0 };
        for (i, row) in self.rows.iter().enumerate() {
            let cy = y0 + 7.0 + LEGEND_ROW * i as f64 + LEGEND_ROW / 2.0;
            let (class, x, text) = match row {
                Row::Head(h) => ("hm-legend-head", edge, h),
                Row::Item(swatch, t) => {
                    draw_swatch(s, swatch, edge + toward * 7.0, cy);
                    ("hm-legend-text", edge + toward * 20.0, t)
                }
            };
            s.push_str("<text");
            attr(s, "class", class);
            attr_num(s, "x", x);
            attr_num(s, "y", cy + 4.0);
            attr_num(s, "font-size", LEGEND_FONT);
            s.push_str(" text-anchor=\"start\">");
            escape_into(s, text);
            s.push_str("</text>");
        }
        s.push_str("</g>");
    }
}

fn draw_swatch(s: &mut String, swatch: &Swatch, sx: f64, cy: f64) {
    match swatch {
        Swatch::Incident(c) => {
            s.push_str("<circle class=\"hm-legend-i hm-f-");
            s.push_str(c.as_str());
            s.push('"');
            attr_num(s, "cx", sx);
            attr_num(s, "cy", cy);
            attr_num(s, "r", INCIDENT_R + 0.5);
            s.push_str("/>");
        }
        Swatch::Zone(_) | Swatch::Proposed => {
            let class = match swatch {
                Swatch::Zone(k) => format!("hm-z hm-z-{}", k.as_str()),
                _ => "hm-z hm-z-legend-proposed hm-proposed".to_string(),
            };
            s.push_str("<rect");
            attr(s, "class", &class);
            attr_num(s, "x", sx - 7.0);
            attr_num(s, "y", cy - 6.0);
            s.push_str(" width=\"14\" height=\"12\"/>");
        }
        Swatch::Route => {
            for class in ["hm-corridor\" stroke-width=\"8", "hm-route-line"] {
                s.push_str("<path class=\"");
                s.push_str(class);
                s.push_str("\" d=\"M");
                push_num(s, sx - 7.0);
                s.push(' ');
                push_num(s, cy);
                s.push_str("h14\"/>");
            }
        }
        Swatch::Site => {
            s.push_str("<circle class=\"hm-site-area\" r=\"6.5\"");
            attr_num(s, "cx", sx);
            attr_num(s, "cy", cy);
            s.push_str("/><circle class=\"hm-site-dot\"");
            attr_num(s, "cx", sx);
            attr_num(s, "cy", cy);
            attr_num(s, "r", SITE_DOT_R);
            s.push_str("/>");
        }
        Swatch::Capital => {
            s.push_str("<circle class=\"hm-capital\"");
            attr_num(s, "cx", sx);
            attr_num(s, "cy", cy);
            attr_num(s, "r", CAPITAL_R);
            s.push_str("/>");
        }
    }
}

fn draw_controls(s: &mut String, labels: &Labels, view: &Viewport, lang: Lang, left: bool) {
    const SIZE: f64 = 30.0;
    let x = if left {
        MARGIN
    } else {
        view.width() - MARGIN - SIZE
    };
    s.push_str("<g class=\"hm-controls\">");
    for (i, (action, key, icon)) in [
        ("in", "map.zoom_in", "M9 15h12M15 9v12"),
        ("out", "map.zoom_out", "M9 15h12"),
        (
            "reset",
            "map.zoom_reset",
            "M8 12V8h4M18 8h4v4M22 18v4h-4M12 22H8v-4",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let y = MARGIN + i as f64 * (SIZE + 6.0);
        let label = labels.text(key, lang);
        s.push_str("<g class=\"hm-btn\" role=\"button\" tabindex=\"0\"");
        attr(s, "data-hudna-zoom", action);
        attr(s, "aria-label", label);
        s.push_str(" transform=\"translate(");
        push_num(s, x);
        s.push(' ');
        push_num(s, y);
        s.push_str(")\">");
        title(s, label);
        s.push_str("<rect width=\"30\" height=\"30\" rx=\"5\"/><path d=\"");
        s.push_str(icon);
        s.push_str("\"/></g>");
    }
    s.push_str("</g>");
}
