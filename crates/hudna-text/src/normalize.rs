//! Folding text to one spelling for matching, while remembering where each folded character
//! came from.
//!
//! Arabic news spells the same word many ways: with or without hamza on the alef, with ة or ه,
//! with ى or ي, with diacritics, tatweel, presentation forms copied from old PDFs, Eastern
//! Arabic digits, and invisible bidi or zero-width characters pasted in by content systems.
//! Lexicons and the gazetteer are folded the same way, so one entry matches every spelling.
//!
//! Evidence must point at the *original* text, so [`Normalized`] keeps, for each byte of the
//! folded text, the byte offset of the original character it came from.

use unicode_normalization::char::{decompose_canonical, decompose_compatible};

/// Text folded for matching, with a map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// `origin[i]` = byte offset in the original of the character that produced byte `i` of
    /// `text`; one extra entry at the end holds the original length.
    origin: Vec<u32>,
}

impl Normalized {
    /// Folds `original` (see the module documentation for the rules).
    pub fn new(original: &str) -> Normalized {
        let mut n = Normalized {
            text: String::with_capacity(original.len()),
            origin: Vec::with_capacity(original.len() + 1),
        };
        let mut chars = original.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            // Fast path: plain ASCII letters, digits and spaces, and plain Arabic letters,
            // which fold to themselves (or to a lower-case letter).
            let u = c as u32;
            if u < 0x80 && c != '\'' && c != '`' && c != '\t' && c != '\r' {
                n.text.push(c.to_ascii_lowercase());
                n.origin.push(at as u32);
                continue;
            }
            if matches!(u, 0x0621 | 0x0627 | 0x0628 | 0x062A..=0x063A | 0x0641..=0x0648 | 0x064A) {
                n.text.push(c);
                n.origin.push(at as u32);
                n.origin.push(at as u32);
                continue;
            }
            // English possessive "'s" carries nothing for matching: "Syria's" reads "syria".
            if is_apostrophe(c) {
                if let Some(&(_, s)) = chars.peek() {
                    if s == 's' || s == 'S' {
                        let after = original[at..].chars().nth(2);
                        if !after.is_some_and(char::is_alphanumeric) {
                            chars.next();
                            continue;
                        }
                    }
                }
            }
            n.push_folded(c, at as u32);
        }
        n.origin.push(original.len() as u32);
        n
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Original byte offset of the character that produced folded byte `i`. `i` may equal
    /// the folded length, which maps to the original length.
    pub fn origin(&self, i: usize) -> usize {
        self.origin[i.min(self.origin.len() - 1)] as usize
    }

    /// The original byte range `[start, end)` covered by the folded range `[start, end)`.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.origin(start);
        let e = if end == 0 {
            s
        } else if end >= self.text.len() {
            *self.origin.last().unwrap_or(&0) as usize
        } else {
            // The end is the start of the character after the last folded one, unless that
            // character came from the same original character (a ligature).
            let last = self.origin(end - 1);
            let next = self.origin(end);
            if next > last {
                next
            } else {
                // Ligature split in the middle: include the whole original character.
                let mut i = end;
                while i < self.text.len() && self.origin(i) == last {
                    i += 1;
                }
                self.origin(i)
            }
        };
        (s, e.max(s))
    }

    fn push(&mut self, c: char, at: u32) {
        let before = self.text.len();
        self.text.push(c);
        for _ in before..self.text.len() {
            self.origin.push(at);
        }
    }

    fn push_folded(&mut self, c: char, at: u32) {
        match fold_char(c) {
            Fold::Drop => {}
            Fold::Keep => self.push(c, at),
            Fold::To(d) => self.push(d, at),
            Fold::Lower => {
                for l in c.to_lowercase() {
                    self.push(l, at);
                }
            }
            Fold::Compat => {
                let mut parts = Vec::with_capacity(4);
                decompose_compatible(c, |d| parts.push(d));
                for d in parts {
                    match fold_char(d) {
                        Fold::Drop => {}
                        Fold::Keep | Fold::Compat | Fold::Latin => self.push(d, at),
                        Fold::To(e) => self.push(e, at),
                        Fold::Lower => {
                            for l in d.to_lowercase() {
                                self.push(l, at);
                            }
                        }
                    }
                }
            }
            Fold::Latin => {
                let mut parts = Vec::with_capacity(4);
                decompose_canonical(c, |d| parts.push(d));
                for d in parts {
                    if !is_combining_mark(d) {
                        for l in d.to_lowercase() {
                            self.push(l, at);
                        }
                    }
                }
            }
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '`' | '‘' | '’' | 'ʼ' | '′')
}

enum Fold {
    Drop,
    Keep,
    To(char),
    Lower,
    Compat,
    Latin,
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// True for the Arabic short vowels, shadda, sukun, dagger alef and Quranic marks.
pub fn is_arabic_diacritic(c: char) -> bool {
    matches!(c as u32, 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED)
}

/// Invisible characters that content systems scatter through text.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD | 0x061C | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFEFF
    )
}

fn fold_char(c: char) -> Fold {
    let u = c as u32;
    if u < 0x80 {
        return match c {
            'A'..='Z' => Fold::To(c.to_ascii_lowercase()),
            '\'' | '`' => Fold::Drop,
            '\t' | '\r' => Fold::To(' '),
            _ => Fold::Keep,
        };
    }
    if is_arabic_diacritic(c) || is_invisible(c) {
        return Fold::Drop;
    }
    match c {
        '\u{0640}' => Fold::Drop,                                         // tatweel
        'أ' | 'إ' | 'آ' | 'ٱ' | '\u{0672}' | '\u{0673}' => Fold::To('ا'), // alef forms
        'ى' | 'ی' | 'ې' => Fold::To('ي'),
        'ة' => Fold::To('ه'),
        'ۀ' | 'ە' | 'ہ' => Fold::To('ه'),
        'ؤ' => Fold::To('و'),
        'ئ' => Fold::To('ي'),
        'ک' => Fold::To('ك'),
        'گ' => Fold::To('ك'),
        'پ' => Fold::To('ب'),
        'چ' => Fold::To('ج'),
        'ڤ' => Fold::To('ف'),
        '٠'..='٩' => Fold::To(char::from(b'0' + (u - 0x0660) as u8)),
        '۰'..='۹' => Fold::To(char::from(b'0' + (u - 0x06F0) as u8)),
        '،' | '٬' => Fold::To(','),
        '؛' => Fold::To(';'),
        '؟' => Fold::To('?'),
        '٪' => Fold::To('%'),
        '٫' => Fold::To('.'),
        '۔' => Fold::To('.'),
        '“' | '”' | '«' | '»' | '„' | '″' => Fold::To('"'),
        '‘' | '’' | 'ʿ' | 'ʾ' | 'ʼ' | '′' | 'ʻ' => Fold::Drop,
        '–' | '—' | '‐' | '‑' | '−' => Fold::To('-'),
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
            Fold::To(' ')
        }
        '\u{2028}' | '\u{2029}' | '\u{0085}' => Fold::To('\n'),
        '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}' => Fold::Compat,
        _ if ('\u{00C0}'..='\u{024F}').contains(&c) || ('\u{1E00}'..='\u{1EFF}').contains(&c) => {
            Fold::Latin
        }
        // Only alphabets with case (Latin, Greek, Cyrillic …) need lowering.
        _ if u < 0x0530 && c.is_uppercase() => Fold::Lower,
        _ => Fold::Keep,
    }
}

/// Folds a short string (a lexicon entry, a gazetteer name) without keeping the map.
pub fn fold(s: &str) -> String {
    Normalized::new(s).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamza_alef_forms_maqsura_and_ta_marbuta_fold() {
        assert_eq!(fold("إدلب"), "ادلب");
        assert_eq!(fold("أريحا"), "اريحا");
        assert_eq!(fold("آذار"), "اذار");
        assert_eq!(fold("حماة"), "حماه");
        assert_eq!(fold("مستشفى"), "مستشفي");
        assert_eq!(fold("مسؤول"), "مسوول");
        assert_eq!(fold("رئيس"), "رييس");
    }

    #[test]
    fn diacritics_tatweel_and_invisibles_vanish() {
        assert_eq!(fold("مَعَرَّةُ النُّعْمَانِ"), "معره النعمان");
        assert_eq!(fold("قـــصـف"), "قصف");
        assert_eq!(fold("حل\u{200f}ب\u{200b}"), "حلب");
        assert_eq!(fold("\u{2067}دمشق\u{2069}"), "دمشق");
    }

    #[test]
    fn digits_and_punctuation_become_ascii() {
        assert_eq!(fold("٢٠١٦"), "2016");
        assert_eq!(fold("۱۲"), "12");
        assert_eq!(fold("قصف، ثم؟"), "قصف, ثم?");
        assert_eq!(fold("«حلب»"), "\"حلب\"");
    }

    #[test]
    fn presentation_forms_are_decomposed() {
        // ﻗﺼﻒ is قصف in presentation forms; ﻻ is the lam-alef ligature.
        assert_eq!(fold("ﻗﺼﻒ"), "قصف");
        assert_eq!(fold("ﻻ"), "لا");
    }

    #[test]
    fn latin_is_lowercased_and_stripped_of_marks() {
        assert_eq!(fold("Maʿarrat al-Nuʿmān"), "maarrat al-numan");
        assert_eq!(fold("Dar'a"), "dara");
        assert_eq!(fold("Ḩamāh"), "hamah");
        assert_eq!(fold("Syria's army"), "syria army");
        assert_eq!(fold("Syria’s"), "syria");
    }

    #[test]
    fn offsets_point_into_the_original() {
        let original = "قصفَ «إدلبَ»";
        let n = Normalized::new(original);
        let folded = n.as_str();
        let start = folded.find("ادلب").unwrap();
        let end = start + "ادلب".len();
        let (s, e) = n.original_range(start, end);
        // The range covers the original word including its trailing diacritic's base letter.
        assert!(original[s..e].starts_with("إدلب"), "{}", &original[s..e]);
        assert_eq!(n.origin(folded.len()), original.len());
    }

    #[test]
    fn ligature_ranges_cover_the_whole_original_character() {
        let original = "ﻻ بأس";
        let n = Normalized::new(original);
        let (s, e) = n.original_range(0, 1);
        assert_eq!(&original[s..e], "ﻻ");
    }
}
