//! Text handling for Arabic and English news: folding for matching, tokens, clitics,
//! sentences.
//!
//! The extractor never matches on raw text. It folds the text once ([`Normalized`]), keeps
//! the map back to the original for evidence spans, splits it into [`sentences`] and
//! [`tokenize`]s each, and reads each Arabic token in every way clitics allow
//! ([`proclitic_splits`]). Lexicons and gazetteer names go through the same [`fold`], so both
//! sides agree on spelling.

mod normalize;
mod phrases;
mod tokens;

pub use normalize::{fold, is_arabic_diacritic, is_invisible, Normalized};
pub use phrases::{skeleton, Added, PhraseMatch, PhraseOptions, PhraseSet, PhraseSetBuilder};
pub use tokens::{
    proclitic_splits, pronoun_suffix_split, script_of, sentences, tokenize, tokenize_into, Script,
    Splits, Token,
};
