//! Matching many multi-word phrases against tokens, clitics and spelling variants allowed.
//!
//! Lexicons (triggers, actors, targets) and the gazetteer (tens of thousands of place
//! names) are all phrases of one or more words. [`PhraseSet`] compiles them into a trie over
//! word keys and finds, left to right, the longest phrase that starts at each token.
//!
//! How a word matches:
//! - Arabic: a word of the text is read in every way its proclitics allow, with and
//!   without the article, so the gazetteer's "بارة" finds "البارة" and "والبارة", and the
//!   lexicon's "القرى" finds "بالقرى". The first word of a phrase may carry any proclitics
//!   (و ف ب ل ك ال لل); later words only the article. A lexicon word listed with the
//!   article matches only a text word that has it, contracted or not ("التحالف" finds
//!   "للتحالف", not "تحالف"); a word listed without it matches both. Prefix words (`*`)
//!   are kept as written: stripping "ال" from "ألقى*" would make it a prefix of "قتل".
//! - A lexicon word ending in `*` matches any word that starts with it ("قصف*" matches
//!   قصفت، قصفوا، قصفها); one ending in `+` matches the word with or without a pronoun
//!   suffix ("قوات+" matches قواتها).
//! - Latin: lower-cased; the articles "al"/"el" (and "ad-", "ash-", "az-" … before a hyphen)
//!   are transparent, so "al-Bab" and "Bab" are the same phrase. A phrase may also be marked
//!   to match by consonant skeleton, so that "Khan Sheikhoun" finds "Khan Shaykhun".

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::tokens::{proclitic_splits, pronoun_suffix_split, Script, Token};

/// How the words of a phrase may vary in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhraseOptions {
    /// Also match Latin words by consonant skeleton (for transliterated names).
    pub latin_skeleton: bool,
}

/// A phrase found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    /// Index (into the caller's tokens) of the first word of the phrase.
    pub first: u32,
    /// Index after the last word.
    pub end: u32,
    /// Byte length of the proclitics on the first word (و، ب، ال …), not part of the name.
    pub clitic_len: u8,
    /// Whether the first word carried the article (ال) in the text.
    pub had_article: bool,
    /// Which phrase: the index returned by [`PhraseSetBuilder::add`].
    pub phrase: u32,
}

/// Result of adding a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// A new phrase with this index.
    New(u32),
    /// The same word sequence was added before under this index.
    Existing(u32),
    /// The phrase has no words.
    Empty,
}

/// A compiled set of phrases; see the module documentation.
#[derive(Debug, Default)]
pub struct PhraseSet {
    /// Whole-word keys: one lookup per reading of a text word finds all three kinds.
    words: FxHashMap<Box<str>, Slots>,
    prefix: FxHashMap<Box<str>, u32>,
    any_suffixed: bool,
    words_count: u32,
    /// (state, word) → state; state 0 is the root.
    edges: FxHashMap<(u32, u32), u32>,
    /// state → phrase, for states that end a phrase.
    terminal: FxHashMap<u32, u32>,
    /// Whether a state has edges going on: most phrases are one word, and the next word
    /// need not be read for them.
    has_children: Vec<bool>,
    states: u32,
    phrases: u32,
    longest_prefix: usize,
}

/// The word ids a whole-word key stands for (0: none).
#[derive(Debug, Clone, Copy, Default)]
struct Slots {
    /// The word as listed.
    exact: u32,
    /// A word listed with the article, by its stem: it matches only a word of the text that
    /// carries the article ("التحالف" matches "للتحالف" but not "تحالف").
    art: u32,
    /// A word listed with `+`: with or without a pronoun suffix.
    suffixed: u32,
    /// The word as listed is a phrase of its own, not only a word of longer ones.
    whole: bool,
}

/// Builds a [`PhraseSet`].
#[derive(Debug, Default)]
pub struct PhraseSetBuilder {
    set: PhraseSet,
    seen: HashMap<Vec<u32>, u32>,
}

const LATIN_ARTICLES: [&str; 2] = ["al", "el"];
const LATIN_HYPHEN_ARTICLES: [&str; 14] = [
    "ad", "ar", "as", "ash", "at", "az", "an", "adh", "ath", "ed", "es", "er", "et", "ez",
];

impl PhraseSetBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a folded phrase (see [`crate::fold`]). An identical word sequence added before
    /// returns [`Added::Existing`] with the earlier index, so callers can merge payloads.
    pub fn add(&mut self, folded: &str, options: PhraseOptions) -> Added {
        let words = phrase_words(folded, options.latin_skeleton);
        if words.is_empty() {
            return Added::Empty;
        }
        let mut ids = Vec::with_capacity(words.len());
        let single_word = words.len() == 1;
        for (n, w) in words.into_iter().enumerate() {
            let (kind, bare) = if let Some(p) = w.strip_suffix('*') {
                (1, p)
            } else if let Some(p) = w.strip_suffix('+') {
                (2, p)
            } else {
                (0, w)
            };
            let head = (n == 0 && !single_word && kind == 0)
                .then(|| latin_head(bare))
                .flatten();
            let key: String = if let Some(h) = head {
                // "Tal Tamr", "Tell Tamer", "Tel Tamer": one key for the head's spellings.
                format!("\u{2}{h}")
            } else if is_latin(bare) {
                // Short rough keys collide with common words; a one-word name needs a
                // longer one than the words of a longer name.
                let min = if single_word { 5 } else { 3 };
                if kind == 0 && options.latin_skeleton && skeleton(bare).chars().count() >= min {
                    format!("\u{1}{}", skeleton(bare))
                } else {
                    bare.to_string()
                }
            } else {
                bare.to_string()
            };
            if key.is_empty() {
                return Added::Empty;
            }
            let set = &mut self.set;
            let next_id = set.words_count + 1;
            let id = match kind {
                1 => {
                    set.longest_prefix = set.longest_prefix.max(key.chars().count());
                    // Every leading part is entered too (with id 0, if it is no word of its
                    // own), so a lookup can stop at the first part no word starts with.
                    for (i, c) in key.char_indices() {
                        let end = i + c.len_utf8();
                        if end < key.len() {
                            set.prefix.entry(key[..end].into()).or_insert(0);
                        }
                    }
                    let slot = set.prefix.entry(key.into_boxed_str()).or_insert(0);
                    if *slot == 0 {
                        *slot = next_id;
                    }
                    *slot
                }
                _ => {
                    let (key, slot) = match key.strip_prefix("ال") {
                        Some(stem) if kind == 0 && !is_latin(&key) && stem.chars().count() >= 2 => {
                            (stem.to_string(), 1)
                        }
                        _ => (key, if kind == 2 { 2 } else { 0 }),
                    };
                    if kind == 2 {
                        set.any_suffixed = true;
                    }
                    let slots = set.words.entry(key.into_boxed_str()).or_default();
                    if slot == 0 && single_word {
                        slots.whole = true;
                    }
                    let field = match slot {
                        0 => &mut slots.exact,
                        1 => &mut slots.art,
                        _ => &mut slots.suffixed,
                    };
                    if *field == 0 {
                        *field = next_id;
                    }
                    *field
                }
            };
            if id == next_id {
                set.words_count = next_id;
            }
            ids.push(id);
        }
        if let Some(&i) = self.seen.get(&ids) {
            return Added::Existing(i);
        }
        let set = &mut self.set;
        let mut state = 0u32;
        for &id in &ids {
            state = match set.edges.get(&(state, id)) {
                Some(&s) => s,
                None => {
                    set.states += 1;
                    set.edges.insert((state, id), set.states);
                    if set.has_children.len() <= state as usize {
                        set.has_children.resize(state as usize + 1, false);
                    }
                    set.has_children[state as usize] = true;
                    set.states
                }
            };
        }
        let index = set.phrases;
        set.phrases += 1;
        set.terminal.insert(state, index);
        self.seen.insert(ids, index);
        Added::New(index)
    }

    /// Finishes building.
    pub fn build(self) -> PhraseSet {
        self.set
    }
}

/// Splits a folded phrase into words, dropping Latin articles and punctuation. In a name
/// (`name`), an article written apart inside it ("Dayr ash Sharqi", as GeoNames writes
/// them) is dropped too: the news writes "Deir al-Sharqi".
fn phrase_words(folded: &str, name: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = folded;
    while !rest.is_empty() {
        let start = match rest.find(|c: char| is_word_char(c)) {
            Some(s) => s,
            None => break,
        };
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        let w = &rest[..end];
        rest = &rest[end..];
        let hyphen = rest.starts_with('-');
        let inside = name && !out.is_empty() && rest.starts_with(' ');
        if LATIN_ARTICLES.contains(&w) || ((hyphen || inside) && LATIN_HYPHEN_ARTICLES.contains(&w))
        {
            continue;
        }
        out.push(w);
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '*' || c == '+'
}

/// Transliterations of the first word of an Arabic place name that differ only in vowels and
/// are too short for a consonant skeleton: "Tal", "Tel" and "Tell" all write تل. Used only as
/// the first word of a longer name, so "tell" alone stays an English verb.
fn latin_head(w: &str) -> Option<&'static str> {
    Some(match w {
        "tal" | "tel" | "tell" | "til" | "tall" => "tall",
        "deir" | "dayr" | "dair" => "deir",
        "ain" | "ayn" | "ein" => "ain",
        "um" | "umm" => "umm",
        "abu" | "abou" => "abu",
        "beit" | "bayt" | "bait" | "beyt" => "beit",
        "jabal" | "jebel" | "jabel" | "jbel" => "jabal",
        "kafr" | "kfar" | "kafar" | "kefr" => "kafr",
        "maarat" | "maaret" | "maarrat" | "marat" => "maarat",
        "khirbat" | "khirbet" | "kherbet" => "khirbat",
        _ => return None,
    })
}

fn is_latin(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// Rough phonetic key of a Latin word, so that the many transliterations of one Arabic
/// name meet: every run of vowels (y included) becomes `a`, q and c read as k, doubled
/// consonants collapse. "Sheikhoun" and "Shaykhun" both give "shakhan"; "Zour" and "Zor"
/// give "zar".
pub fn skeleton(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    skeleton_into(word, &mut out);
    out
}

/// As [`skeleton`], appending to `out`.
fn skeleton_into(word: &str, out: &mut String) {
    let mut prev = '\0';
    for c in word.chars() {
        let c = match c {
            'q' | 'c' => 'k',
            'e' | 'i' | 'o' | 'u' | 'y' => 'a',
            _ => c,
        };
        if !c.is_ascii_alphanumeric() || c == prev {
            continue;
        }
        out.push(c);
        prev = c;
    }
}

/// A token's candidate words: (word id, clitic byte length, had article).
type Candidate = (u32, u8, bool);

impl PhraseSet {
    /// Number of distinct phrases.
    pub fn len(&self) -> usize {
        self.phrases as usize
    }

    /// True when no phrase was added.
    pub fn is_empty(&self) -> bool {
        self.phrases == 0
    }

    fn candidates(
        &self,
        text: &str,
        token: &Token,
        first: bool,
        out: &mut Vec<Candidate>,
        key: &mut String,
    ) {
        let w = token.text(text);
        match token.script {
            Script::Digits => {
                if let Some(sl) = self.words.get(w) {
                    if sl.exact != 0 {
                        out.push((sl.exact, 0, false));
                    }
                }
            }
            Script::Latin => {
                let mut exact = false;
                if let Some(sl) = self.words.get(w) {
                    if sl.exact != 0 {
                        out.push((sl.exact, 0, false));
                        // A word known only inside longer names ("Sheikh" of "Sheikh
                        // Maqsoud") does not hide the rough key ("Sheikh Maskin" is
                        // "Shaykh Miskin"); short words ("the", "of") always do.
                        exact = sl.whole || w.len() < 4;
                    }
                }
                // The rough key only when the word itself is no known word: "Syria" is the
                // country, not a village that sounds like it.
                key.clear();
                key.push('\u{1}');
                skeleton_into(w, key);
                if !exact && key.len() >= 4 {
                    if let Some(sl) = self.words.get(key.as_str()) {
                        if sl.exact != 0 {
                            out.push((sl.exact, 0, false));
                        }
                    }
                }
                if let Some(h) = latin_head(w).filter(|_| first) {
                    key.clear();
                    key.push('\u{2}');
                    key.push_str(h);
                    if let Some(sl) = self.words.get(key.as_str()) {
                        if sl.exact != 0 {
                            out.push((sl.exact, 0, false));
                        }
                    }
                }
                self.prefix_candidates(w, 0, false, out);
            }
            Script::Arabic => {
                for p in proclitic_splits(w).iter() {
                    let clitics = &w[..p];
                    if !(first || p == 0 || clitics == "ال") {
                        continue;
                    }
                    let had_article = clitics.ends_with("ال")
                        || (clitics.ends_with("لل") && p >= 2)
                        || (p == 0 && w.starts_with("ال"));
                    let key = &w[p..];
                    let cl = p as u8;
                    if let Some(sl) = self.words.get(key) {
                        if sl.exact != 0 {
                            out.push((sl.exact, cl, had_article));
                        }
                        if sl.art != 0 && had_article && p > 0 {
                            out.push((sl.art, cl, had_article));
                        }
                        if sl.suffixed != 0 {
                            out.push((sl.suffixed, cl, had_article));
                        }
                    }
                    if self.any_suffixed {
                        if let Some(s) = pronoun_suffix_split(key) {
                            if let Some(sl) = self.words.get(s) {
                                if sl.suffixed != 0 {
                                    out.push((sl.suffixed, cl, had_article));
                                }
                            }
                        }
                    }
                    self.prefix_candidates(key, cl, had_article, out);
                }
            }
        }
    }

    fn prefix_candidates(&self, key: &str, cl: u8, art: bool, out: &mut Vec<Candidate>) {
        if self.prefix.is_empty() {
            return;
        }
        for (n, (i, c)) in key.char_indices().enumerate() {
            if n >= self.longest_prefix {
                break;
            }
            let head = &key[..i + c.len_utf8()];
            match self.prefix.get(head) {
                None => break,
                Some(0) => {}
                Some(&id) => out.push((id, cl, art)),
            }
        }
    }

    /// Finds phrases in `text` (folded) over `tokens`, left to right, taking at each position
    /// the longest phrase that starts there and skipping the words it covers. When several
    /// phrases of that length start there, all are reported, one after another, with the
    /// same `first` and `end`.
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        self.find_into(text, tokens, &mut out);
        out
    }

    /// As [`PhraseSet::find`], appending to `out`.
    pub fn find_into(&self, text: &str, tokens: &[Token], out: &mut Vec<PhraseMatch>) {
        // Latin articles are transparent: work on the indices of the other tokens.
        let content: Vec<u32> = (0..tokens.len() as u32)
            .filter(|&i| !is_latin_article(text, &tokens[i as usize]))
            .collect();
        let mut first_cands = Vec::new();
        let mut next_cands = Vec::new();
        let mut key_buf = String::new();
        let mut best: Vec<(Candidate, u32)> = Vec::new();
        let mut i = 0;
        while i < content.len() {
            let token = &tokens[content[i] as usize];
            first_cands.clear();
            self.candidates(text, token, true, &mut first_cands, &mut key_buf);
            // Every phrase of the greatest length that starts here (ties all count: a word
            // can be an event and a place name at once).
            let mut best_end = 0usize;
            best.clear();
            for &cand in &first_cands {
                let Some(&s) = self.edges.get(&(0, cand.0)) else {
                    continue;
                };
                self.walk(
                    text,
                    tokens,
                    &content,
                    i + 1,
                    s,
                    &mut next_cands,
                    &mut key_buf,
                    &mut |end, phrase| {
                        if end > best_end {
                            best_end = end;
                            best.clear();
                        }
                        if end == best_end && !best.iter().any(|(_, p)| *p == phrase) {
                            best.push((cand, phrase));
                        }
                    },
                );
            }
            match best_end {
                0 => i += 1,
                end => {
                    for (cand, phrase) in best.drain(..) {
                        out.push(PhraseMatch {
                            first: content[i],
                            end: content[end - 1] + 1,
                            clitic_len: cand.1,
                            had_article: cand.2,
                            phrase,
                        });
                    }
                    i = end;
                }
            }
        }
    }

    /// Depth-first walk from `state` at content position `pos`; reports every phrase end.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        text: &str,
        tokens: &[Token],
        content: &[u32],
        pos: usize,
        state: u32,
        scratch: &mut Vec<Candidate>,
        key: &mut String,
        report: &mut dyn FnMut(usize, u32),
    ) {
        if let Some(&phrase) = self.terminal.get(&state) {
            report(pos, phrase);
        }
        if pos >= content.len()
            || !self
                .has_children
                .get(state as usize)
                .copied()
                .unwrap_or(false)
        {
            return;
        }
        // Phrases do not cross punctuation other than spaces and hyphens.
        for k in content[pos - 1] as usize..content[pos] as usize {
            let gap = &text[tokens[k].end as usize..tokens[k + 1].start as usize];
            if !gap.chars().all(|c| c == ' ' || c == '-') {
                return;
            }
        }
        let mark = scratch.len();
        self.candidates(text, &tokens[content[pos] as usize], false, scratch, key);
        let end = scratch.len();
        for k in mark..end {
            let cand = scratch[k];
            if let Some(&s) = self.edges.get(&(state, cand.0)) {
                self.walk(text, tokens, content, pos + 1, s, scratch, key, report);
            }
        }
        scratch.truncate(mark);
    }
}

fn is_latin_article(text: &str, t: &Token) -> bool {
    if t.script != Script::Latin {
        return false;
    }
    let w = t.text(text);
    if LATIN_ARTICLES.contains(&w) {
        return true;
    }
    LATIN_HYPHEN_ARTICLES.contains(&w) && text[t.end as usize..].starts_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{fold, tokenize};

    fn set(phrases: &[&str], skeleton: bool) -> PhraseSet {
        let mut b = PhraseSetBuilder::new();
        for p in phrases {
            b.add(
                &fold(p),
                PhraseOptions {
                    latin_skeleton: skeleton,
                },
            );
        }
        b.build()
    }

    fn found(set: &PhraseSet, text: &str) -> Vec<(u32, String)> {
        let t = fold(text);
        let toks = tokenize(&t);
        set.find(&t, &toks)
            .into_iter()
            .map(|m| {
                let s = toks[m.first as usize].start as usize + m.clitic_len as usize;
                let e = toks[m.end as usize - 1].end as usize;
                (m.phrase, t[s..e].to_string())
            })
            .collect()
    }

    #[test]
    fn clitics_on_the_first_word_and_article_on_later_words() {
        let s = set(&["قصف*", "قوات النظام", "ريف", "البارة"], false);
        let got = found(&s, "وبقصف لقوات النظام على والبارة بريف إدلب");
        assert_eq!(
            got,
            vec![
                (0, "قصف".to_string()),
                (1, "قوات النظام".to_string()),
                (3, "باره".to_string()),
                (2, "ريف".to_string()),
            ]
        );
    }

    #[test]
    fn a_word_listed_with_the_article_needs_it_in_the_text() {
        let s = set(&["التحالف", "قوات"], false);
        assert_eq!(found(&s, "قصف للتحالف")[0].0, 0);
        assert_eq!(found(&s, "والتحالف")[0].0, 0);
        assert!(found(&s, "تحالف فصائل").is_empty());
        // A word listed without it matches with or without.
        assert_eq!(found(&s, "القوات")[0].0, 1);
    }

    #[test]
    fn longest_phrase_wins() {
        let s = set(&["اطلاق النار", "وقف اطلاق النار", "حلب", "ريف حلب"], false);
        let got = found(&s, "خرق وقف إطلاق النار في ريف حلب");
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![1, 3]);
    }

    #[test]
    fn suffix_and_prefix_words() {
        let s = set(&["قوات+", "استهدف*"], false);
        let got = found(&s, "قواتها واستهدفتها");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn latin_articles_are_transparent_and_skeletons_match() {
        let s = set(&["Khan Shaykhun", "al-Bab", "Deir ez-Zor"], true);
        assert_eq!(found(&s, "strikes on Khan Sheikhoun")[0].0, 0);
        assert_eq!(found(&s, "near Bab city")[0].0, 1);
        assert_eq!(found(&s, "in Deir al-Zour province")[0].0, 2);
        assert_eq!(skeleton("sheikhoun"), skeleton("shaykhun"));
        assert_eq!(skeleton("darayya"), skeleton("daraya"));
        // A word known only inside a longer name still finds other names by its rough key.
        let s = set(
            &["Sheikh Maqsoud", "Shaykh Miskin", "Dayr ash Sharqi"],
            true,
        );
        assert_eq!(found(&s, "in Sheikh Maskin")[0].0, 1);
        assert_eq!(found(&s, "in Deir al-Sharqi")[0].0, 2);
    }

    #[test]
    fn phrases_do_not_cross_punctuation() {
        let s = set(&["قوات النظام"], false);
        assert!(found(&s, "قوات، النظام").is_empty());
    }

    #[test]
    fn a_place_is_not_found_inside_a_longer_word() {
        // حلبون is a village near Damascus, not Aleppo.
        let s = set(&["حلب"], false);
        assert!(found(&s, "بلدة حلبون").is_empty());
    }
}
