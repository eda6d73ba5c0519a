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
    let lower_tail = tail_lower(html);
    if !lower_tail.contains("</html") && !lower_tail.contains("</body") {
        let line = html.lines().count();
        return Err(Rejection::new(
            name,
            Some(format!("line {line}")),
            "truncated page: it ends without </body> or </html>",
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

/// The last few hundred bytes, lower-cased, where closing tags of a complete page are.
fn tail_lower(html: &str) -> String {
    let mut start = html.len().saturating_sub(512);
    while !html.is_char_boundary(start) {
        start -= 1;
    }
    html[start..].to_ascii_lowercase()
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
