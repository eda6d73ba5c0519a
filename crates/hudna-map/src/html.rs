//! A stand-alone HTML page around a map: for checking the map and its script in a browser
//! without the server (`hudna map --out map.html`), and as the smallest example of how a
//! page embeds the two.

use hudna_i18n::Lang;

use crate::svg::escape_into;
use crate::{MAP_CSS, MAP_JS};

/// A complete HTML page showing `svg` (from [`crate::render`]) with the map script inlined.
///
/// The page is in `lang` (`lang` and `dir` set, so an Arabic page reads right to left); the
/// stylesheet is included too, so it works whether or not the SVG embeds it.
pub fn standalone_page(svg: &str, lang: Lang, title: &str) -> String {
    let mut s = String::with_capacity(svg.len() + MAP_JS.len() + MAP_CSS.len() + 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"");
    s.push_str(lang.code());
    s.push_str("\" dir=\"");
    s.push_str(lang.dir());
    s.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    escape_into(&mut s, title);
    s.push_str("</title>\n<style>\n");
    s.push_str(
        "html,body{margin:0;height:100%;background:#f4f2ee}\n\
         .hm-page{height:100%;display:flex;align-items:center;justify-content:center}\n\
         .hm-page svg.hudna-map{display:block;width:100%;height:100%;max-height:100vh}\n",
    );
    s.push_str(MAP_CSS);
    s.push_str("\n</style>\n</head>\n<body>\n<main class=\"hm-page\">\n");
    s.push_str(svg);
    s.push_str("\n</main>\n<script>\n");
    s.push_str(MAP_JS);
    s.push_str("\n</script>\n</body>\n</html>\n");
    s
}
