//! Saved web pages: the article's main text, and its title, date, canonical URL and outlet
//! from the page's metadata.
//!
//! Main-text extraction is dom_smoothie's port of Mozilla's Readability. Before it runs,
//! page furniture that Readability sometimes keeps is removed: navigation, scripts, forms,
//! share bars and "related articles" boxes, whose headlines would otherwise be read as
//! incidents of this article.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use hudna_core::Article;

use crate::{utf8, Entry, Format, Origin, Rejection};

/// Elements that are never the article.
const FURNITURE: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "aside",
    "footer",
    "form",
    "iframe",
    "[role=navigation]",
    "[role=complementary]",
    "[class*=related]",
    "[id*=related]",
    "[class*=share]",
    "[class*=comment]",
    "[id*=comment]",
    "[class*=most-read]",
    "[class*=breadcrumb]",
];

pub(crate) fn read<E>(
    name: &str,
    bytes: &[u8],
    sink: &mut dyn FnMut(Result<Entry, Rejection>) -> Result<(), E>,
) -> Result<(), E> {
    sink(page(name, bytes))
}

fn page(name: &str, bytes: &[u8]) -> Result<Entry, Rejection> {
    let html = utf8(name, bytes)?;
    if let Some(why) = truncation(html) {
        let line = html.lines().count();
        return Err(Rejection::new(
            name,
            Some(format!("line {line}")),
            format!("truncated page: it ends {why}"),
        ));
    }
    let doc = Document::from(html);
    let meta = |sel: &str| -> Option<String> {
        doc.select(sel)
            .iter()
            .find_map(|n| n.attr("content").map(|v| v.trim().to_string()))
            .filter(|v| !v.is_empty())
    };
    let title = meta("meta[property='og:title']")
        .or_else(|| meta("meta[name='twitter:title']"))
        .or_else(|| Some(doc.select("title").text().trim().to_string()))
        .filter(|t| !t.is_empty());
    let url = doc
        .select("link[rel='canonical']")
        .iter()
        .find_map(|n| n.attr("href").map(|v| v.trim().to_string()))
        .filter(|v| !v.is_empty())
        .or_else(|| meta("meta[property='og:url']"));
    let outlet = meta("meta[property='og:site_name']")
        .or_else(|| meta("meta[name='application-name']"))
        .or_else(|| meta("meta[name='publisher']"));
    let published_raw = meta("meta[property='article:published_time']")
        .or_else(|| meta("meta[itemprop='datePublished']"))
        .or_else(|| meta("meta[name='pubdate']"))
        .or_else(|| meta("meta[name='date']"))
        .or_else(|| meta("meta[name='dc.date']"))
        .or_else(|| {
            doc.select("time[datetime]")
                .iter()
                .find_map(|n| n.attr("datetime").map(|v| v.trim().to_string()))
        });
    let published = published_raw
        .as_deref()
        .and_then(hudna_core::article::parse_published);

    for sel in FURNITURE {
        doc.select(sel).remove();
    }
    let cfg = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let absolute = url
        .as_deref()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let text = match Readability::with_document(doc.clone(), absolute, Some(cfg.clone()))
        .or_else(|_| Readability::with_document(doc.clone(), None, Some(cfg)))
        .and_then(|mut r| r.parse())
    {
        Ok(article) => article.text_content.to_string(),
        // Readability gives up on pages with little text (a short dispatch); the body text
        // with furniture removed is then the article.
        Err(_) => doc.select("body").formatted_text().to_string(),
    };
    let text = tidy(&text);
    if text.is_empty() {
        return Err(Rejection::new(
            name,
            None,
            "no article text found in the page",
        ));
    }
    Ok(Entry::Article {
        origin: Origin {
            file: name.to_string(),
            format: Format::Html,
            locator: None,
        },
        article: Article {
            id: url.clone().unwrap_or_else(|| name.to_string()),
            url,
            published,
            title,
            outlet,
            text,
        },
    })
}

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements whose end tag HTML lets a complete page omit: a page may stop after its last
/// paragraph with these still open.
const OPTIONAL_END: &[&str] = &[
    "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp",
];

/// Elements whose content is text up to their own end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "noembed", "noframes",
];

/// Why the page looks cut off, if it does.
///
/// A download that breaks off stops anywhere, and news pages wrap their article in
/// containers (`article`, `main`, `div`, `section`), so a page cut in its body ends inside a
/// tag, a comment or a script, or with such a container still open. A page that reached
/// `</body>` or `</html>` is complete whatever follows (trackers, comments, a second
/// document); one that omits them, as HTML allows, is complete when only elements whose end
/// tag may be omitted (`p`, `li`, `body`…) are left open. Unclosed containers are only held
/// against pages that never close their body: sloppy markup inside a complete page is common.
fn truncation(html: &str) -> Option<String> {
    let b = html.as_bytes();
    let lower = |from: usize, to: usize| html[from..to].to_ascii_lowercase();
    // Elements open, whose end tags are required.
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            match find(b, lt + 4, b"-->") {
                Some(end) => i = end + 3,
                None => return Some("inside a comment".into()),
            }
            continue;
        }
        let (closing, name_at) = match rest.first() {
            Some(b'/') => (true, lt + 2),
            Some(b'!' | b'?') => {
                // A doctype, a CDATA section or a processing instruction.
                match memchr(b'>', rest) {
                    Some(end) => i = lt + 1 + end + 1,
                    None => return Some("inside a tag".into()),
                }
                continue;
            }
            _ => (false, lt + 1),
        };
        if name_at >= b.len() {
            // The bytes stop right after `<` or `</`.
            return Some("inside a tag".into());
        }
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            // A `<` in text.
            i = lt + 1;
            continue;
        }
        let mut name_end = name_at;
        while b
            .get(name_end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b':')
        {
            name_end += 1;
        }
        let name = lower(name_at, name_end);
        // The tag's end, skipping quoted attribute values (a quote opens one only right
        // after `=`, as the HTML tokenizer reads it).
        let mut j = name_end;
        let mut quote: Option<u8> = None;
        let mut after_eq = false;
        let gt = loop {
            let Some(&c) = b.get(j) else {
                let slash = if closing { "/" } else { "" };
                return Some(format!("inside the tag <{slash}{name}"));
            };
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'>' => break j,
                None if after_eq && (c == b'"' || c == b'\'') => {
                    quote = Some(c);
                    after_eq = false;
                }
                None if c == b'=' => after_eq = true,
                None if c.is_ascii_whitespace() => {}
                None => after_eq = false,
            }
            j += 1;
        };
        i = gt + 1;
        if closing {
            if name == "body" || name == "html" {
                return None;
            }
            if let Some(at) = open.iter().rposition(|n| *n == name) {
                open.truncate(at);
            }
            continue;
        }
        let self_closing = gt > name_end && b[gt - 1] == b'/';
        if RAW_TEXT.contains(&name.as_str()) && !self_closing {
            let end_tag = format!("</{name}");
            match find_ascii_ci(html, i, &end_tag) {
                Some(end) => i = end,
                None => return Some(format!("inside <{name}>")),
            }
            continue;
        }
        if self_closing || VOID.contains(&name.as_str()) || OPTIONAL_END.contains(&name.as_str()) {
            continue;
        }
        open.push(name);
    }
    open.last()
        .map(|n| format!("inside <{n}>, which is never closed"))
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

/// Where `needle` next occurs in `b` from `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Where `needle` (ASCII, lower-case) next occurs in `s` from `from`, ignoring ASCII case.
fn find_ascii_ci(s: &str, from: usize, needle: &str) -> Option<usize> {
    s.as_bytes()
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
        .map(|p| from + p)
}

/// Trims each line and drops runs of blank lines.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&line);
        blank = false;
    }
    out.trim().to_string()
}
