//! RSS 2.0 and Atom feeds (feed-rs): one article per item.
//!
//! A feed is one XML document, so one malformed item would make a strict parser throw the
//! whole feed away. When the document does not parse, each item is cut out and parsed on its
//! own inside the feed's header, so only the broken items are rejected.

use dom_query::Document;
use feed_rs::model::{Entry as FeedEntry, Feed};
use hudna_core::Article;

use crate::html::tidy;
use crate::{utf8, Entry, Format, Origin, Rejection};

pub(crate) fn read<E>(
    name: &str,
    bytes: &[u8],
    sink: &mut dyn FnMut(Result<Entry, Rejection>) -> Result<(), E>,
) -> Result<(), E> {
    let text = match utf8(name, bytes) {
        Ok(t) => t,
        Err(r) => return sink(Err(r)),
    };
    let items = item_spans(text);
    match feed_rs::parser::parse(text.as_bytes()) {
        Ok(feed) => {
            let outlet = feed_title(&feed);
            for (i, entry) in feed.entries.iter().enumerate() {
                let line = items.get(i).map(|s| line_of(text, s.0));
                sink(article(name, i + 1, line, entry, outlet.as_deref()))?;
            }
            Ok(())
        }
        Err(whole) => {
            if items.is_empty() {
                return sink(Err(Rejection::new(
                    name,
                    None,
                    format!("not a readable RSS or Atom feed: {whole}"),
                )));
            }
            read_items_one_by_one(name, text, &items, sink)
        }
    }
}

fn read_items_one_by_one<E>(
    name: &str,
    text: &str,
    items: &[(usize, Option<usize>)],
    sink: &mut dyn FnMut(Result<Entry, Rejection>) -> Result<(), E>,
) -> Result<(), E> {
    let head = &text[..items[0].0];
    let atom = head.contains("<feed");
    let close = if atom { "</feed>" } else { "</channel></rss>" };
    let outlet = feed_rs::parser::parse(format!("{head}{close}").as_bytes())
        .ok()
        .and_then(|f| feed_title(&f));
    for (i, (start, end)) in items.iter().enumerate() {
        let n = i + 1;
        let line = line_of(text, *start);
        let Some(end) = end else {
            sink(Err(Rejection::new(
                name,
                Some(format!("item {n} (line {line})")),
                "item is not closed (the feed is cut short)",
            )))?;
            continue;
        };
        let doc = format!("{head}{}{close}", &text[*start..*end]);
        match feed_rs::parser::parse(doc.as_bytes()) {
            Ok(feed) => match feed.entries.first() {
                Some(entry) => sink(article(name, n, Some(line), entry, outlet.as_deref()))?,
                None => sink(Err(Rejection::new(
                    name,
                    Some(format!("item {n} (line {line})")),
                    "empty item",
                )))?,
            },
            Err(e) => sink(Err(Rejection::new(
                name,
                Some(format!("item {n} (line {line})")),
                format!("malformed item: {e}"),
            )))?,
        }
    }
    Ok(())
}

fn feed_title(feed: &Feed) -> Option<String> {
    feed.title
        .as_ref()
        .map(|t| t.content.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn article(
    name: &str,
    n: usize,
    line: Option<usize>,
    entry: &FeedEntry,
    outlet: Option<&str>,
) -> Result<Entry, Rejection> {
    let locator = match line {
        Some(l) => format!("item {n} (line {l})"),
        None => format!("item {n}"),
    };
    let body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .filter(|b| !b.trim().is_empty())
        .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
        .unwrap_or_default();
    let text = html_to_text(&body);
    if text.is_empty() {
        return Err(Rejection::new(
            name,
            Some(locator),
            "item has no description or content",
        ));
    }
    let title = entry
        .title
        .as_ref()
        .map(|t| html_to_text(&t.content))
        .filter(|t| !t.is_empty());
    let url = entry.links.first().map(|l| l.href.trim().to_string());
    let published = entry.published.or(entry.updated).map(|d| d.date_naive());
    Ok(Entry::Article {
        origin: Origin {
            file: name.to_string(),
            format: Format::Feed,
            locator: Some(locator),
        },
        article: Article {
            id: if entry.id.is_empty() {
                format!("{name}#{n}")
            } else {
                entry.id.clone()
            },
            url,
            published,
            title,
            outlet: outlet.map(str::to_string),
            text,
        },
    })
}

/// Feed bodies are HTML fragments; the article is their text.
fn html_to_text(fragment: &str) -> String {
    if !fragment.contains('<') && !fragment.contains('&') {
        return tidy(fragment);
    }
    let doc = Document::fragment(fragment);
    for sel in ["script", "style"] {
        doc.select(sel).remove();
    }
    tidy(&doc.formatted_text())
}

/// Byte spans of the items (`<item>`…`</item>` or `<entry>`…`</entry>`); the end is `None`
/// when an item is not closed.
fn item_spans(text: &str) -> Vec<(usize, Option<usize>)> {
    let (open, close) = if find_tag(text, "<item", 0).is_some() {
        ("<item", "</item>")
    } else {
        ("<entry", "</entry>")
    };
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = find_tag(text, open, at) {
        let next = find_tag(text, open, start + open.len());
        match text[start..].find(close).map(|e| start + e + close.len()) {
            Some(end) if next.is_none_or(|n| end <= n) => {
                out.push((start, Some(end)));
                at = end;
            }
            _ => {
                out.push((start, None));
                match next {
                    Some(n) => at = n,
                    None => break,
                }
            }
        }
    }
    out
}

/// The next `<name` that is the tag itself (followed by `>`, a space or `/`), not a longer
/// name such as `<items`.
fn find_tag(text: &str, open: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(p) = text.get(at..)?.find(open) {
        let pos = at + p;
        let after = text[pos + open.len()..].chars().next();
        if matches!(after, Some('>' | ' ' | '/' | '\n' | '\r' | '\t')) {
            return Some(pos);
        }
        at = pos + open.len();
    }
    None
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
