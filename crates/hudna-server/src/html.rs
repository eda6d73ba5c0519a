//! Writing HTML safely: escaping, evidence highlighting, and the page shell.
//!
//! The dashboard is built with plain string writing rather than a template engine: the pages
//! are few, their structure is simple, and one escaping function that every piece of record
//! text passes through ([`esc`]) is easier to audit than a template language's rules about
//! which contexts escape. Record text (article bodies, names, places) only ever reaches a page
//! through [`esc`] or [`push_esc`], which escape `& < > " '`, so it is inert both between
//! tags and inside quoted attributes. Every page also carries a Content-Security-Policy that
//! allows scripts from this server only, as a second line of defence.

use hudna_i18n::{Labels, Lang};

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_esc(&mut out, text);
    out
}

/// Appends `text`, escaped, to `out`.
pub fn push_esc(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// Percent-encodes a query-string value.
pub fn url_value(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// Splits `text` into runs that are inside an evidence span or not. Spans are character
/// offsets `[start, end)`; overlapping and out-of-range spans are merged and clipped.
pub fn segments(text: &str, spans: &[[usize; 2]]) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut marked = vec![false; n];
    for [a, b] in spans {
        let (a, b) = ((*a).min(n), (*b).min(n));
        for m in marked.iter_mut().take(b).skip(a) {
            *m = true;
        }
    }
    let mut out: Vec<(String, bool)> = Vec::new();
    for (c, m) in chars.into_iter().zip(marked) {
        match out.last_mut() {
            Some((s, last)) if *last == m => s.push(c),
            _ => out.push((c.to_string(), m)),
        }
    }
    out
}

/// The text with its evidence spans in `<mark>`, escaped.
pub fn highlighted(text: &str, spans: &[[usize; 2]]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for (s, m) in segments(text, spans) {
        if m {
            out.push_str("<mark class=\"evidence\">");
            push_esc(&mut out, &s);
            out.push_str("</mark>");
        } else {
            push_esc(&mut out, &s);
        }
    }
    out
}

/// What the page shell needs to know about the caller.
#[derive(Debug, Clone, Default)]
pub struct ShellUser {
    /// Display name.
    pub name: String,
    /// Organisation name.
    pub org: String,
    /// CSRF token for the sign-out form.
    pub csrf: String,
    /// Whether the account may file notifications.
    pub humanitarian: bool,
}

/// The dashboard's stylesheet.
pub const DASHBOARD_CSS: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans","Noto Naskh Arabic","DejaVu Sans",sans-serif;background:#f6f5f2;color:#1d2327;line-height:1.45}
header.top{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem 1rem;background:#1f3a4d;color:#fff}
header.top a{color:#fff;text-decoration:none}
header.top nav{display:flex;gap:1rem;flex-wrap:wrap}
header.top .who{margin-inline-start:auto;display:flex;gap:.8rem;align-items:center}
header.top form{margin:0}
header.top button{background:none;border:1px solid #fff;color:#fff;border-radius:3px;cursor:pointer}
main{padding:1rem;max-width:1400px;margin:0 auto}
h1{font-size:1.4rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:1.2rem 0 .5rem}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid #d9d6cf;border-radius:4px;padding:.8rem}
.map-wrap svg.hudna-map{width:100%;height:auto;display:block}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e4e1da;padding:.3rem .4rem;text-align:start;vertical-align:top}
mark.evidence{background:#ffe08a;padding:0 .1em}
.source-text{white-space:pre-wrap;background:#fbfaf7;border:1px solid #e4e1da;padding:.6rem;border-radius:3px}
.finding{border-inline-start:4px solid #888;padding:.3rem .6rem;margin:.4rem 0;background:#fff}
.finding.grave{border-color:#b3261e}.finding.serious{border-color:#e07b00}.finding.review{border-color:#6b5fb5}.finding.info{border-color:#607d8b}
.timeline svg{width:100%;height:140px;display:block}
.timeline rect.bar{fill:#1f3a4d}
.timeline rect.bar:hover{fill:#e07b00}
.muted{color:#5f6b73;font-size:.85rem}
.error{background:#fdecea;border:1px solid #b3261e;padding:.6rem;border-radius:3px}
.notice{background:#e8f3ea;border:1px solid #2e7d32;padding:.6rem;border-radius:3px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}
dl.facts dt{font-weight:600}
"#;

/// Writes a whole page: `lang`/`dir` on `<html>`, the navigation with every label in the
/// page's language, the language switch back to `path`, and `body`.
pub fn page(
    labels: &Labels,
    lang: Lang,
    title: &str,
    path: &str,
    user: Option<&ShellUser>,
    body: &str,
) -> String {
    let t = |k: &str| labels.text(k, lang).to_string();
    let mut s = String::with_capacity(body.len() + 4096);
    s.push_str("<!DOCTYPE html>\n<html lang=\"");
    s.push_str(lang.code());
    s.push_str("\" dir=\"");
    s.push_str(lang.dir());
    s.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    push_esc(&mut s, title);
    s.push_str(" · ");
    push_esc(&mut s, &t("app.name"));
    s.push_str("</title>\n<link rel=\"stylesheet\" href=\"/static/hudna.css\">\n");
    s.push_str("<link rel=\"stylesheet\" href=\"/static/map.css\">\n</head>\n<body>\n");
    s.push_str("<a class=\"skip\" href=\"#content\" hidden>");
    push_esc(&mut s, &t("nav.skip_to_content"));
    s.push_str("</a>\n<header class=\"top\">\n<a href=\"/\"><strong>");
    push_esc(&mut s, &t("app.name"));
    s.push_str("</strong></a>\n<nav>");
    for (href, key) in [
        ("/", "nav.home"),
        ("/findings", "nav.findings"),
        ("/truces", "nav.truces"),
        ("/notifications", "nav.notifications"),
        ("/audit", "nav.audit_log"),
    ] {
        s.push_str("<a href=\"");
        s.push_str(href);
        s.push_str("\">");
        push_esc(&mut s, &t(key));
        s.push_str("</a>");
    }
    s.push_str("</nav>\n<div class=\"who\">");
    let other = lang.other();
    s.push_str("<a id=\"lang-switch\" lang=\"");
    s.push_str(other.code());
    s.push_str("\" href=\"/lang?to=");
    s.push_str(other.code());
    s.push_str("&amp;back=");
    push_esc(&mut s, &url_value(path));
    s.push_str("\">");
    push_esc(&mut s, other.native_name());
    s.push_str("</a>");
    match user {
        Some(u) => {
            s.push_str("<span class=\"signed-in\">");
            push_esc(
                &mut s,
                &labels.format(
                    "auth.signed_in_as",
                    lang,
                    &[("user", &u.name), ("org", &u.org)],
                ),
            );
            s.push_str("</span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"");
            push_esc(&mut s, &u.csrf);
            s.push_str("\"><button type=\"submit\">");
            push_esc(&mut s, &t("nav.logout"));
            s.push_str("</button></form>");
        }
        None => {
            s.push_str("<a href=\"/login\" id=\"login-link\">");
            push_esc(&mut s, &t("nav.login"));
            s.push_str("</a>");
        }
    }
    s.push_str("</div>\n</header>\n<main id=\"content\">\n");
    s.push_str(body);
    s.push_str("\n</main>\n<script src=\"/static/map.js\"></script>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_makes_markup_inert() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn segments_merge_and_clip_spans() {
        let s = segments("abcdefgh", &[[1, 3], [2, 5], [7, 99]]);
        assert_eq!(
            s,
            vec![
                ("a".to_string(), false),
                ("bcde".to_string(), true),
                ("fg".to_string(), false),
                ("h".to_string(), true)
            ]
        );
        // Character offsets, not bytes.
        let s = segments("قصف حلب", &[[4, 7]]);
        assert_eq!(s[1], ("حلب".to_string(), true));
    }

    #[test]
    fn highlighting_escapes_inside_and_outside_marks() {
        let h = highlighted("<b>x</b> <i>", &[[0, 3]]);
        assert_eq!(
            h,
            "<mark class=\"evidence\">&lt;b&gt;</mark>x&lt;/b&gt; &lt;i&gt;"
        );
    }
}
