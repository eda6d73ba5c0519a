//! Content keys and near-duplicate signatures of article texts.
//!
//! Two copies of a text are the *same article* when their folded, space-collapsed texts are
//! equal ([`content_hash`]). An agency story republished with small edits is a *syndicated
//! copy*: MinHash over word 2-shingles estimates the Jaccard similarity of two texts, and
//! locality-sensitive hashing (32 bands of 4 values) finds the candidates without comparing
//! every pair.
//!
//! Every hash here is specified in this file (SHA-256, FNV-1a, SplitMix64), never Rust's
//! `DefaultHasher`, whose output may change between releases: signatures are stored, and a
//! new build must read the old record the same way.

use sha2::{Digest, Sha256};

/// Number of MinHash values per signature.
pub const HASHES: usize = 128;
/// LSH bands.
pub const BANDS: usize = 32;
/// Values per band.
pub const ROWS: usize = HASHES / BANDS;
/// Estimated Jaccard similarity from which two texts are copies of one story. Rewrites of
/// one event by different outlets stay far below (typically under 0.2); an agency text with
/// a changed lead or an added paragraph stays above.
pub const THRESHOLD: f64 = 0.5;

/// The text as it is compared: folded (one spelling for every Arabic letter form, digits,
/// case) with runs of white space reduced to one space.
pub fn normalise(text: &str) -> String {
    let folded = hudna_text::fold(text);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// SHA-256 of the normalised text.
pub fn content_hash(normalised: &str) -> [u8; 32] {
    let digest = Sha256::digest(normalised.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest);
    out
}

/// The article id of a content hash: its first 8 bytes, big-endian, as a non-negative i64.
pub fn article_id(hash: &[u8; 32]) -> i64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&hash[..8]);
    (u64::from_be_bytes(b) >> 1) as i64
}

/// A stable 63-bit id for anything named by a string (mentions, spots, structured rows).
pub fn stable_id(parts: &[&[u8]]) -> i64 {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(b) >> 1) as i64
}

/// FNV-1a, 64 bits.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64's finaliser: a fast, well-mixed bijection on 64 bits.
pub fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '\u{0621}'..='\u{064A}' => true,
        c if c.is_ascii() => false,
        c => c.is_alphanumeric(),
    }
}

/// The words of a normalised text (letters and digits; punctuation separates).
fn words(normalised: &str) -> impl Iterator<Item = &str> {
    normalised
        .split(|c: char| !is_word_char(c))
        .filter(|w| !w.is_empty())
}

/// Multipliers and offsets of the [`HASHES`] hash functions `h_i(x) = (a_i·x + b_i) >> 32`
/// (multiply-shift hashing; `a_i` odd), drawn once from SplitMix64 so they never change.
fn hash_params() -> &'static [(u64, u64); HASHES] {
    static PARAMS: std::sync::OnceLock<[(u64, u64); HASHES]> = std::sync::OnceLock::new();
    PARAMS.get_or_init(|| {
        let mut p = [(0u64, 0u64); HASHES];
        for (i, slot) in p.iter_mut().enumerate() {
            *slot = (splitmix(2 * i as u64) | 1, splitmix(2 * i as u64 + 1));
        }
        p
    })
}

/// MinHash signature over word 2-shingles (single words for one-word texts).
pub fn signature(normalised: &str) -> Vec<u32> {
    let params = hash_params();
    let mut sig = vec![u32::MAX; HASHES];
    let mut feed = |shingle: u64| {
        let x = splitmix(shingle);
        for (slot, (a, b)) in sig.iter_mut().zip(params.iter()) {
            let v = (a.wrapping_mul(x).wrapping_add(*b) >> 32) as u32;
            if v < *slot {
                *slot = v;
            }
        }
    };
    let mut previous: Option<u64> = None;
    let mut count = 0usize;
    for w in words(normalised) {
        let h = fnv1a(w.as_bytes());
        if let Some(p) = previous {
            feed(p ^ h.rotate_left(17));
        }
        previous = Some(h);
        count += 1;
    }
    if count == 1 {
        if let Some(p) = previous {
            feed(p);
        }
    }
    sig
}

/// The LSH bucket keys of a signature, one per band (the band number is part of the key).
pub fn band_keys(sig: &[u32]) -> Vec<i64> {
    sig.chunks(ROWS)
        .enumerate()
        .map(|(band, values)| {
            let mut bytes = Vec::with_capacity(4 + 4 * ROWS);
            bytes.extend_from_slice(&(band as u32).to_le_bytes());
            for v in values {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            (splitmix(fnv1a(&bytes)) >> 1) as i64
        })
        .collect()
}

/// Estimated Jaccard similarity: the share of equal MinHash values.
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "قصفت قوات النظام بلدة كفرنبل بريف إدلب الجنوبي صباح اليوم بعشرات \
        القذائف المدفعية، ما أدى إلى مقتل مدنيين اثنين وإصابة خمسة آخرين بجروح، وفق ما \
        أفاد به مراسلون محليون ومصادر في الدفاع المدني.";

    #[test]
    fn spelling_and_spacing_do_not_change_the_key() {
        let a = content_hash(&normalise("قصفت  قوات\nالنظام إدلب"));
        let b = content_hash(&normalise("قصفت قوات النظام ادلب"));
        assert_eq!(a, b);
        assert_ne!(a, content_hash(&normalise("قصفت قوات النظام حلب")));
        assert!(article_id(&a) >= 0);
    }

    #[test]
    fn hashes_are_fixed_forever() {
        // Stored ids and signatures depend on these values: they must never change.
        assert_eq!(fnv1a(b"hudna"), 0x88ee_91c2_2f7d_6e7b);
        assert_eq!(splitmix(0), 0xe220_a839_7b1d_cdaf);
        let sig = signature(&normalise("one two three"));
        assert_eq!(sig.len(), HASHES);
        assert_eq!(signature(&normalise("one two three")), sig);
    }

    #[test]
    fn an_edited_copy_is_similar_and_another_story_is_not() {
        let a = signature(&normalise(STORY));
        let edited = STORY.replace("صباح اليوم", "صباح الأحد") + " (وكالة الأنباء)";
        let b = signature(&normalise(&edited));
        let other = signature(&normalise(
            "استهدفت طائرات حربية روسية سوقاً شعبياً في مدينة معرة النعمان، وقال الدفاع \
             المدني إن الغارات أسفرت عن سقوط عدد من الضحايا بين المدنيين وتدمير محال تجارية.",
        ));
        assert!(similarity(&a, &b) >= THRESHOLD, "{}", similarity(&a, &b));
        assert!(similarity(&a, &other) < 0.2, "{}", similarity(&a, &other));
        let shared = band_keys(&a)
            .iter()
            .zip(band_keys(&b))
            .filter(|(x, y)| **x == *y)
            .count();
        assert!(shared > 0, "copies share an LSH bucket");
    }
}
