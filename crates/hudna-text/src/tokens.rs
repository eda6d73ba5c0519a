//! Words, clitics and sentences over folded text.
//!
//! Arabic writes conjunctions, prepositions and the article as part of the next word:
//! "وبقصف" is و + ب + قصف, "للقوات" is ل + ال + قوات. A lexicon cannot list every such form,
//! so the matcher asks [`proclitic_splits`] for every way a word can be read as clitics plus a
//! stem and looks each stem up. Pronoun suffixes ("قصفها", "قواته") are offered the same way
//! by [`pronoun_suffix_split`].

use std::ops::Range;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Arabic letters.
    Arabic,
    /// Latin letters (English, transliterations).
    Latin,
    /// ASCII digits.
    Digits,
}

/// A word or number in folded text, by byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset after the last byte.
    pub end: u32,
    /// Letters or digits.
    pub script: Script,
}

impl Token {
    /// The byte range of the token.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The token's text within `text`.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.range()]
    }
}

/// The script of a letter or digit (`None` for punctuation, spaces and other marks): one
/// classification for tokens and for whatever else needs to tell Arabic from Latin.
pub fn script_of(c: char) -> Option<Script> {
    if c.is_ascii() {
        return if c.is_ascii_digit() {
            Some(Script::Digits)
        } else if c.is_ascii_alphabetic() {
            Some(Script::Latin)
        } else {
            None
        };
    }
    let u = c as u32;
    if (0x0620..=0x064A).contains(&u)
        || (0x066E..=0x06D3).contains(&u)
        || (0x06FA..=0x06FF).contains(&u)
        || (0x0750..=0x077F).contains(&u)
        || u == 0x0621
    {
        return Some(Script::Arabic);
    }
    if c.is_alphabetic() {
        return Some(Script::Latin);
    }
    None
}

/// Splits folded text into tokens: maximal runs of Arabic letters, Latin letters or digits.
/// Everything else (spaces, punctuation, hyphens) separates tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    tokenize_into(text, &mut out);
    out
}

/// As [`tokenize`], appending to a reused vector.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let mut current: Option<(usize, Script)> = None;
    for (i, c) in text.char_indices() {
        let s = script_of(c);
        match (current, s) {
            (Some((_, cur)), Some(s)) if cur == s => {}
            (Some((start, cur)), _) => {
                out.push(Token {
                    start: start as u32,
                    end: i as u32,
                    script: cur,
                });
                current = s.map(|s| (i, s));
            }
            (None, Some(s)) => current = Some((i, s)),
            (None, None) => {}
        }
    }
    if let Some((start, cur)) = current {
        out.push(Token {
            start: start as u32,
            end: text.len() as u32,
            script: cur,
        });
    }
}

const WAW: &str = "و";
const FA: &str = "ف";
const BA: &str = "ب";
const LAM: &str = "ل";
const KAF: &str = "ك";
const AL: &str = "ال";

/// The ways a folded Arabic word can be read as proclitics + stem, as byte lengths of the
/// proclitic part, the unsplit reading (0) first. At most eight readings.
///
/// Proclitics, in order: a conjunction (و ف), a preposition (ب ل ك), the article (ال, which
/// after ل contracts to لل). A stem keeps at least three letters, or two after the article.
pub fn proclitic_splits(word: &str) -> Splits {
    let mut out = Splits::default();
    out.push(0);
    // Arabic letters are two bytes each in UTF-8, so counting bytes counts letters.
    let letters = |from: usize| (word.len() - from) / 2;
    if letters(0) < 3 || word.len() > 255 {
        return out;
    }
    let mut heads = [0usize, usize::MAX];
    if word.starts_with(WAW) || word.starts_with(FA) {
        heads[1] = 2;
    }
    for &h in heads.iter().filter(|h| **h != usize::MAX) {
        let rest = &word[h..];
        let mut preps = [h, usize::MAX];
        let mut prep_is_lam = false;
        if rest.starts_with(BA) || rest.starts_with(LAM) || rest.starts_with(KAF) {
            preps[1] = h + 2;
            prep_is_lam = rest.starts_with(LAM);
        }
        for (k, &p) in preps.iter().enumerate() {
            if p == usize::MAX {
                continue;
            }
            if p != 0 && letters(p) >= 3 {
                out.push(p);
            }
            let r = &word[p..];
            if r.starts_with(AL) && letters(p + 4) >= 2 {
                out.push(p + 4);
            } else if k == 1 && prep_is_lam && r.starts_with(LAM) && letters(p + 2) >= 2 {
                // ل + ال contracts to لل: "للقوات" reads ل + (ا)ل + قوات.
                out.push(p + 2);
            }
        }
    }
    out
}

/// Readings of a word as proclitics + stem; see [`proclitic_splits`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Splits {
    lens: [u8; 8],
    n: u8,
}

impl Splits {
    fn push(&mut self, len: usize) {
        let len = len as u8;
        if (self.n as usize) < self.lens.len() && !self.lens[..self.n as usize].contains(&len) {
            self.lens[self.n as usize] = len;
            self.n += 1;
        }
    }

    /// Byte lengths of the proclitic part, unsplit first.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.lens[..self.n as usize].iter().map(|&l| l as usize)
    }

    /// Number of readings.
    pub fn len(&self) -> usize {
        self.n as usize
    }

    /// Always false: the unsplit reading is always present.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
}

/// Pronoun suffixes, longest first.
const PRONOUN_SUFFIXES: [&str; 7] = ["هما", "هم", "هن", "ها", "كم", "نا", "ه"];

/// The stem without a pronoun suffix ("قصفها" → "قصف"), if it has one and keeps three letters.
pub fn pronoun_suffix_split(stem: &str) -> Option<&str> {
    for suf in PRONOUN_SUFFIXES {
        if let Some(s) = stem.strip_suffix(suf) {
            if s.chars().count() >= 3 {
                return Some(s);
            }
        }
    }
    None
}

/// Sentence ranges (byte offsets) of folded text.
///
/// A sentence ends at a line break, at `!`, `?`, `;`, or at a full stop that is not inside a
/// number ("2.5") or after a single-letter initial ("u.s."). News texts rarely need more.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let end_here = match b {
            b'\n' | b'!' | b'?' | b';' => true,
            b'.' => {
                let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
                let next_digit = bytes.get(i + 1).is_some_and(|c| c.is_ascii_digit());
                let initial = i >= 1
                    && bytes[i - 1].is_ascii_alphabetic()
                    && (i == 1 || !bytes[i - 2].is_ascii_alphabetic());
                !(initial || prev_digit && next_digit)
            }
            _ => false,
        };
        if end_here {
            push_trimmed(text, start, i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Range<usize>>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(start + lead..end - trail);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold;

    fn stems(word: &str) -> Vec<String> {
        let w = fold(word);
        proclitic_splits(&w)
            .iter()
            .map(|p| w[p..].to_string())
            .collect()
    }

    #[test]
    fn conjunction_and_preposition_come_off() {
        assert!(stems("وبقصف").contains(&"قصف".to_string()));
        assert!(stems("بريف").contains(&"ريف".to_string()));
        assert!(stems("لقوات").contains(&"قوات".to_string()));
        assert!(stems("فقصفت").contains(&"قصفت".to_string()));
        assert!(stems("كالعادة").contains(&"عاده".to_string()));
    }

    #[test]
    fn article_and_its_contraction_come_off() {
        assert!(stems("والبارة").contains(&"باره".to_string()));
        assert!(stems("بالرقة").contains(&"رقه".to_string()));
        assert!(stems("للقوات").contains(&"قوات".to_string()));
        assert!(stems("وللنظام").contains(&"نظام".to_string()));
    }

    #[test]
    fn the_unsplit_reading_comes_first_and_short_stems_are_kept_whole() {
        assert_eq!(stems("وادي")[0], "وادي");
        // "بنش" (Binnish) must not lose its first letter to a preposition reading.
        assert_eq!(stems("بنش"), vec!["بنش"]);
        assert_eq!(stems("في"), vec!["في"]);
    }

    #[test]
    fn pronoun_suffixes_come_off() {
        assert_eq!(pronoun_suffix_split(&fold("قصفها")), Some("قصف"));
        assert_eq!(pronoun_suffix_split(&fold("قواتهم")), Some("قوات"));
        assert_eq!(pronoun_suffix_split("ها"), None);
    }

    #[test]
    fn tokens_split_scripts_and_punctuation() {
        let t = fold("قتل 15 مدنياً في al-Bab، أمس");
        let words: Vec<&str> = tokenize(&t).iter().map(|k| k.text(&t)).collect();
        assert_eq!(words, ["قتل", "15", "مدنيا", "في", "al", "bab", "امس"]);
    }

    #[test]
    fn sentences_end_at_stops_but_not_inside_numbers_or_initials() {
        let t = fold("قصف على حلب. قتل 2.5 ألف؟ The U.S. army struck.\nNext line");
        let s: Vec<&str> = sentences(&t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            [
                "قصف علي حلب.",
                "قتل 2.5 الف?",
                "the u.s. army struck.",
                "next line"
            ]
        );
    }
}
