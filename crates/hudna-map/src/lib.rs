//! The theatre map, drawn on the server as SVG.
//!
//! hudna's dashboard and its printed briefings show the same map: the theatre's countries and
//! governorates, the truce's zones, the humanitarian routes and sites that were notified to
//! the parties, and incidents coloured by their most serious finding. Drawing it on the server
//! from vector data shipped with hudna means no tile server, no third-party script and no
//! network access: the page gets one SVG document, and a small script of our own
//! ([`MAP_JS`]) pans and zooms it.
//!
//! # Drawing a map
//!
//! ```
//! use hudna_i18n::{Labels, Lang};
//! use hudna_map::{render, Basemap, FindingClass, IncidentMarker, Layers, Projection,
//!                 RenderOptions, Viewport};
//!
//! let basemap = Basemap::bundled()?;
//! let labels = Labels::bundled()?;
//! let layers = Layers {
//!     incidents: vec![IncidentMarker {
//!         id: "42".into(),
//!         at: geo::Point::new(36.95, 36.15),
//!         finding: FindingClass::Grave,
//!         title: "19 Sep 2016 · air strike · Urum al-Kubra".into(),
//!     }],
//!     ..Layers::default()
//! };
//! let view = Viewport::fit(basemap.bounds(), 1200.0, 900.0, Projection::WebMercator)?;
//! let map = render(basemap, labels, &layers, &view, Lang::Ar, &RenderOptions::default());
//! assert!(map.svg.contains(r#"href="/incidents/42""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`render`] is a pure function: the same inputs give the same bytes, and it does no I/O, so
//! the server, the briefing and the benchmark all call it the same way.
//!
//! # What the SVG promises the script (and anyone styling it)
//!
//! - The root is `<svg data-hudna-map id=…>` with `data-projection`, `data-scale`,
//!   `data-x0`, `data-y0`, `data-lat0` (to turn pixels back into degrees) and
//!   `data-max-zoom`.
//! - The map itself is the nested `<svg class="hm-view" id="{id}-view">`; panning and zooming
//!   change its `viewBox` only. Legend (`.hm-legend`), scale bar (`.hm-scale`, with
//!   `data-km-per-px` and `data-unit`), credits and buttons stay fixed.
//! - Each incident is `<a class="hm-i" href="/incidents/{id}" data-incident="{id}">` holding a
//!   `<title>` and a `<circle>`, inside `<g class="hm-f-{class}">` per finding class.
//!   Zones carry `data-zone`, `data-kind` (and `data-proposed`), routes `data-route`, sites
//!   `data-site`, governorate shapes `data-admin1`.
//! - Zoom buttons are `[data-hudna-zoom="in"|"out"|"reset"]`.
//!
//! Every text that reaches the SVG (names, tooltips, ids) is XML-escaped; ids in links are
//! percent-encoded.

mod basemap;
mod geojson;
pub mod html;
mod layers;
mod project;
mod render;
pub mod svg;

pub use basemap::{Admin1Area, Basemap, Country, PlaceKind, PlaceLabel};
pub use layers::{FindingClass, IncidentMarker, Layers, Route, Site, Zone, ZoneKind};
pub use project::{Projection, Viewport};
pub use render::{render, RenderOptions, RenderedMap, MAP_CSS};

/// The map's script: pan (drag), zoom (wheel, buttons, keys, pinch) and click-to-open on the
/// SVG that [`render`] draws. Plain JavaScript with no dependencies; serve it as a file
/// (`/static/map.js`) or inline it. It initialises every `svg[data-hudna-map]` on the page.
pub const MAP_JS: &str = include_str!("../assets/map.js");

/// Why a map could not be read or drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    /// A map data file could not be read.
    #[error("{file}: {reason}")]
    Io {
        /// The file.
        file: String,
        /// The operating system's reason.
        reason: String,
    },
    /// A GeoJSON file is not what the map needs.
    #[error("{file}: {reason}")]
    Data {
        /// The file.
        file: String,
        /// What is wrong, naming the feature.
        reason: String,
    },
    /// A line of a table file is wrong.
    #[error("{file}:{line}: {reason}")]
    Tsv {
        /// The file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong, naming the field.
        reason: String,
    },
    /// The requested area or size cannot be drawn.
    #[error("viewport: {0}")]
    Viewport(String),
}

#[cfg(test)]
mod tests;
