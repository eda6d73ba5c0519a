//! Generated article corpora for benchmarks and the crash test: the development articles,
//! varied so that copies are new articles (not exact duplicates) but stay syndicated copies
//! of their original, with shifted publication days.

use std::path::Path;

use anyhow::Context;
use hudna_core::{Article, JsonlArticles};
use hudna_record::minhash::splitmix;

/// Reads the articles to vary.
pub fn seeds(path: &Path) -> anyhow::Result<Vec<Article>> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = JsonlArticles::new(std::io::BufReader::new(f));
    let mut out = Vec::new();
    while let Some(next) = reader.next_article() {
        if let Ok((_, a)) = next? {
            out.push(a);
        }
    }
    anyhow::ensure!(!out.is_empty(), "{}: no articles", path.display());
    Ok(out)
}

fn arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// The `i`-th article of the corpus: seed `i mod n` itself for the first round, then copies
/// with a numbered dateline, sometimes a dropped word, and a publication day moved by at most
/// one day. The same `i` always gives the same article.
pub fn article(seeds: &[Article], i: usize) -> Article {
    let seed = &seeds[i % seeds.len()];
    let round = i / seeds.len();
    if round == 0 {
        return seed.clone();
    }
    let r = splitmix(i as u64);
    let mut a = seed.clone();
    a.id = format!("{}~{round}", seed.id);
    let dateline = if arabic(&seed.text) {
        format!("(نشرة {round}) ")
    } else {
        format!("(Bulletin {round}) ")
    };
    let mut words: Vec<&str> = seed.text.split(' ').collect();
    if r.is_multiple_of(3) && words.len() > 40 {
        // Drop one word from the second half, away from the lead where most places are.
        let at = words.len() / 2 + (r >> 8) as usize % (words.len() / 2);
        words.remove(at);
    }
    a.text = dateline + &words.join(" ");
    if let Some(p) = seed.published {
        let shift = ((r >> 16) % 3) as i64 - 1;
        a.published = p.checked_add_signed(chrono::Duration::days(shift));
    }
    a
}
