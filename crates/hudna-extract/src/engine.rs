//! The reading of one article: sentences into event frames, frames into incidents.
//!
//! The extractor works in three passes over an article:
//!
//! 1. **Cut.** Page furniture is dropped: everything after a "related articles" header and
//!    every "read also" line.
//! 2. **Frames.** Each sentence is scanned once with the combined phrase matcher. Every event
//!    word opens a *frame* that reaches to the next event word; a frame collects the places,
//!    actors, weapons, targets, tolls and day words around it. A frame without a place of its
//!    own borrows one from its sentence or from "the town"/"the city" it refers back to; a
//!    frame without an actor inherits one from an earlier frame of the same type.
//! 3. **Incidents.** Namesake places are resolved with the governorates and places the whole
//!    article names; then frames become one incident per type × place × day × perpetrator,
//!    and repeated reports of one event inside the article merge (ACLED's rule).
//!
//! Long articles are read in windows of whole lines, so memory stays bounded whatever the
//! size of the text.

use chrono::NaiveDate;
use hudna_core::{Article, GeoPrecision, Incident, IncidentType, Target};
use hudna_gazetteer::{Context, PlaceId, PlaceKind};
use hudna_text::{fold, sentences, tokenize_into, Normalized, PhraseMatch, Script, Token};
use rustc_hash::FxHashMap;

use crate::dates::DayKey;
use crate::lexicon::{
    ActorId, ActorKind, CasualtyCount, CasualtyKind, DateCue, Disc, EventClass, Lexicon, Means,
    NumberKind, Role, TargetCue,
};
use crate::numbers::{casualty_kind, NumberReader, Toll, TollKind};

/// Largest piece of text (bytes) folded and scanned at once.
const WINDOW: usize = 64 * 1024;

/// Most evidence spans kept for one incident: enough to check it, bounded for a text that
/// repeats itself.
const MAX_EVIDENCE: usize = 16;

/// From this population up a town is a city whose centroid is no point: its incidents get
/// district precision, so that a finding near a boundary and a merge of reports blaming
/// opposing sides do not rest on a point that stands for a whole city.
/// A town this populous keeps its own governorate even where the sentence names another
/// beside it: the gazetteer's namesakes of such towns are small villages.
const SIZEABLE_TOWN: u32 = 20_000;

const CITY_POPULATION: u32 = 150_000;

/// A phrase match or a number, in the folded text of one window.
#[derive(Debug, Clone, Copy)]
struct Item<'l> {
    first: u32,
    end: u32,
    /// Folded byte range of the phrase without its proclitics.
    start: u32,
    stop: u32,
    clitic: u8,
    article: bool,
    /// Roles of every phrase of this span (a word can be an event word and a place name).
    parts: [&'l [Role]; 3],
    digits: Option<u32>,
}

impl<'l> Item<'l> {
    /// Actor roles, where a phrase listed both with and without the article ("المسلحين",
    /// "مسلحين") keeps only the listing that agrees with the text.
    fn actor_roles(&self) -> impl Iterator<Item = (u16, ActorKind, bool)> + '_ {
        let (mut with_article, mut without) = (false, false);
        for r in self.roles() {
            if let Role::Actor { article, .. } = r {
                with_article |= *article;
                without |= !*article;
            }
        }
        let twin = with_article && without;
        self.roles().filter_map(move |r| match *r {
            Role::Actor { set, kind, article } if !twin || article == self.article => {
                Some((set, kind, article))
            }
            _ => None,
        })
    }
    fn roles(&self) -> impl Iterator<Item = &'l Role> + '_ {
        self.parts.iter().flat_map(|p| p.iter())
    }
    fn has(&self, f: impl Fn(&Role) -> bool) -> bool {
        self.roles().any(f)
    }
    fn disc(&self, d: Disc) -> bool {
        self.has(|r| *r == Role::Disc(d))
    }
    fn event(&self) -> Option<(EventClass, bool, bool)> {
        self.roles().find_map(|r| match r {
            Role::Event { class, noun, weak } => Some((*class, *noun, *weak)),
            _ => None,
        })
    }
    fn means(&self) -> Option<Means> {
        self.roles().find_map(|r| match r {
            Role::Weapon(m) => Some(*m),
            _ => None,
        })
    }
    /// Places this name may stand for, over every phrase of the span.
    fn place_candidates(&self, lex: &Lexicon) -> Vec<PlaceId> {
        let mut out: Vec<PlaceId> = Vec::new();
        for r in self.roles() {
            if let Role::Place(g) = r {
                for &p in &lex.place_groups[*g as usize] {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                }
            }
        }
        out
    }
    fn place_group(&self) -> Option<u32> {
        self.roles().find_map(|r| match r {
            Role::Place(g) => Some(*g),
            _ => None,
        })
    }
    fn target(&self) -> Option<TargetCue> {
        self.roles().find_map(|r| match r {
            Role::Target(t) => Some(*t),
            _ => None,
        })
    }
    fn date(&self) -> Option<DateCue> {
        self.roles().find_map(|r| match r {
            Role::Date { cue, article } if !*article || self.article || self.clitic == 0 => {
                Some(*cue)
            }
            _ => None,
        })
    }
    fn is_number(&self) -> bool {
        self.digits.is_some() || self.has(|r| matches!(r, Role::Number { .. }))
    }
    /// Whether the item is also a word of the lexicons (an event, an actor, a number …),
    /// not only a place name; a target word ("مطار") may name a place too.
    fn is_word(&self) -> bool {
        self.roles()
            .any(|r| !matches!(r, Role::Place(_) | Role::Target(_)))
    }
}

/// A place mention shared between the frames of a sentence (cloning is a count).
type PlaceRef = std::rc::Rc<PlaceMention>;

/// How a place relates to the event of its frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlaceRole {
    /// Where the event happened.
    Head,
    /// Roughly where: "near", "around".
    Vicinity,
    /// Contains the event's place ("ريف X", "east of X").
    Container,
    /// Where fire came from.
    Origin,
}

/// A place named in a frame.
#[derive(Debug, Clone)]
struct PlaceMention {
    /// Candidates in the gazetteer, or none for a name read from context.
    group: Option<std::rc::Rc<[PlaceId]>>,
    /// Name as written (original text, proclitics other than the article dropped).
    name: String,
    /// Folded name without the article, for keys.
    key: String,
    role: PlaceRole,
    /// "ريف X": the countryside of X.
    rural: bool,
    /// "شرق X", "southern X": a part of X, said by direction.
    direction: bool,
    /// Token index in the window, for ordering and for tying tolls to places.
    at: u32,
    /// Token index after the name.
    end: u32,
    /// Governorates named by containers of this place.
    hint: Vec<hudna_gazetteer::Admin1Id>,
    /// A place word said what kind of place it is ("حي", "مخيم").
    kind_hint: Option<PlaceKind>,
}

/// One event read from one sentence.
#[derive(Debug, Clone)]
struct Frame {
    kind: IncidentType,
    actor: Option<ActorId>,
    target_actor: Option<ActorId>,
    target: Option<TargetCue>,
    places: Vec<PlaceRef>,
    containers: Vec<PlaceRef>,
    /// Tolls: (place index in `places`, or None for the whole frame).
    tolls: Vec<(Option<usize>, Toll)>,
    day: Option<DayKey>,
    /// Original byte range of the sentence.
    span: (usize, usize),
    sentence: usize,
    /// Read from the headline (a title line at the top of the text).
    headline: bool,
    /// Governorates named in the two sentences before this one, latest first.
    recent_admin1: Vec<u16>,
    /// The perpetrator claimed it.
    claimed: bool,
    /// The sentence dates it only vaguely ("last week", "in recent months"): it does not
    /// happen on the article's day.
    vague_day: bool,
}

/// What the reading of an article remembers from one sentence to the next.
#[derive(Default)]
struct ArticleState {
    published: Option<NaiveDate>,
    frames: Vec<Frame>,
    /// Last actor named, for each actor id (order of mention).
    last_named: Vec<ActorId>,
    /// Actors named in the title.
    title_actors: Vec<ActorId>,
    /// Governorates the article names, with a count.
    admin1_mentions: FxHashMap<u16, u32>,
    /// Last head place, for "the town".
    last_place: Option<PlaceRef>,
    sentence: usize,
    /// The sentence being read is the headline.
    in_headline: bool,
    /// Governorates named by containers and prominent places, with their sentence.
    recent_admin1: Vec<(usize, u16)>,
    /// Folded title, to recognise it at the top of the text.
    title: String,
    /// The day the lead gives, when it tells no event itself.
    lead_day: Option<NaiveDate>,
}

/// Reads articles; see the module documentation.
pub(crate) struct Engine<'l> {
    pub lex: &'l Lexicon,
    /// When set, an account of the reading is written here (`hudna extract --trace`).
    pub trace: Option<std::cell::RefCell<String>>,
}

macro_rules! trace {
    ($engine:expr, $($arg:tt)*) => {
        if let Some(t) = &$engine.trace {
            use std::fmt::Write as _;
            let _ = writeln!(t.borrow_mut(), $($arg)*);
        }
    };
}

/// Cuts the text: returns the end of the article proper and the byte ranges of furniture
/// lines inside it.
fn cut(lex: &Lexicon, text: &str) -> (usize, Vec<(usize, usize)>) {
    let mut skipped = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.len() > 400 {
            continue;
        }
        // The markers are short and start the line: fold only its head.
        let mut head = trimmed.len().min(96);
        while !trimmed.is_char_boundary(head) {
            head -= 1;
        }
        let f = fold(&trimmed[..head]);
        let f = f.trim_start_matches(|c: char| !c.is_alphanumeric());
        let starts = |p: &String| {
            f.starts_with(p.as_str()) && !f[p.len()..].starts_with(|c: char| c.is_alphanumeric())
        };
        if lex.cutoff.iter().any(starts) {
            return (start, skipped);
        }
        if let Some(p) = lex.skipline.iter().find(|p| starts(p)) {
            // "اقرأ أيضاً" alone on its line heads a list of headlines: the article ends.
            let rest = &f[p.len()..];
            if rest.chars().filter(|c| c.is_alphanumeric()).count() < 3 && trimmed.len() == head {
                return (start, skipped);
            }
            skipped.push((start, pos));
        }
    }
    (text.len(), skipped)
}

/// Splits `[0, end)` of `text` into windows of whole lines (or whole sentences, for very long
/// lines) of at most about [`WINDOW`] bytes.
fn windows(text: &str, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < end {
        if end - start <= WINDOW {
            out.push((start, end));
            break;
        }
        let mut limit = start + WINDOW;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let piece = &text[start..limit];
        let cut = piece
            .rfind('\n')
            .or_else(|| piece.rfind(['.', '؟', '!']))
            .or_else(|| piece.rfind(' '))
            .map(|i| start + i + 1)
            .filter(|&c| c > start)
            .unwrap_or(limit);
        out.push((start, cut));
        start = cut;
    }
    out
}

/// Converts byte offsets of the original text into character offsets, moving forward only.
struct CharCursor<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl CharCursor<'_> {
    fn char_at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

impl<'l> Engine<'l> {
    pub fn extract(&self, article: &Article) -> Vec<Incident> {
        let mut st = ArticleState {
            published: article.published,
            ..Default::default()
        };
        if let Some(title) = &article.title {
            self.read_title(title, &mut st);
            st.title = fold(title);
        }
        let text = article.text.as_str();
        let (end, skipped) = cut(self.lex, text);
        let mut tokens = Vec::new();
        let mut matches = Vec::new();
        for (w0, w1) in windows(text, end) {
            let window = &text[w0..w1];
            let norm = Normalized::new(window);
            let folded = norm.as_str();
            tokens.clear();
            tokenize_into(folded, &mut tokens);
            matches.clear();
            self.lex.phrases.find_into(folded, &tokens, &mut matches);
            let items = self.items(folded, &tokens, &matches);
            let win = Window {
                original: window,
                norm: &norm,
                folded,
                tokens: &tokens,
                items: &items,
            };
            for range in sentences(folded) {
                let (o0, o1) = norm.original_range(range.start, range.end);
                let (o0, o1) = (o0 + w0, o1 + w0);
                if skipped.iter().any(|&(s, e)| o0 < e && s < o1) {
                    continue;
                }
                // A headline: the title repeated, or a short first line without a full stop.
                let line = &folded[range.clone()];
                let first_line = !folded[..range.start].contains('\n')
                    || folded[..range.start].trim().is_empty();
                st.in_headline = w0 == 0
                    && ((!st.title.is_empty()
                        && (line.starts_with(st.title.trim())
                            || st.title.starts_with(line.trim())))
                        || (first_line
                            && line.len() < 200
                            && !line.ends_with('.')
                            && folded[range.end..].starts_with('\n')));
                self.sentence(&win, range, (o0, o1), &mut st);
                st.sentence += 1;
            }
        }
        self.incidents(article, st)
    }

    fn items(&self, folded: &str, tokens: &[Token], matches: &[PhraseMatch]) -> Vec<Item<'l>> {
        let mut items: Vec<Item<'l>> = Vec::with_capacity(matches.len() + 8);
        let mut m = 0usize;
        let mut i = 0u32;
        while (i as usize) < tokens.len() {
            while m < matches.len() && matches[m].first < i {
                m += 1;
            }
            if m < matches.len() && matches[m].first == i {
                let pm = &matches[m];
                let n_same = matches[m..]
                    .iter()
                    .take_while(|x| x.first == pm.first && x.end == pm.end)
                    .count();
                let same = &matches[m..m + n_same];
                m += n_same;
                // The reading that names a place decides where the name starts.
                let primary = same
                    .iter()
                    .find(|x| {
                        self.lex.roles[x.phrase as usize]
                            .iter()
                            .any(|r| matches!(r, Role::Place(_)))
                    })
                    .unwrap_or(&same[0]);
                let mut parts: [&'l [Role]; 3] = [&[], &[], &[]];
                for (k, x) in same.iter().take(3).enumerate() {
                    parts[k] = &self.lex.roles[x.phrase as usize];
                }
                let t0 = &tokens[pm.first as usize];
                let t1 = &tokens[pm.end as usize - 1];
                items.push(Item {
                    first: pm.first,
                    end: pm.end,
                    start: t0.start + primary.clitic_len as u32,
                    stop: t1.end,
                    clitic: primary.clitic_len,
                    article: primary.had_article,
                    parts,
                    digits: None,
                });
                i = pm.end;
                continue;
            }
            let t = &tokens[i as usize];
            if t.script == Script::Digits {
                if let Ok(v) = t.text(folded).parse::<u32>() {
                    items.push(Item {
                        first: i,
                        end: i + 1,
                        start: t.start,
                        stop: t.end,
                        clitic: 0,
                        article: false,
                        parts: [&[], &[], &[]],
                        digits: Some(v),
                    });
                }
            }
            i += 1;
        }
        items
    }

    fn read_title(&self, title: &str, st: &mut ArticleState) {
        let f = fold(title);
        let mut tokens = Vec::new();
        tokenize_into(&f, &mut tokens);
        let matches = self.lex.phrases.find(&f, &tokens);
        for pm in matches {
            for r in &self.lex.roles[pm.phrase as usize] {
                match r {
                    Role::Actor {
                        set,
                        kind: ActorKind::Name | ActorKind::Air,
                        ..
                    } => {
                        let a = self.lex.actor_sets[*set as usize][0];
                        if !st.title_actors.contains(&a) {
                            st.title_actors.push(a);
                        }
                    }
                    Role::Place(g) => {
                        let group = &self.lex.place_groups[*g as usize];
                        if group.len() == 1 {
                            let p = self.lex.gazetteer.place(group[0]);
                            if p.kind.stands_alone() {
                                if let Some(a) = p.admin1 {
                                    *st.admin1_mentions.entry(a).or_default() += 1;
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// One window of an article, with its folded text, tokens and items.
struct Window<'a, 'l> {
    original: &'a str,
    norm: &'a Normalized,
    folded: &'a str,
    tokens: &'a [Token],
    items: &'a [Item<'l>],
}

impl Window<'_, '_> {
    /// Folded text of token `i`; empty past the end of the window (rules look a word or
    /// two ahead).
    fn tok(&self, i: u32) -> &str {
        self.tokens
            .get(i as usize)
            .map_or("", |t| t.text(self.folded))
    }

    /// Folded text between two tokens (exclusive).
    fn gap(&self, a_end: u32, b_first: u32) -> &str {
        if a_end == 0 || b_first as usize > self.tokens.len() || a_end > b_first {
            return "";
        }
        let s = self.tokens[a_end as usize - 1].end as usize;
        let e = self.tokens[b_first as usize].start as usize;
        &self.folded[s..e.max(s)]
    }

    fn clitics(&self, it: &Item<'_>) -> &str {
        let t = &self.tokens[it.first as usize];
        &self.folded[t.start as usize..t.start as usize + it.clitic as usize]
    }

    /// The name as written in the original, without proclitics other than the article.
    fn written(&self, it: &Item<'_>) -> String {
        let t = &self.tokens[it.first as usize];
        let cl = self.clitics(it);
        // Keep the article: drop only the conjunction/preposition part.
        let keep_article = if it.article {
            if cl.ends_with("ال") {
                2 * 2
            } else if cl.ends_with("لل") {
                2
            } else {
                0
            }
        } else {
            0
        };
        let mut start =
            t.start as usize + it.clitic as usize - keep_article.min(it.clitic as usize);
        // "al-Bab": a Latin article written apart is part of the name as written.
        if it.first > 0
            && is_latin_article(self, it.first - 1)
            && self.gap(it.first, it.first) == "-"
        {
            start = self.tokens[it.first as usize - 1].start as usize;
        }
        let (s, e) = self.norm.original_range(start, it.stop as usize);
        self.original[s..e].trim().to_string()
    }

    /// Original text from folded byte `start` to the end of token `end - 1`.
    fn span_name(&self, start: u32, end: u32) -> String {
        let e = self.tokens[end as usize - 1].end as usize;
        let (s, e) = self.norm.original_range(start as usize, e);
        self.original[s..e].trim().to_string()
    }

    /// Whether token `i` starts with a capital letter in the original.
    fn capital(&self, i: u32) -> bool {
        let t = &self.tokens[i as usize];
        let (s, _) = self
            .norm
            .original_range(t.start as usize, t.start as usize + 1);
        self.original[s..].starts_with(|c: char| c.is_uppercase())
    }

    /// Whether token `i` is written in capitals only ("ERBIL", "SANA").
    fn all_caps(&self, i: u32) -> bool {
        let t = &self.tokens[i as usize];
        let (s, e) = self.norm.original_range(t.start as usize, t.end as usize);
        let w = &self.original[s..e];
        w.chars().count() >= 2 && w.chars().all(|c| !c.is_lowercase())
    }

    ///
    /// A name of several words counts when any of them is: "eastern Ghouta", "rural Damascus"
    /// are written with a small first letter as often as not.
    fn capitalised(&self, it: &Item<'_>) -> bool {
        let start = it.start as usize;
        let (s, _) = self.norm.original_range(start, start + 1);
        let first = self.original[s..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii_alphabetic() || c.is_uppercase());
        first || (it.first..it.end).any(|k| self.capital(k))
    }
}

/// Casualty statements in a sentence.
fn tolls(win: &Window<'_, '_>, items: &[Item<'_>]) -> Vec<Toll> {
    let mut out = Vec::new();
    // Numbers first.
    let mut numbers = Vec::new();
    let mut reader = NumberReader::default();
    let mut last_end = u32::MAX;
    let mut last_digits = false;
    for it in items {
        // "خمسة وعشرون": number words in a row, joined by و or not, make one number.
        let joined = last_end == it.first;
        if it.is_number() {
            // Number words compound ("ثلاثة آلاف"), digits do not: "2020-01-27" is three
            // numbers, not 2048.
            if !joined || (it.digits.is_some() && last_digits) {
                if let Some(n) = reader.finish() {
                    numbers.push(n);
                }
            }
            reader.feed(it.roles(), it.digits, it.first, it.end);
            last_end = it.end;
            last_digits = it.digits.is_some();
        } else if it.has(|r| {
            matches!(
                r,
                Role::Number {
                    kind: NumberKind::About,
                    ..
                }
            )
        }) {
            last_end = it.end;
        } else {
            if let Some(n) = reader.finish() {
                numbers.push(n);
            }
            last_end = u32::MAX;
        }
    }
    if let Some(n) = reader.finish() {
        numbers.push(n);
    }
    let cues: Vec<(u32, u32, CasualtyKind)> = items
        .iter()
        .filter_map(|it| casualty_kind(it.roles()).map(|k| (it.first, it.end, k)))
        .collect();
    for it in items {
        for r in it.roles() {
            if let Role::Counted(CasualtyCount { kind, count }) = r {
                out.push(Toll {
                    kind: if *kind == CasualtyKind::Killed {
                        TollKind::Killed
                    } else {
                        TollKind::Injured
                    },
                    value: Some(*count),
                    at: it.first,
                });
            }
        }
        if casualty_kind(it.roles()) == Some(CasualtyKind::None) {
            out.push(Toll {
                kind: TollKind::Nobody,
                value: Some(0),
                at: it.first,
            });
        }
    }
    for n in &numbers {
        // Not a toll: a count of shells, a date, an age, a time. (A dual noun, "مدنيان",
        // is its own counted noun.)
        let dual = items.iter().any(|it| {
            it.first == n.first
                && it.has(|r| {
                    matches!(
                        r,
                        Role::Number {
                            kind: NumberKind::Dual | NumberKind::Single,
                            ..
                        }
                    )
                })
        });
        let next = items.iter().find(|it| it.first >= n.end).filter(|_| !dual);
        if let Some(next) = next {
            if next.first == n.end
                && (next.means().is_some()
                    || next.date().is_some()
                    || next.has(|r| matches!(r, Role::Event { .. })))
            {
                continue;
            }
        }
        let next_word = win.tokens.get(n.end as usize).map(|t| t.text(win.folded));
        if matches!(
            next_word,
            Some(
                "عاما"
                    | "عام"
                    | "سنه"
                    | "سنوات"
                    | "years"
                    | "year"
                    | "ساعه"
                    | "دقيقه"
                    | "كم"
                    | "km"
                    | "متر"
            )
        ) {
            continue;
        }
        if win.gap(n.first, n.first).contains(':') {
            continue;
        }
        // Part of a date, a time or a range written with digits: "2020-01-27", "12/9", "2:00".
        let digit =
            |i: u32| win.tok(i).bytes().all(|b| b.is_ascii_digit()) && !win.tok(i).is_empty();
        let joiner = |g: &str| {
            let g = g.trim();
            matches!(g, "-" | "/" | ":" | "." | "–")
        };
        if (n.first > 0 && digit(n.first - 1) && joiner(win.gap(n.first, n.first)))
            || (digit(n.end) && joiner(win.gap(n.end, n.end)))
        {
            continue;
        }
        // Part of a toll already given ("بينهم سبعة أطفال").
        let subset = cues
            .iter()
            .any(|&(_, e, k)| k == CasualtyKind::Subset && e <= n.first && n.first - e <= 1);
        if subset {
            continue;
        }
        // "The death toll … rose to 17", "ارتفعت حصيلة القتلى … إلى 17": the new figure of
        // a toll named earlier in the sentence, however far back.
        let risen = n.first >= 2
            && matches!(win.tok(n.first - 1), "to" | "الي" | "لي")
            && (n.first.saturating_sub(3)..n.first - 1).any(|k| {
                let w = win.tok(k);
                matches!(w, "rose" | "risen" | "climbed" | "reached" | "rises")
                    || w.starts_with("ارتفع")
                    || w.starts_with("وارتفع")
            });
        let reach = if risen { n.first } else { 4 };
        let before = cues
            .iter()
            .filter(|&&(_, e, k)| {
                matches!(k, CasualtyKind::Killed | CasualtyKind::Injured)
                    && e <= n.first
                    && n.first - e <= reach
            })
            .max_by_key(|&&(_, e, _)| e);
        let after = cues
            .iter()
            .filter(|&&(f, _, k)| {
                matches!(k, CasualtyKind::Killed | CasualtyKind::Injured)
                    && f >= n.end
                    && f - n.end <= 6
                    // Not across a comma: "rose to 16, … injuries".
                    && !(n.end..=f).any(|k| win.gap(k, k).contains(','))
            })
            .min_by_key(|&&(f, _, _)| f);
        let kind = match (before, after) {
            (Some(&(_, e, kb)), Some(&(f, _, ka))) => {
                // "21 قتيلاً و55 جريحاً": a casualty noun right after the number is what it
                // counts.
                let counted = f == n.end && !win.tok(f).starts_with('و');
                // "One was killed and nine others were injured", "five others wounded": an
                // English count is the subject of the passive verb after it.
                let passive = (n.end..f)
                    .any(|k| matches!(win.tok(k), "were" | "was" | "are" | "is" | "others"));
                if !counted && !passive && n.first - e <= f - n.end + 1 {
                    kb
                } else {
                    ka
                }
            }
            (Some(&(_, _, k)), None) | (None, Some(&(_, _, k))) => k,
            (None, None) => continue,
        };
        out.push(Toll {
            kind: if kind == CasualtyKind::Killed {
                TollKind::Killed
            } else {
                TollKind::Injured
            },
            value: Some(n.value),
            at: n.first,
        });
    }
    out.sort_by_key(|t| t.at);
    // "مقتل 22 طفلاً و6 معلمين", "killing 22 children and six teachers": counts of one toll
    // joined by "و"/"and", with only the counted nouns between, add up.
    let mut merged: Vec<Toll> = Vec::with_capacity(out.len());
    for t in out {
        if let Some(prev) = merged.last_mut() {
            let joined = t.at > prev.at
                && t.at - prev.at <= 4
                && (matches!(win.tok(t.at - 1), "و" | "and") || win.tok(t.at).starts_with('و'))
                && !items.iter().any(|it| {
                    it.first > prev.at
                        && it.first < t.at
                        && (casualty_kind(it.roles()).is_some()
                            || it.place_group().is_some()
                            || it.event().is_some())
                });
            if joined && prev.kind == t.kind && t.kind != TollKind::Nobody {
                if let (Some(a), Some(b)) = (prev.value, t.value) {
                    prev.value = Some(a.saturating_add(b));
                    continue;
                }
            }
        }
        merged.push(t);
    }
    merged
}

#[derive(Default)]
struct Scope {
    /// Token ranges where the corresponding cue applies.
    habitual: Vec<(u32, u32)>,
    irrealis: Vec<(u32, u32)>,
    accusation: Vec<(u32, u32)>,
    origin: Vec<(u32, u32)>,
    agent: Vec<(u32, u32)>,
    route: Vec<(u32, u32)>,
    /// Places that only locate the place named before them ("Jabal Tharda, a ridge
    /// overlooking Deir ez-Zor airport").
    locator: Vec<(u32, u32)>,
    /// Who told the news ("وفق الدفاع المدني"): not what was hit.
    source: Vec<(u32, u32)>,
    aftermath: Vec<(u32, u32)>,
    facility: Vec<(u32, u32)>,
    flight: Vec<(u32, u32)>,
    defence: Vec<(u32, u32)>,
    /// Tokens where the direct object of an event verb starts; see [`objects`].
    objects: Vec<u32>,
}

/// Where the direct object of each event verb starts: right after the verb, past its
/// subject, weapon and day ("قصفت قوات النظام بالمدفعية مورك", "shelled Morek"). A village
/// named there is what was hit, with no place word in front.
fn objects(items: &[Item<'_>], triggers: &[usize]) -> Vec<u32> {
    triggers
        .iter()
        .filter_map(|&ti| {
            let trig = &items[ti];
            if trig.event()?.1 {
                return None;
            }
            let mut at = trig.end;
            for x in &items[ti + 1..] {
                let subject = x.first == at
                    && (x.actor_roles().next().is_some()
                        || x.means().is_some()
                        || x.date().is_some()
                        || x.disc(Disc::Personnel));
                if !subject {
                    break;
                }
                at = x.end;
            }
            Some(at)
        })
        .collect()
}

fn within(ranges: &[(u32, u32)], at: u32) -> bool {
    ranges.iter().any(|&(s, e)| s <= at && at < e)
}

impl ArticleState {
    /// Governorates named in the current sentence and the two before it, latest first.
    fn recent_admin1(&self) -> Vec<u16> {
        let mut out = Vec::new();
        for &(s, a) in self.recent_admin1.iter().rev() {
            if s == self.sentence {
                // This sentence's containers already hint the names they follow.
                continue;
            }
            if self.sentence - s > 2 {
                break;
            }
            if !out.contains(&a) {
                out.push(a);
            }
        }
        out
    }
}

impl<'l> Engine<'l> {
    /// Reads one sentence into frames.
    fn sentence(
        &self,
        win: &Window<'_, 'l>,
        range: std::ops::Range<usize>,
        span: (usize, usize),
        st: &mut ArticleState,
    ) {
        let t0 = win
            .tokens
            .partition_point(|t| (t.start as usize) < range.start) as u32;
        let t1 = win
            .tokens
            .partition_point(|t| (t.start as usize) < range.end) as u32;
        if t0 >= t1 {
            return;
        }
        let i0 = win.items.partition_point(|it| it.first < t0);
        let i1 = win.items.partition_point(|it| it.first < t1);
        let items = &win.items[i0..i1];
        if self.trace.is_some() {
            trace!(self, "\n[s{}] {}", st.sentence, &win.folded[range.clone()]);
            for it in items {
                let roles: Vec<String> = it
                    .roles()
                    .map(|r| match r {
                        Role::Place(g) => format!(
                            "Place({})",
                            self.lex.place_groups[*g as usize]
                                .iter()
                                .map(|&p| {
                                    let pl = self.lex.gazetteer.place(p);
                                    format!(
                                        "{}/{}",
                                        pl.name_en,
                                        pl.admin1
                                            .map(|a| self.lex.gazetteer.admin1_name(a))
                                            .unwrap_or("-")
                                    )
                                })
                                .collect::<Vec<_>>()
                                .join(",")
                        ),
                        Role::Actor { set, kind, .. } => format!(
                            "Actor({:?} {})",
                            kind,
                            self.lex.actor_sets[*set as usize]
                                .iter()
                                .map(|&a| self.lex.code(a))
                                .collect::<Vec<_>>()
                                .join("|")
                        ),
                        other => format!("{other:?}"),
                    })
                    .collect();
                trace!(
                    self,
                    "   {}{} {}",
                    &win.folded[it.start as usize..it.stop as usize],
                    it.digits.map(|d| format!("={d}")).unwrap_or_default(),
                    roles.join(" ")
                );
            }
        }

        // Clause boundaries: commas and similar, as token indices where a clause starts.
        let clause_of = |at: u32| -> u32 {
            let mut start = t0;
            for k in (t0 + 1)..=at.min(t1 - 1) {
                let g = win.gap(k, k);
                let _ = g;
                let s = win.tokens[k as usize - 1].end as usize;
                let e = win.tokens[k as usize].start as usize;
                if win.folded[s..e].contains([',', ':', '(', ')', '-']) {
                    start = k;
                }
            }
            start
        };
        let clause_end = |at: u32| -> u32 {
            for k in (at + 1)..t1 {
                let s = win.tokens[k as usize - 1].end as usize;
                let e = win.tokens[k as usize].start as usize;
                if win.folded[s..e].contains([',', ':', '(', ')']) {
                    return k;
                }
            }
            t1
        };

        // Scopes of discourse cues.
        let mut scope = Scope::default();
        for it in items {
            if it.disc(Disc::Habitual) {
                // From the start of its clause to the end of the sentence: "… witnesses
                // repeated assassinations, targeting fighters".

                scope.habitual.push((clause_of(it.first), t1));
            }
            if it.disc(Disc::Irrealis) {
                scope.irrealis.push((it.first, clause_end(it.first)));
            }
            if it.disc(Disc::Accusation) {
                scope.accusation.push((it.first, t1));
            }
            if it.disc(Disc::Origin) {
                // The place right after the cue, its containers and the force stationed
                // there: stop at the first word that is none of these.
                let mut end = it.end;
                for x in items.iter().filter(|x| x.first >= it.end) {
                    // (and the positions it fired from, right after the cue: "مصدره مواقع
                    // حزب الله")
                    let placey = x.place_group().is_some()
                        || (x.first == it.end
                            && x.target() == Some(TargetCue::Class(Target::Armed)))
                        || x.disc(Disc::Placetype)
                        || x.disc(Disc::Container)
                        || x.disc(Disc::Placelist)
                        || x.has(|r| matches!(r, Role::Actor { .. }));
                    if !placey || x.first > end + 1 {
                        break;
                    }
                    end = x.end;
                }
                scope.origin.push((it.end, end.max(it.end + 1)));
            }
            if it.disc(Disc::Locator) {
                // Only right after a place (past a few words: ", a ridge overlooking"), and
                // for the next few words of the clause.
                let after_place = items.iter().any(|x| {
                    x.place_group().is_some() && x.end <= it.first && it.first - x.end <= 3
                });
                if after_place {
                    let end = clause_end(it.first).min(it.end + 6);
                    scope.locator.push((it.end, end));
                }
            }
            if it.disc(Disc::Unit) {
                // "لواء هنانو": a unit's name, not a place.
                scope.route.push((it.end, it.end + 2));
            }
            // "مستشفى الضبيط" names a building; "a hospital in Kafr Nabl" says where it is.
            if it.disc(Disc::Facility)
                && !matches!(win.tok(it.end), "في" | "in" | "at" | "near" | "قرب")
            {
                scope.facility.push((it.end, it.end + 2));
            }
            if it.disc(Disc::Flight) {
                scope.flight.push((it.end, clause_end(it.first)));
            }
            if it.disc(Disc::Defence) {
                // "انفجار صاروخين اعتراضيين", "تصدت الدفاعات الجوية لصواريخ",
                // "تصدت الدفاعات الجوية": the event word a few words before or just after.
                let from = it.first.saturating_sub(4).max(clause_of(it.first));
                scope.defence.push((from, it.end + 2));
            }
            if it.disc(Disc::Agent) {
                scope.agent.push((it.end, it.end + 4));
            }
            if it.disc(Disc::Route) {
                scope.route.push((it.end, it.end + 4));
            }
            if it.disc(Disc::Outlet) {
                // The outlet's name, quoted or not; "مراسل X في Y" is where the reporter is.
                scope.route.push((it.end, it.end + 4));
            }
            if it.disc(Disc::Aftermath) {
                scope.aftermath.push((it.end, it.end + 4));
            }
            if it.disc(Disc::Source) {
                scope.source.push((it.end, it.end + 3));
            }
            if it.disc(Disc::SourceAfter) {
                // The speaker ends right before the verb: the item that ends there.
                if let Some(speaker) = items.iter().rev().find(|x| x.end == it.first) {
                    scope.source.push((speaker.first, speaker.end));
                }
            }
        }

        // Event words that count.
        let triggers: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, it)| {
                it.event().is_some()
                    && !it.disc(Disc::Block)
                    && !within(&scope.habitual, it.first)
                    && !within(&scope.irrealis, it.first)
                                        && !within(&scope.origin, it.first)
                    && !within(&scope.defence, it.first)
                    // "يتهم النظام الفصائل باستهداف …": who did it, not a new event.
                    && !within(&scope.accusation, it.first)
            })
            .map(|(i, _)| i)
            .collect();
        // Event words in a row ("انفجار لغم", "قصف جوي ... غارات") report one event; of a
        // generic word and a typed one, the typed one says what it was ("استهدفت غارات
        // جوية": air strikes).
        let triggers: Vec<usize> = {
            let mut kept: Vec<usize> = Vec::with_capacity(triggers.len());
            for (k, &i) in triggers.iter().enumerate() {
                let Some(&p) = k.checked_sub(1).and_then(|k| triggers.get(k)) else {
                    kept.push(i);
                    continue;
                };
                let (it, prev) = (&items[i], &items[p]);
                let adjacent = it.first <= prev.end + 1;
                let (a, b) = (prev.event().map(|e| e.0), it.event().map(|e| e.0));
                let same = a == b
                    || matches!(a, Some(EventClass::Strike))
                    || matches!(b, Some(EventClass::Strike));
                if !(adjacent && same) {
                    kept.push(i);
                } else if matches!(a, Some(EventClass::Strike))
                    && matches!(b, Some(EventClass::Type(_)))
                    && kept.last() == Some(&p)
                {
                    kept.pop();
                    kept.push(i);
                }
            }
            kept
        };
        // A generic verb whose subject is an event noun ("استهدفت التفجيرات", "طالت
        // الغارات") is that event.
        let triggers: Vec<usize> = triggers
            .iter()
            .enumerate()
            .filter(|&(k, &i)| {
                let it = &items[i];
                let generic = matches!(it.event(), Some((EventClass::Strike, ..)));
                let next = triggers.get(k + 1).map(|&n| &items[n]);
                !(generic
                    && next.is_some_and(|n| {
                        n.first <= it.end + 1
                            && matches!(n.event(), Some((EventClass::Type(_), ..)))
                    }))
            })
            .map(|(_, &i)| i)
            .collect();
        // "تعرضت مدرسة … لغارة جوية", "استهدفت الطائرات البلدة بغارات": a generic verb and
        // the typed event noun that completes it, in one clause, are one event of that type.
        let mut typed_by: Vec<(usize, EventClass)> = Vec::new();
        let triggers: Vec<usize> = {
            let mut kept: Vec<usize> = Vec::with_capacity(triggers.len());
            for &i in &triggers {
                let it = &items[i];
                let completes = kept.last().is_some_and(|&p| {
                    let prev = &items[p];
                    matches!(prev.event(), Some((EventClass::Strike, ..)))
                        && !typed_by.iter().any(|&(q, _)| q == p)
                        && matches!(it.event(), Some((EventClass::Type(_), true, _)))
                        && matches!(win.clitics(it), "ل" | "ب" | "لل" | "بال")
                        && it.first - prev.end <= 8
                        && !(prev.end..=it.first).any(|k| win.gap(k, k).contains([',', ':']))
                });
                match (completes, it.event()) {
                    (true, Some((class, ..))) => {
                        if let Some(&p) = kept.last() {
                            typed_by.push((p, class));
                        }
                    }
                    _ => kept.push(i),
                }
            }
            kept
        };

        // "تبنى تنظيم داعش التفجيرات", "IS claimed responsibility": the claimant is the
        // perpetrator of the events just reported, and they are confirmed.
        if let Some(cue) = items.iter().find(|it| it.disc(Disc::Claim)) {
            let claimant = items
                .iter()
                .filter(|it| it.first.abs_diff(cue.first) <= 10)
                .flat_map(|it| it.actor_roles().map(move |r| (it, r)))
                .find(|(_, (_, kind, _))| matches!(kind, ActorKind::Name | ActorKind::Air))
                .map(|(_, (set, _, _))| self.lex.actor_sets[set as usize][0]);
            if let Some(a) = claimant {
                // The claim names what it claims ("التفجيرات"): only events of that kind.
                let claimed_kind = items.iter().find_map(|it| match it.event() {
                    Some((EventClass::Type(t), ..)) if it.first > cue.first => Some(t),
                    _ => None,
                });
                let since = st.sentence.saturating_sub(4);
                for f in st
                    .frames
                    .iter_mut()
                    .rev()
                    .take_while(|f| f.sentence >= since)
                {
                    if claimed_kind.is_some_and(|k| k != f.kind) {
                        continue;
                    }
                    if f.actor.is_none() || f.actor == Some(self.lex.unknown) || f.actor == Some(a)
                    {
                        f.actor = Some(a);
                        f.claimed = true;
                    }
                }
            }
        }

        // Remember actors named here, for weak names later.
        for it in items {
            if within(&scope.accusation, it.first) {
                continue;
            }
            for (set, kind, _) in it.actor_roles() {
                if matches!(kind, ActorKind::Name | ActorKind::Air) {
                    let a = self.lex.actor_sets[set as usize][0];
                    st.last_named.retain(|&x| x != a);
                    st.last_named.push(a);
                }
            }
        }

        // Most sentences report no event: read their places only for the governorates they
        // name (context for the sentences after), not in full.
        let toll_word = items.iter().any(|it| {
            matches!(
                casualty_kind(it.roles()),
                Some(CasualtyKind::Killed | CasualtyKind::Injured)
            )
        });
        // The lead dates the report even when it tells no event itself ("… a truce from
        // 7 pm yesterday, Monday 12 September"): a day of the last week, in the first
        // sentences, before any event.
        if st.frames.is_empty() && st.lead_day.is_none() && st.sentence <= 2 {
            st.lead_day = day_in(win, items, t0, t1)
                .and_then(|d| d.resolve(st.published))
                .filter(|&d| {
                    st.published
                        .is_some_and(|p| d <= p && (p - d).num_days() <= 7)
                });
        }
        if triggers.is_empty() && !toll_word {
            for (k, it) in items.iter().enumerate() {
                let after_container =
                    k > 0 && items[k - 1].end == it.first && items[k - 1].disc(Disc::Container);
                if after_container && it.place_group().is_some() {
                    if let Some(a) = self.admin1_of_group(&it.place_candidates(self.lex)) {
                        *st.admin1_mentions.entry(a).or_default() += 1;
                        st.recent_admin1.push((st.sentence, a));
                    }
                }
            }
            return;
        }
        scope.objects = objects(items, &triggers);
        let places = self.places(win, items, &scope, t0, t1, st);
        let tolls = tolls(win, items);
        if self.trace.is_some() && !places.is_empty() {
            trace!(
                self,
                "   places: {:?}",
                places
                    .iter()
                    .map(|p| format!("{}[{:?}]", p.name, p.role))
                    .collect::<Vec<_>>()
            );
        }

        if triggers.is_empty() {
            // No event word, but a toll at a place right after an event was reported ("…
            // were killed in the village of X"): the details of that event.
            // The toll word must be followed closely by "في" and the place ("قتلوا في قرية
            // X"), outside a habit, an aftermath or a cause that is not violence.
            let killed_here = items.iter().any(|it| {
                matches!(
                    casualty_kind(it.roles()),
                    Some(CasualtyKind::Killed | CasualtyKind::Injured)
                ) && !within(&scope.habitual, it.first)
                    && !within(&scope.aftermath, it.first)
                    && places.iter().any(|p| {
                        p.at > it.end
                            && p.at - it.end <= 3
                            && (it.end..p.at).any(|k| matches!(win.tok(k), "في" | "in"))
                    })
            }) && !items
                .iter()
                .any(|it| it.disc(Disc::Habitual) || it.disc(Disc::Aftermath));
            let heads: Vec<PlaceRef> = places
                .iter()
                .filter(|p| matches!(p.role, PlaceRole::Head | PlaceRole::Vicinity))
                .cloned()
                .collect();
            let prev = st
                .frames
                .last()
                .filter(|f| st.sentence - f.sentence <= 2)
                .cloned();
            // "unidentified gunmen killed a fighter in the town of X": the weapon says what
            // happened even without an event word.
            let by_means = items.iter().find_map(|it| match it.means() {
                Some(Means::Gun) => Some(IncidentType::Attack),
                Some(Means::Explosive) => Some(IncidentType::Explosion),
                _ => None,
            });
            let prev = match (prev, by_means) {
                (Some(p), _) => Some(p),
                (None, Some(kind)) => {
                    let actor = items
                        .iter()
                        .flat_map(|it| it.actor_roles())
                        .find(|(_, k, _)| matches!(k, ActorKind::Name | ActorKind::Air))
                        .map(|(set, _, _)| self.lex.actor_sets[set as usize][0]);
                    Some(Frame {
                        kind,
                        actor,
                        target_actor: None,
                        target: None,
                        places: Vec::new(),
                        containers: Vec::new(),
                        tolls: Vec::new(),
                        day: None,
                        span,
                        sentence: st.sentence,
                        headline: false,
                        recent_admin1: Vec::new(),
                        claimed: false,
                        vague_day: false,
                    })
                }
                _ => None,
            };
            // "… a car bomb went off in X. 20 others were wounded.": a toll of "others" in
            // the sentence right after an event, naming no place of its own, completes that
            // event's toll where it said nothing of this kind.
            let others = items.iter().any(|it| {
                matches!(
                    win.tok(it.first),
                    "others" | "اخرون" | "اخرين" | "واخرون" | "واخرين"
                )
            });
            if others
                && heads.is_empty()
                && !tolls.is_empty()
                && !items
                    .iter()
                    .any(|it| it.disc(Disc::Habitual) || it.disc(Disc::Aftermath))
            {
                if let Some(f) = st
                    .frames
                    .last_mut()
                    .filter(|f| st.sentence == f.sentence + 1)
                {
                    for t in &tolls {
                        if !f.tolls.iter().any(|(_, x)| x.kind == t.kind) {
                            f.tolls.push((None, *t));
                        }
                    }
                    trace!(self, "   => (toll of the event before)");
                }
                return;
            }
            if let (true, false, Some(prev)) = (killed_here, heads.is_empty(), prev) {
                let ftolls = tolls.iter().map(|t| (None, *t)).collect::<Vec<_>>();
                let f = Frame {
                    kind: prev.kind,
                    actor: prev.actor,
                    target_actor: prev.target_actor,
                    target: self.target(items, &scope, t0, t1, false).or(prev.target),
                    places: heads,
                    containers: places
                        .iter()
                        .filter(|p| p.role == PlaceRole::Container)
                        .cloned()
                        .collect(),
                    tolls: ftolls,
                    day: day_in(win, items, t0, t1).or(prev.day),
                    span,
                    sentence: st.sentence,
                    headline: false,
                    recent_admin1: st.recent_admin1(),
                    claimed: false,
                    vague_day: prev.vague_day,
                };
                trace!(
                    self,
                    "   => (details of the event before) {:?} at {:?}",
                    f.kind,
                    f.places.iter().map(|p| &p.name).collect::<Vec<_>>()
                );
                st.last_place = f.places.last().cloned();
                st.frames.push(f);
            }
            return;
        }

        let mut frames: Vec<Frame> = Vec::new();
        let mut last_kind: Option<IncidentType> = None;
        let mut carried_actor: Option<(ActorId, u8)> = None;
        let mut carried_means: Option<Means> = None;
        // Tolls of an event word with no place of its own, for the next one ("قضى عنصران
        // إثر غارة استهدفت مركزهم في بلدة حاس").
        let mut carried_tolls: Vec<Toll> = Vec::new();
        let mut carried_target: Option<TargetCue> = None;
        // "قصفت قوات النظام حي الصاخور، فيما أصيب مدنيون في قرية المرحمية إثر قصف مصدره
        // …": a clause that ends on a cause word and an event word is that event's, back to
        // the clause break before it.
        let lead: Vec<Option<u32>> = triggers
            .iter()
            .enumerate()
            .map(|(k, &ti)| {
                let prev_end = items[*triggers.get(k.checked_sub(1)?)?].end;
                let trig = &items[ti];
                let cause = items[..ti]
                    .last()
                    .filter(|c| c.disc(Disc::Cause) && c.end + 1 >= trig.first)?;
                (prev_end + 1..cause.first).rev().find(|&b| {
                    win.gap(b, b).contains([',', ';'])
                        || items
                            .iter()
                            .any(|x| x.first == b && x.disc(Disc::ClauseBreak))
                })
            })
            .collect();
        for (k, &ti) in triggers.iter().enumerate() {
            let trig = &items[ti];
            let (class, _noun, weak) = match typed_by.iter().find(|&&(p, _)| p == ti) {
                Some(&(_, class)) => (class, true, false),
                None => trig.event().unwrap_or((EventClass::Strike, false, true)),
            };
            let w0 = if k == 0 {
                t0
            } else {
                lead[k].unwrap_or(items[triggers[k - 1]].end)
            };
            let w1 = triggers
                .get(k + 1)
                .map(|&n| lead[k + 1].unwrap_or(items[n].first))
                .unwrap_or(t1);
            let in_window = |at: u32| at >= w0 && at < w1;

            // Places of this frame: those after the trigger up to the next one; the first
            // frame also takes the places before it.
            let own_start = if k == 0 {
                t0
            } else {
                lead[k].unwrap_or(trig.first)
            };
            let mut fplaces: Vec<PlaceRef> = places
                .iter()
                .filter(|p| p.at >= own_start && p.at < w1)
                .cloned()
                .collect();

            // Means.
            let mut means: Option<Means> = None;
            let mut ground_named = false;
            for it in items.iter().filter(|it| in_window(it.first)) {
                if let Some(m) = it.means() {
                    if within(&scope.origin, it.first) || m == Means::Support {
                        continue;
                    }
                    // "تحليق لطائرات حربية": aircraft that only flew; "صواريخ الدفاع الجوي":
                    // the defence's missiles.
                    if within(&scope.flight, it.first) || within(&scope.defence, it.first) {
                        continue;
                    }
                    ground_named |= m == Means::Ground;
                    means = Some(match (means, m) {
                        (Some(Means::Air), _) | (_, Means::Air) => Means::Air,
                        (Some(Means::Drone), _) | (_, Means::Drone) => Means::Drone,
                        (Some(prev), _) if prev != Means::Gun => prev,
                        _ => m,
                    });
                }
            }
            if means.is_none() {
                means = carried_means;
            }

            // Actor.
            let mut best: Option<(ActorId, i32)> = None;
            let mut target_actor = None;
            let mut air_actor = false;
            for (j, it) in items.iter().enumerate() {
                if !in_window(it.first) {
                    continue;
                }
                for r in it.roles() {
                    let Role::Actor { set, kind, article } = *r else {
                        continue;
                    };
                    let candidates = &self.lex.actor_sets[set as usize];
                    // "المسلحين" and "مسلحين": the listed spelling that agrees wins.
                    let twin = it
                        .roles()
                        .any(|r2| matches!(r2, Role::Actor { article: a2, .. } if *a2 != article));
                    if twin && article != it.article {
                        continue;
                    }
                    let prev = j.checked_sub(1).map(|p| &items[p]);
                    // "تحت سيطرة تنظيم الدولة", "an IS-held town": the actor holds the place.
                    let holds = prev
                        .is_some_and(|p| p.disc(Disc::Controller) && it.first - p.end <= 1)
                        || items
                            .get(j + 1)
                            .is_some_and(|n| n.disc(Disc::Held) && n.first == it.end);
                    if holds {
                        continue;
                    }
                    // "مدعوم من تركيا", "مع النظام", "ضد": not the one who acted.
                    let prev_word = win.tok(it.first.saturating_sub(1));
                    // "مسلحو فرقة الحمزة التابعة للجيش التركي": the named group acted, not
                    // its patron.
                    let patron = prev.is_some_and(|p| {
                        p.disc(Disc::Patron)
                            && it.first - p.end <= 1
                            && j >= 2
                            && items[j - 2].end <= p.first
                            && p.first - items[j - 2].end <= 1
                            && items[j - 2]
                                .actor_roles()
                                .any(|(_, k, _)| k == ActorKind::Name)
                    });
                    if matches!(prev_word, "مع" | "with" | "ضد" | "against")
                        || prev.is_some_and(|p| {
                            (p.disc(Disc::Backer) || p.disc(Disc::Answered))
                                && it.first - p.end <= 1
                        })
                        || patron
                    {
                        continue;
                    }
                    if kind == ActorKind::Weak
                        && it
                            .first
                            .abs_diff(trig.first)
                            .min(it.first.abs_diff(trig.end))
                            > 3
                    {
                        continue;
                    }
                    let accused = within(&scope.accusation, it.first);
                    // "قصف مصدره مواقع حزب الله", "fire from regime positions": where fire
                    // came from names who fired it.
                    let after_agent =
                        within(&scope.agent, it.first) || within(&scope.origin, it.first);
                    // In target position: "مواقع قسد", "عناصر من قوات النظام".
                    // Fighters named right after the event word are its agents ("استهداف
                    // مقاتلي حزب الله البلدة"); positions and people elsewhere are victims.
                    let targetish = prev.is_some_and(|p| {
                        it.first - p.end <= 1
                            && matches!(
                                p.target(),
                                Some(TargetCue::Class(Target::Armed | Target::Civilians))
                            )
                            && !within(&scope.agent, p.first)
                            && !(p.disc(Disc::Personnel) && p.first <= trig.end + 1)
                    }) || (win.tokens[it.first as usize].script == Script::Latin
                        && it.first > trig.first
                        // English: "struck Syrian army positions".
                        && items.get(j + 1).is_some_and(|n| {
                            n.first == it.end
                                && matches!(
                                    n.target(),
                                    Some(TargetCue::Class(
                                        Target::Armed | Target::Civilians | Target::Infrastructure
                                    ))
                                )
                        }));
                    let actor = match kind {
                        ActorKind::Weak => {
                            let found = st
                                .last_named
                                .iter()
                                .rev()
                                .find(|a| candidates.contains(a))
                                .copied();
                            found.unwrap_or(candidates[0])
                        }
                        _ => candidates[0],
                    };
                    if kind == ActorKind::Adj {
                        // Only right after an event or weapon word ("غارات روسية"), or in
                        // English right before one ("Russian air strikes", "regime shelling").
                        let english = win.tokens[it.first as usize].script == Script::Latin;
                        let ok = prev.is_some_and(|p| {
                            it.first - p.end <= 1 && (p.event().is_some() || p.means().is_some())
                        }) || (english
                            && items.get(j + 1).is_some_and(|n| {
                                n.first == it.end && (n.event().is_some() || n.means().is_some())
                            }));
                        if !ok {
                            continue;
                        }
                    }
                    // "مسلحون يتبعون لهيئة تحرير الشام": the gunmen are the side named next.
                    if actor == self.lex.unknown
                        && (it.end..it.end + 2).any(|k| self.lex.affiliation.contains(win.tok(k)))
                        && items[j + 1..]
                            .iter()
                            .take_while(|n| n.first <= it.end + 4)
                            .any(|n| n.actor_roles().next().is_some())
                    {
                        continue;
                    }
                    // "a building of the Asayish": what belongs to an actor was hit.
                    // ("aircraft of the coalition" is the coalition acting.)
                    let of_at = if win.tok(it.first.saturating_sub(1)) == "of" {
                        Some(it.first.saturating_sub(1))
                    } else if win.tok(it.first.saturating_sub(1)) == "the"
                        && win.tok(it.first.saturating_sub(2)) == "of"
                    {
                        Some(it.first.saturating_sub(2))
                    } else {
                        None
                    };
                    let of_the = win.tokens[it.first as usize].script == Script::Latin
                        && of_at.is_some_and(|o| {
                            !items
                                .iter()
                                .any(|x| x.end == o && (x.means().is_some() || x.event().is_some()))
                        });
                    // ("members of the Islamic State" before the verb are its subject.)
                    let targetish = targetish || (of_the && !after_agent && it.first > trig.first);
                    // The event word itself names the actor ("غارات روسية"): never a victim.
                    let targetish = targetish && j != ti;
                    if targetish && !after_agent {
                        if target_actor.is_none() && actor != self.lex.unknown {
                            target_actor = Some(actor);
                        }
                        continue;
                    }
                    let mut score: i32 = match kind {
                        ActorKind::Air => 6,
                        ActorKind::Name | ActorKind::Adj => 5,
                        ActorKind::Weak => 3,
                    };
                    // "X وY": the first-named of joined actors acted.
                    let joined = items[..j].iter().rev().take(2).any(|p| {
                        p.has(|r| matches!(r, Role::Actor { .. }))
                            && it.first >= p.end
                            && it.first - p.end <= 2
                            && (win.clitics(it).starts_with('و')
                                || (p.end..it.first)
                                    .any(|k| win.tok(k) == "و" || win.tok(k) == "and"))
                    });
                    if joined {
                        score -= 3;
                    }
                    if after_agent {
                        score += 3;
                    }
                    if accused {
                        score -= 4;
                    }
                    let d = if it.first >= trig.end {
                        (it.first - trig.end) as i32
                    } else if it.end <= trig.first {
                        (trig.first - it.end) as i32 + 1
                    } else {
                        0
                    };
                    score -= d.min(8) / 2;
                    if best.is_none_or(|(_, s)| score > s) {
                        best = Some((actor, score));
                        air_actor = kind == ActorKind::Air;
                    }
                }
            }
            // An accused actor counts only if the accuser is no party and no one else is
            // accused; otherwise the perpetrator is unknown.
            if let Some((a, s)) = best {
                if s <= 1 {
                    let accused_count = items
                        .iter()
                        .filter(|it| {
                            within(&scope.accusation, it.first)
                                && it.has(|r| matches!(r, Role::Actor { .. }))
                        })
                        .count();
                    if accused_count > 1 {
                        best = Some((self.lex.unknown, 2));
                    } else {
                        best = Some((a, 2));
                    }
                }
            }
            if air_actor && means.is_none() {
                means = Some(Means::Air);
            }
            // Missiles by the side whose air raids were just reported are those raids
            // ("غارات إسرائيلية … 3 صواريخ إسرائيلية استهدفت").
            if means == Some(Means::Missile) {
                let prev_air = st.frames.last().filter(|f| {
                    f.kind == IncidentType::AirStrike
                        && st.sentence - f.sentence <= 1
                        && f.actor.is_some()
                        && f.actor == best.map(|(a, _)| a)
                });
                if prev_air.is_some() {
                    means = Some(Means::Air);
                }
            }
            let mut actor = best.map(|(a, s)| (a, s.clamp(0, 20) as u8));
            if actor.is_none() {
                actor = carried_actor;
            }

            // Type.
            let similar = items
                .iter()
                .any(|it| in_window(it.first) && it.disc(Disc::Similar));
            let target = self.target(items, &scope, w0, w1, true);
            // The event word retells the event before it ("الحملة", "the raid").
            let mut retold = false;
            let kind = match class {
                EventClass::Assault => match means {
                    Some(Means::Air | Means::Drone) => Some(IncidentType::AirStrike),
                    Some(Means::Explosive) => Some(IncidentType::Explosion),
                    _ if actor.is_none() && weak && frames.is_empty() => {
                        // "هجوم" with no one named: an earlier event of the article, if any.
                        st.frames
                            .last()
                            .filter(|f| st.sentence - f.sentence <= 1)
                            .map(|f| f.kind)
                    }
                    _ => match target {
                        Some(TargetCue::Class(Target::Armed)) => Some(IncidentType::ArmedClash),
                        _ if target_actor.is_some() => Some(IncidentType::ArmedClash),
                        _ => Some(IncidentType::Attack),
                    },
                },
                EventClass::Type(t) => Some(match (t, means) {
                    (IncidentType::Shelling, Some(Means::Air | Means::Drone)) => {
                        IncidentType::AirStrike
                    }
                    (IncidentType::Attack, Some(Means::Air | Means::Drone)) => {
                        IncidentType::AirStrike
                    }
                    _ => t,
                }),
                EventClass::Strike => match means {
                    Some(Means::Air | Means::Drone) => Some(IncidentType::AirStrike),
                    Some(Means::Explosive) => Some(IncidentType::Explosion),
                    Some(Means::Gun) => Some(IncidentType::Attack),
                    Some(Means::Ground | Means::Missile) => Some(IncidentType::Shelling),
                    Some(Means::Support) | None if last_kind.is_some() => {
                        // A generic word after an event of the same sentence continues it
                        // ("هجوم ... استهدف موقعاً").
                        last_kind
                    }
                    Some(Means::Support) | None => {
                        // "القصف", "الاستهداف": the event already reported.
                        let definite = trig.article && !weak;
                        let prev_kind = if similar || weak || definite {
                            st.frames
                                .last()
                                .filter(|f| st.sentence - f.sentence <= 1)
                                .map(|f| f.kind)
                        } else {
                            None
                        };
                        // The same side's last event in the article, a few sentences back:
                        // "a Turkish drone hit a car … Turkey targeted a vehicle".
                        // A vague word with nothing struck ("the campaign goes on") does not
                        // repeat that side's event.
                        let vacuous = weak && target.is_none();
                        let same_actor_kind = actor.filter(|_| !vacuous).and_then(|(a, _)| {
                            st.frames
                                .iter()
                                .rev()
                                .take_while(|f| st.sentence - f.sentence <= 3)
                                .find(|f| f.actor == Some(a) && a != self.lex.unknown)
                                .map(|f| f.kind)
                        });
                        if let Some(pk) = prev_kind {
                            retold = true;
                            Some(pk)
                        } else if let Some(k) = same_actor_kind {
                            Some(k)
                        } else if actor.is_some_and(|(a, _)| self.lex.air_power(a)) {
                            Some(IncidentType::AirStrike)
                        } else if weak {
                            // "An aid convoy was struck …, killing 20": something named was
                            // hit and people died; how is not said.
                            let struck =
                                matches!(target, Some(TargetCue::Class(t)) if t != Target::Unknown);
                            (struck && !tolls.is_empty()).then_some(IncidentType::Shelling)
                        } else {
                            Some(IncidentType::Shelling)
                        }
                    }
                },
            };
            let target = if kind == Some(IncidentType::ArmedClash) {
                target
            } else {
                self.target(items, &scope, w0, w1, false)
            };
            // What the placeless event word before it said was hit.
            let target = match (carried_target.take(), target) {
                (Some(c @ TargetCue::Class(ct)), Some(TargetCue::Class(t)))
                    if target_rank(ct) < target_rank(t) =>
                {
                    Some(c)
                }
                (Some(c), None | Some(TargetCue::Vague)) => Some(c),
                (_, t) => t,
            };
            // No actor in the sentence: the last actor of an event of the same type in the
            // last few sentences ("قصف عنيف استهدف سبع قرى" after "قصفت القوات التركية").
            if actor.is_none() {
                if let Some(k) = kind {
                    actor = st
                        .frames
                        .iter()
                        .rev()
                        .take_while(|f| st.sentence - f.sentence <= 3)
                        .find(|f| f.kind == k && f.actor.is_some())
                        .and_then(|f| f.actor)
                        .map(|a| (a, 1));
                }
            }
            carried_actor = actor.or(carried_actor);
            if means.is_some() {
                carried_means = means;
            }
            let Some(kind) = kind else { continue };
            last_kind = Some(kind);
            if similar && actor.is_none() {
                if let Some(f) = st.frames.last() {
                    actor = f.actor.map(|a| (a, 2));
                }
            }

            // Day.
            let day = day_in(win, items, w0, w1).or_else(|| day_in(win, items, t0, t1));
            let vague_day = day.is_none()
                && items
                    .iter()
                    .any(|it| it.first >= t0 && it.first < t1 && it.date() == Some(DateCue::Vague));

            // A frame with no place of its own: the nearest place of the sentence, or the
            // place "the town" refers back to.
            if !fplaces
                .iter()
                .any(|p| matches!(p.role, PlaceRole::Head | PlaceRole::Vicinity))
            {
                // A place named before the event word in the same sentence; places after it
                // belong to the events named there.
                let sentence_head = places
                    .iter()
                    .filter(|p| matches!(p.role, PlaceRole::Head | PlaceRole::Vicinity))
                    .filter(|p| p.at < trig.first)
                    .min_by_key(|p| p.at.abs_diff(trig.first))
                    .cloned();
                let anaphor = items
                    .iter()
                    .any(|it| in_window(it.first) && it.disc(Disc::Anaphor));
                // "التفجيرات", "the strike": the event reported before, at its place.
                let definite_again = if trig.article {
                    st.frames
                        .iter()
                        .rev()
                        .take_while(|f| st.sentence - f.sentence <= 3)
                        .find(|f| f.kind == kind)
                        .and_then(|f| f.places.first().cloned())
                } else {
                    None
                };
                if let Some(p) = sentence_head {
                    fplaces.push(p);
                } else if let Some(p) = definite_again {
                    fplaces.push(p);
                } else if anaphor {
                    // "the hilltop": the hill or mountain named last, else the last place.
                    let hill = items
                        .iter()
                        .any(|it| in_window(it.first) && it.disc(Disc::Hill));
                    let hill_place = st
                        .frames
                        .iter()
                        .rev()
                        .take_while(|f| hill && st.sentence - f.sentence <= 3)
                        .flat_map(|f| f.places.iter().rev())
                        .find(|p| {
                            p.group.as_ref().is_some_and(|g| {
                                g.iter().any(|&c| {
                                    self.lex.gazetteer.place(c).kind == PlaceKind::Mountain
                                })
                            })
                        })
                        .cloned();
                    if let Some(p) = hill_place.or_else(|| st.last_place.clone()) {
                        fplaces.push(p);
                    }
                } else if let Some(c) = places
                    .iter()
                    .filter(|_| {
                        !places
                            .iter()
                            .any(|p| matches!(p.role, PlaceRole::Head | PlaceRole::Vicinity))
                    })
                    .filter(|p| p.role == PlaceRole::Container && (p.rural || p.direction))
                    // The most precise container: a city before its country.
                    .min_by_key(|p| {
                        let country = p.group.as_ref().is_some_and(|g| {
                            g.iter()
                                .all(|&c| self.lex.gazetteer.place(c).kind == PlaceKind::Country)
                        });
                        (country, p.at.abs_diff(trig.first))
                    })
                    .cloned()
                    .filter(|_| {
                        // "قرى وبلدات في ريف حماة": a summary of places named later.
                        !items.iter().any(|it| {
                            in_window(it.first)
                                && it.disc(Disc::Placelist)
                                && !places.iter().any(|p| p.at > it.first && p.at <= it.end + 2)
                        })
                    })
                {
                    // Only a container is named ("ريف إدلب الجنوبي"): it is the place.
                    let mut c = c;
                    std::rc::Rc::make_mut(&mut c).role = PlaceRole::Head;
                    fplaces.push(c);
                }
            }
            let containers: Vec<PlaceRef> = places
                .iter()
                .filter(|p| p.role == PlaceRole::Container)
                .cloned()
                .collect();
            fplaces.retain(|p| matches!(p.role, PlaceRole::Head | PlaceRole::Vicinity));
            // The same place named twice in a sentence is one place.
            let mut kept: Vec<PlaceRef> = Vec::with_capacity(fplaces.len());
            for p in fplaces.drain(..) {
                if !kept
                    .iter()
                    .any(|q| q.group.is_some() == p.group.is_some() && q.key == p.key)
                {
                    kept.push(p);
                }
            }
            fplaces = kept;
            if fplaces.is_empty() {
                let before = carried_tolls.len();
                carried_tolls.extend(tolls.iter().filter(|t| t.at >= w0 && t.at < w1));
                // Whom the toll counts ("قضى عنصران من الدفاع المدني إثر غارة …").
                if carried_tolls.len() > before {
                    carried_target = target.or(carried_target);
                }
                continue;
            }
            // Tolls of this frame: those in its window, and for the first frame those
            // before it.
            let mut ftolls = Vec::new();
            let own = tolls.iter().filter(|t| t.at >= w0 && t.at < w1);
            let carried = std::mem::take(&mut carried_tolls);
            for t in carried.iter().chain(own) {
                // Tied to a place right after it ("جرح طفلان في قرية كفرسجنة")?
                let tied = fplaces
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.at > t.at && p.at - t.at <= 5)
                    .min_by_key(|(_, p)| p.at)
                    .map(|(i, _)| i);
                let tied = tied.filter(|_| fplaces.len() > 1);
                ftolls.push((tied, *t));
            }
            // "قصف بقذائف الهاون وبالطائرات المسيرة": two kinds of attack, two incidents.
            let also_shelling = kind == IncidentType::AirStrike
                && ground_named
                && matches!(
                    class,
                    EventClass::Strike | EventClass::Type(IncidentType::Shelling)
                );
            // "The campaign focused on areas …" after "arrested dozens of civilians": the
            // same event, told again; it struck whom the sentence before said.
            let target = match target {
                Some(TargetCue::Vague) if retold => st
                    .frames
                    .last()
                    .filter(|f| {
                        st.sentence - f.sentence <= 1
                            && f.kind == kind
                            && f.actor == actor.map(|(a, _)| a)
                    })
                    .and_then(|f| f.target)
                    .filter(|t| matches!(t, TargetCue::Class(_)))
                    .or(target),
                t => t,
            };
            let frame_count = frames.len();
            frames.push(Frame {
                kind,
                actor: actor.map(|(a, _)| a),
                target_actor,
                target,
                places: fplaces,
                containers,
                tolls: ftolls,
                day,
                span,
                sentence: st.sentence,
                headline: st.in_headline,
                recent_admin1: st.recent_admin1(),
                claimed: false,
                vague_day,
            });
            if also_shelling {
                let mut ground = frames[frame_count].clone();
                ground.kind = IncidentType::Shelling;
                frames.push(ground);
            }
        }

        for f in &frames {
            trace!(
                self,
                "   => {:?}{} actor={:?} target={:?}/{:?} day={:?} tolls={:?} places={:?} containers={:?}",
                f.kind,
                if f.headline { " (headline)" } else { "" },
                f.actor.map(|a| self.lex.code(a)),
                f.target,
                f.target_actor.map(|a| self.lex.code(a)),
                f.day,
                f.tolls,
                f.places.iter().map(|p| format!("{}[{:?}{}]", p.name, p.role, if p.rural { " rural" } else { "" })).collect::<Vec<_>>(),
                f.containers.iter().map(|p| p.name.clone()).collect::<Vec<_>>()
            );
        }
        for f in frames {
            if let Some(p) = f.places.last() {
                st.last_place = Some(p.clone());
            }
            st.frames.push(f);
        }
    }

    fn target(
        &self,
        items: &[Item<'_>],
        scope: &Scope,
        w0: u32,
        w1: u32,
        fighting: bool,
    ) -> Option<TargetCue> {
        // Civilians named beside fighters ("arrested dozens of civilians and former fighters")
        // are what the event struck, unless the event is a fight between armed sides.
        let (armed, civilians) = if fighting { (4, 5) } else { (5, 4) };
        let rank = |t: TargetCue| match t {
            TargetCue::Class(Target::Medical) => 0,
            TargetCue::Class(Target::Humanitarian) => 1,
            TargetCue::Class(Target::Education) => 2,
            TargetCue::Class(Target::Infrastructure) => 3,
            TargetCue::Class(Target::Armed) => armed,
            TargetCue::Class(Target::Civilians) => civilians,
            TargetCue::Class(Target::Unknown) => 6,
            TargetCue::Vague => 7,
        };
        items
            .iter()
            .filter(|it| it.first >= w0 && it.first < w1)
            .filter(|it| {
                !within(&scope.origin, it.first)
                    && !within(&scope.agent, it.first)
                    && !within(&scope.aftermath, it.first)
                    // "a ridge overlooking the airport": the airport only says where.
                    && !within(&scope.locator, it.first)
                    && !within(&scope.source, it.first)
            })
            .filter_map(|it| it.target())
            .min_by_key(|t| rank(*t))
    }

    /// Places named in a sentence, with their role.
    ///
    /// A gazetteer name counts as a place when it is prominent (a city, a region), or when
    /// the text marks it as one: a place word before it ("قرية", "حي"), a locative
    /// preposition ("في", "بـ"), a container or vicinity word ("ريف", "محيط"), or a list
    /// it continues. Names the gazetteer lacks are read only right after a place word or
    /// inside a list a plural place word opened ("قرى الجبين، تل ملح، حسرايا").
    fn places(
        &self,
        win: &Window<'_, 'l>,
        items: &[Item<'l>],
        scope: &Scope,
        t0: u32,
        t1: u32,
        st: &mut ArticleState,
    ) -> Vec<PlaceRef> {
        let mut out: Vec<PlaceMention> = Vec::new();
        let objects = &scope.objects;
        // Items are sorted by their first token: find them by binary search.
        let item_index =
            |tok: u32| -> Option<usize> { items.binary_search_by_key(&tok, |it| it.first).ok() };
        let covered = |tok: u32| -> bool {
            let i = items.partition_point(|it| it.first <= tok);
            i > 0 && items[i - 1].end > tok
        };
        // Token where a name may start because a place word was just said.
        // (token, opened a list, a name the gazetteer lacks may follow, name part)
        let mut opener: Option<(u32, bool, bool, Option<u32>)> = None;
        // End of the last place read, for lists and containers.
        let mut last_place_end: Option<u32> = None;
        // A list opened by a plural place word is going on.
        let mut in_list = false;
        // The last place read was a container ("في الغوطة الشرقية").
        let mut list_after_container = false;
        // A list of places was announced without names ("بلدات سورية"); the place that
        // follows with "في" holds them.
        let mut unnamed_list_until = 0u32;
        // A dateline at the head of a paragraph ("HAMA, Syria (Agency)",
        // "محافظة دير الزور:") says where the report comes from, not where the event was.
        let dateline_end = {
            let line_start = t0 == 0
                || win.gap(t0, t0).contains('\n')
                || win.folded[..win.tokens[t0 as usize].start as usize]
                    .trim_end_matches([' ', '\t'])
                    .ends_with('\n');
            let mut end = t0;
            if line_start {
                for k in t0..(t0 + 8).min(t1) {
                    let gap = win.gap(k, k);
                    let sep = k > t0
                        && (gap.contains([':', '(', '–', '|'])
                            || gap.contains(" -")
                            || gap.contains("- "));
                    if sep {
                        end = k;
                        break;
                    }
                    let word = win.tok(k);
                    let known = covered(k)
                        && items.iter().any(|x| {
                            x.first <= k
                                && k < x.end
                                && (x.place_group().is_some() || x.disc(Disc::Container))
                        });
                    if !(known || win.all_caps(k) || matches!(word, "خاص" | "syria")) {
                        break;
                    }
                }
            }
            end
        };
        let mut tok = t0;
        while tok < t1 {
            // Skip glue between a place word and its name: "villages of", "قرى “".
            let opened_here = opener.is_some_and(|(o, ..)| o == tok);
            let list_continues = in_list
                && last_place_end.is_some_and(|e| coordinated(win, e, tok))
                && (!list_after_container
                    || win.tok(tok).starts_with('و')
                    || last_place_end.is_some_and(|e| (e..tok).any(|k| win.tok(k) == "و")));
            let Some(ii) = item_index(tok) else {
                let unknown_ok = (opener.is_some_and(|(_, _, u, _)| u) || !opened_here)
                    && !within(&scope.facility, tok);
                // "villages in Hass, Kafr Nabl and Maarat Harma": capitalised names in a list
                // after a preposition.
                let latin_list = !opened_here
                    && !list_continues
                    && tok > t0
                    && win.tokens[tok as usize].script == Script::Latin
                    && matches!(win.tok(tok - 1), "in" | "on" | "at" | "of" | "near")
                    && win.capital(tok)
                    && {
                        let mut k = tok + 1;
                        while k < t1 && win.capital(k) && !covered(k) {
                            k += 1;
                        }
                        // "in Hass, Kafr Nabl and Maarat Harma": another capitalised name follows.
                        let next_name = if win.tok(k) == "and" { k + 1 } else { k };
                        k < t1
                            && (win.gap(k, k).contains(',') || win.tok(k) == "and")
                            && next_name < t1
                            && win.capital(next_name)
                    };
                if latin_list && !covered(tok) {
                    if let Some((m, next)) = self.unknown_name(win, items, tok, t1, false, false) {
                        out.push(m);
                        last_place_end = Some(next);
                        in_list = true;
                        tok = next;
                        continue;
                    }
                }
                if !covered(tok) && (opened_here || list_continues) && unknown_ok {
                    let strip_waw = list_continues && !opened_here;
                    // An item of a list ends where the list goes on or stops: a comma, "و",
                    // "في", a place word or the end of the clause ("وأصدر محافظ حلب" is a
                    // verb, not a name).
                    let bounded = |next: u32| {
                        next >= t1
                            || win.gap(next, next).contains([',', '"', ')', '.', ';', ':'])
                            || win.tok(next).starts_with('و')
                            || matches!(win.tok(next), "في" | "and" | "in" | "or")
                            || items.iter().any(|x| {
                                x.first == next
                                    && (x.disc(Disc::Container)
                                        || x.disc(Disc::Placetype)
                                        || x.place_group().is_some())
                            })
                    };
                    if let Some((mut m, next)) = self
                        .unknown_name(win, items, tok, t1, strip_waw, opened_here)
                        .filter(|(_, next)| opened_here || bounded(*next))
                    {
                        if opened_here {
                            in_list = in_list || opener.is_some();
                            if let Some(np) = opener.and_then(|(.., np)| np) {
                                m.name = win.span_name(np, next);
                            }
                        }
                        if within(&scope.origin, tok) || within(&scope.route, tok) {
                            m.role = PlaceRole::Origin;
                        }
                        out.push(m);
                        last_place_end = Some(next);
                        tok = next;
                        continue;
                    }
                }
                if (matches!(win.tok(tok), "of" | "the") || is_latin_article(win, tok))
                    && opened_here
                {
                    opener = opener.map(|(_, l, u, np)| (tok + 1, l, u, np));
                }
                tok += 1;
                continue;
            };
            let it = &items[ii];
            tok = it.end;
            // "the town of X" opens a name as "town" does; "the town" alone refers back.
            let is_type = it.disc(Disc::Placetype)
                || it.disc(Disc::Placelist)
                || (it.disc(Disc::Anaphor)
                    && win.tokens[it.first as usize].script == Script::Latin
                    && win.tok(it.end) == "of");
            if is_type && win.tokens[it.first as usize].script == Script::Latin {
                // "Al-Fterah town", "Bab Touma neighborhood": the name comes before.
                let mut start = it.first;
                while start > t0
                    && last_place_end.is_none_or(|e| start > e)
                    && !covered(start - 1)
                    && (win.capital(start - 1) || is_latin_article(win, start - 1))
                    && it.first - start < 4
                {
                    start -= 1;
                }
                while start < it.first && is_latin_article(win, start) {
                    start += 1;
                }
                if start < it.first {
                    if let Some((m, next)) =
                        self.unknown_name(win, items, start, it.first, false, false)
                    {
                        out.push(m);
                        last_place_end = Some(next);
                        continue;
                    }
                }
            }
            if it.disc(Disc::Placelist) {
                // "قرى عدة في منطقة الغاب": a list with no names; the place after it
                // holds them.
                let named = items
                    .get(ii + 1)
                    .is_some_and(|n| n.first <= it.end + 1 && n.place_group().is_some())
                    || (!covered(it.end)
                        && it.end < t1
                        && !matches!(win.tok(it.end), "في" | "من" | "على"));
                if !named {
                    unnamed_list_until = it.end + 4;
                }
            }
            if is_type {
                if !it.article {
                    // "منطقة X" and "مناطق X" name known places; their other readings
                    // ("منطقة مكتظة") are too common to read unknown names after them.
                    let w = win.tok(it.first);
                    let unknown_ok = !matches!(w, "منطقه" | "مناطق" | "وسط");
                    let namepart = it.disc(Disc::Namepart).then_some(it.start);
                    opener = Some((it.end, it.disc(Disc::Placelist), unknown_ok, namepart));
                }
                continue;
            }
            let Some(_) = it.place_group() else {
                if !it.disc(Disc::Container) && !it.disc(Disc::Vicinity) {
                    in_list = in_list && it.is_number();
                }
                continue;
            };
            let prev = ii.checked_sub(1).map(|p| &items[p]);
            let prev_adjacent = prev.filter(|p| {
                p.end == it.first
                    || (p.end + 1 == it.first
                        && matches!(win.tok(p.end), "في" | "in" | "of" | "the"))
            });
            // "ريف X", "بريف بلدة X", "شرق مدينة X": a container word, maybe followed by a
            // place word.
            let container_word = prev_adjacent.and_then(|p| {
                if p.disc(Disc::Container) {
                    Some(p)
                } else if (p.disc(Disc::Placetype) || p.disc(Disc::Placelist))
                    && ii >= 2
                    && items[ii - 2].disc(Disc::Container)
                    && items[ii - 2].end == p.first
                    // "…الشمالي، ومدينة X": a new item of the list, not "شمال مدينة X".
                    && !win.gap(p.first, p.first).contains([',', '.', ';', ':'])
                    && !win.clitics(p).starts_with('و')
                {
                    Some(&items[ii - 2])
                } else {
                    None
                }
            });
            let after_container = container_word.is_some();
            // "قرب X", and "قرب مدينة X" past a place word.
            let vicinity_word = prev_adjacent.and_then(|p| {
                if p.disc(Disc::Vicinity) {
                    return Some(p);
                }
                if !p.disc(Disc::Placetype) {
                    return None;
                }
                let before = ii.checked_sub(2).map(|b| &items[b])?;
                (before.end == p.first && before.disc(Disc::Vicinity)).then_some(before)
            });
            let after_vicinity = vicinity_word.is_some();
            let cl = win.clitics(it);
            // (Past a Latin article written apart: "in al-Lataminah".)
            let before_at = match it.first.checked_sub(1) {
                Some(b) if b > t0 && is_latin_article(win, b) => b - 1,
                b => b.unwrap_or(0),
            };
            let before = win.tok(before_at);
            let locative = (it.first > t0
                && matches!(
                    before,
                    "في" | "على"
                        | "الى"
                        | "علي"
                        | "من"
                        | "عند"
                        | "in"
                        | "on"
                        | "at"
                        | "near"
                        | "into"
                        | "from"
                        | "of"
                        | "to"
                        | "outside"
                        | "around"
                ))
                || cl.starts_with('ب')
                || cl.starts_with("وب");
            let stands = it.roles().any(|r| match r {
                Role::Place(g) => self.lex.place_groups[*g as usize]
                    .iter()
                    .any(|&p| self.lex.gazetteer.place(p).kind.stands_alone()),
                _ => false,
            });
            let key = &win.folded[it.start as usize..it.stop as usize];
            let latin = win.tokens[it.first as usize].script == Script::Latin;
            // Capitals only ("ERBIL", "SANA") are acronyms or datelines: a place only in
            // the dateline.
            if latin
                && (!win.capitalised(it) || (win.all_caps(it.first) && it.first >= dateline_end))
            {
                continue;
            }
            // "Syria's army": the owner of what follows, not where anything happened.
            if latin && {
                let (os, oe) = win.norm.original_range(it.start as usize, it.stop as usize);
                let name = &win.original[os..oe];
                win.original[oe..].starts_with(['\'', '’'])
                    || name.ends_with("'s")
                    || name.ends_with("’s")
            } {
                continue;
            }
            let stop = self
                .lex
                .place_stopwords
                .contains(strip_article_ref(key).as_ref());
            let marked = opened_here || list_continues;
            // (A target word there, "محطة", is what was hit, not a village of that name.)
            let object = objects.contains(&it.first) && it.target().is_none();
            // "مستشفى الضبيط", "al-Shami Hospital": a building's name; "مشفى جبلة الوطني":
            // the town of Jableh.
            let names_building = within(&scope.facility, it.first)
                || (latin
                    && items
                        .get(ii + 1)
                        .is_some_and(|n| n.first == it.end && n.disc(Disc::Facility)));
            if names_building
                && !it.roles().any(|r| match r {
                    Role::Place(g) => self.lex.place_groups[*g as usize].iter().any(|&p| {
                        matches!(
                            self.lex.gazetteer.place(p).kind,
                            PlaceKind::MajorCity | PlaceKind::Admin1
                        )
                    }),
                    _ => false,
                })
            {
                continue;
            }
            // "على كفرزيتا واللطامنة ومورك": joined by "و" or a comma to a place just read
            // as where the event was, a village continues that list.
            let joins_place = last_place_end.is_some_and(|e| coordinated(win, e, it.first))
                && out
                    .last()
                    .is_some_and(|p| matches!(p.role, PlaceRole::Head | PlaceRole::Vicinity));
            let ok = if it.is_word() || stop {
                // Also a word of the lexicons, or a common word: a place only where the text
                // says a place comes.
                marked
            } else {
                // A village name needs the text to mark it as a place; a preposition is
                // enough only for a capitalised (English) name.
                stands
                    || marked
                    || object
                    || after_container
                    || after_vicinity
                    || joins_place
                    || (locative && latin)
            };
            if !ok {
                if !it.is_word() {
                    in_list = false;
                }
                continue;
            }
            // A one-word match that is only the first word of a longer name the gazetteer
            // lacks ("خربة" + "الشعير"): read the whole name instead.
            // After a place word, a one-word name followed by a word with the article that
            // no lexicon knows is a two-word name ("قرية النهر الأبيض").
            let article_tail = opened_here
                && it.end < t1
                && win.tok(it.end).starts_with("ال")
                && !covered(it.end)
                && !self
                    .lex
                    .place_stopwords
                    .contains(&strip_article(win.tok(it.end)))
                && win.gap(it.end, it.end).chars().all(|c| c == ' ');
            let single_head = it.end == it.first + 1
                && (self.lex.name_heads.contains(win.tok(it.first))
                    || (it.end < t1 && self.lex.name_tails.contains(win.tok(it.end)))
                    || article_tail);
            let covered_by_word = |k: u32| {
                let i = items.partition_point(|x| x.first <= k);
                i > 0 && items[i - 1].end > k && items[i - 1].is_word()
            };
            if single_head && it.end < t1 && !covered_by_word(it.end) {
                if let Some((m, next)) =
                    self.unknown_name(win, items, it.first, t1, true, opened_here)
                {
                    if next > it.end {
                        out.push(m);
                        last_place_end = Some(next);
                        tok = next;
                        in_list = in_list || opened_here && opener.is_some_and(|(_, l, ..)| l);
                        continue;
                    }
                }
            }
            let group: std::rc::Rc<[PlaceId]> = it.place_candidates(self.lex).into();
            if opened_here {
                in_list = in_list || opener.is_some();
            }
            if object {
                // "قصفت قوات النظام كفرزيتا ومورك": the object may be a list.
                in_list = true;
            }
            if latin {
                // English lists need no plural place word: "in Hass, Kafr Nabl and Maarat Harma".
                in_list = true;
            }
            let rural = container_word.is_some_and(|p| p.disc(Disc::Countryside));
            // "محافظتي الرقة ودير الزور": joined by a bare "و", the second place plays the
            // first one's part; after a comma a new item of the outer list begins.
            let coordinated_prev = last_place_end
                .filter(|&e| {
                    coordinated(win, e, it.first)
                        && !(e..=it.first).any(|k| win.gap(k, k).contains(','))
                })
                .and_then(|_| out.last().map(|p| p.role));
            let mut role = if within(&scope.origin, it.first) || within(&scope.route, it.first) {
                PlaceRole::Origin
            } else if it.first < dateline_end
                || (it.first < unnamed_list_until
                    && (it.first.saturating_sub(2)..it.first)
                        .any(|k| matches!(win.tok(k), "في" | "in")))
            {
                // A dateline, or "في" after a list of unnamed villages: the container.
                PlaceRole::Container
            } else if let Some(r @ (PlaceRole::Container | PlaceRole::Origin)) = coordinated_prev {
                r
            } else if after_container {
                PlaceRole::Container
            } else if after_vicinity {
                // "on Jabal Tharda near Deir ez-Zor airport", "في قرية X قرب مدينة Y": the
                // second place only says where the first is.
                let locator = vicinity_word.is_some_and(|p| {
                    matches!(win.tok(p.first), "near" | "قرب" | "بالقرب")
                        && last_place_end.is_some_and(|e| {
                            e == p.first && !win.gap(e, e).contains([',', '.', ';'])
                        })
                });
                if locator {
                    PlaceRole::Container
                } else {
                    PlaceRole::Vicinity
                }
            } else {
                PlaceRole::Head
            };
            // "X countryside", "X province" (English): X contains the event's place, and
            // stands for it when no place inside is named, as "ريف X" and "محافظة X" do.
            let mut countryside_after = false;
            let mut province_after = false;
            if let Some(next) = items.get(ii + 1) {
                if next.first == it.end && next.disc(Disc::ContainerAfter) {
                    role = PlaceRole::Container;
                    if next.disc(Disc::Countryside) {
                        countryside_after = true;
                    } else {
                        province_after = true;
                    }
                }
                // "on al-Khourafi road": the road's name, not where the event was.
                if latin && next.first == it.end && next.disc(Disc::Route) {
                    role = PlaceRole::Origin;
                }
            }
            // "البارة بجبل الزاوية", "Al-Fterah town in ... Idlib": a place right after
            // another, introduced by ب or في, contains it.
            if role == PlaceRole::Head {
                if let Some(e) = last_place_end {
                    // Glue between the two: "في", place words, and at most one other word
                    // (an adjective: "حي بستان القصر المكتظ بمدينة حلب").
                    let mut others = 0;
                    let only_glue = (e..it.first).all(|k| {
                        let glue = matches!(win.tok(k), "في" | "in" | "of" | "the")
                            || items.iter().any(|x| {
                                x.first <= k
                                    && k < x.end
                                    && (x.disc(Disc::Placetype) || x.disc(Disc::Container))
                            });
                        if !glue && !items.iter().any(|x| x.first <= k && k < x.end) {
                            others += 1;
                            return others <= 1;
                        }
                        glue
                    });
                    let has_fi = (e..it.first).any(|k| matches!(win.tok(k), "في" | "in"));
                    let by_ba = (cl.starts_with('ب') || has_fi) && !coordinated(win, e, it.first);
                    if it.first >= e && it.first - e <= 3 && by_ba && only_glue {
                        role = PlaceRole::Container;
                    }
                }
            }
            let kind_hint = prev_adjacent
                .filter(|p| p.disc(Disc::Placetype) || p.disc(Disc::Placelist))
                .map(|p| {
                    if p.disc(Disc::Quarter) {
                        PlaceKind::Neighbourhood
                    } else if p.disc(Disc::Camp) {
                        PlaceKind::Site
                    } else if p.disc(Disc::City) {
                        PlaceKind::Town
                    } else {
                        PlaceKind::Village
                    }
                });
            // A name part joins the name written right after it ("تل رفعت"), not a place
            // introduced by a preposition ("مدينة التل بريف دمشق").
            let namepart = prev_adjacent
                .filter(|p| p.disc(Disc::Namepart) && !cl.contains(['ب', 'ل', 'ف', 'و', 'ك']));
            let name = match namepart {
                Some(np) => win.span_name(np.start, it.end),
                None => win.written(it),
            };
            // "تل بصير" is not the village "بصير": a name with its place word that the
            // gazetteer lacks as a whole is read as a name of its own.
            let group = if namepart.is_some() {
                None
            } else {
                Some(group)
            };
            let key = strip_article(key);
            let rural = rural || countryside_after;
            // A dateline stands for the event's place only at home: "BEIRUT (Reuters) -" is
            // where the reporter was.
            let home = || {
                group.iter().flat_map(|g| g.iter()).any(|&c| {
                    self.lex
                        .gazetteer
                        .place(c)
                        .admin1
                        .is_some_and(|a| self.lex.gazetteer.is_home(a))
                })
            };
            let direction = !rural
                && (province_after
                    || (it.first < dateline_end && home())
                    || container_word.is_some_and(|p| {
                        !matches!(
                            win.tok(p.first),
                            "محافظه" | "محافظتي" | "ناحيه" | "قضاء" | "province" | "governorate"
                        )
                    }));
            let mut m = PlaceMention {
                group: group.clone(),
                name,
                key,
                role,
                rural,
                direction,
                at: it.first,
                end: it.end,
                hint: Vec::new(),
                kind_hint,
            };
            if role == PlaceRole::Container {
                // A list may go on after "في X" only with "و": "… في الغوطة الشرقية،
                // و"عرطوز، صحنايا"".
                list_after_container = true;
            } else {
                list_after_container = false;
            }
            if role == PlaceRole::Container {
                // Containers hint the governorate of the places before them.
                if let Some(a) = group.as_ref().and_then(|gr| self.admin1_of_group(gr)) {
                    m.hint.push(a);
                    *st.admin1_mentions.entry(a).or_default() += 1;
                    st.recent_admin1.push((st.sentence, a));
                    // It places the names just before it: the list it closes, back to the
                    // first gap of more than three words.
                    let mut next_at = it.first;
                    for p in out.iter_mut().rev() {
                        if next_at.saturating_sub(p.end) > 3 {
                            break;
                        }
                        next_at = p.at;
                        if p.role == PlaceRole::Container {
                            continue;
                        }
                        if !p.hint.contains(&a) {
                            p.hint.push(a);
                        }
                    }
                }
            } else if let Some(a) = group.as_ref().and_then(|gr| self.admin1_of_group(gr)) {
                if stands {
                    *st.admin1_mentions.entry(a).or_default() += 1;
                    st.recent_admin1.push((st.sentence, a));
                }
            }
            out.push(m);
            last_place_end = Some(it.end);
        }
        // Whatever path read it, a place after a locator only says where the one before it is.
        for m in out.iter_mut() {
            if within(&scope.locator, m.at) && m.role != PlaceRole::Origin {
                m.role = PlaceRole::Container;
            }
        }
        // Names read from context get the same container rule as gazetteer names: right
        // after another place, introduced by "في"/"in", they contain it ("Kelz in Jabal
        // al-Turkman").
        for i in 1..out.len() {
            if out[i].group.is_some() || out[i].role != PlaceRole::Head {
                continue;
            }
            let e = out[i - 1].end;
            let at = out[i].at;
            if at < e || at - e > 3 {
                continue;
            }
            let has_fi = (e..at).any(|k| matches!(win.tok(k), "في" | "in"));
            let only_glue = (e..at).all(|k| {
                matches!(win.tok(k), "في" | "in" | "of" | "the")
                    || items.iter().any(|x| {
                        x.first <= k
                            && k < x.end
                            && (x.disc(Disc::Placetype) || x.disc(Disc::Container))
                    })
            });
            if has_fi && only_glue && !coordinated(win, e, at) {
                out[i].role = PlaceRole::Container;
            }
        }
        // "من مدينة إدلب إلى حماة", "from Raqqa to Aleppo": the ends of a journey.
        for i in 0..out.len().saturating_sub(1) {
            let (a, b) = (&out[i], &out[i + 1]);
            let from = a.at > t0 && matches!(win.tok(a.at - 1), "من" | "from")
                || (a.at > t0 + 1
                    && matches!(win.tok(a.at - 2), "من" | "from")
                    && items
                        .iter()
                        .any(|x| x.first == a.at - 1 && x.disc(Disc::Placetype)));
            let to = b.at > a.end
                && b.at - a.end <= 2
                && (a.end..b.at).any(|k| matches!(win.tok(k), "الي" | "to" | "نحو" | "towards"));
            if from && to {
                out[i].role = PlaceRole::Origin;
                out[i + 1].role = PlaceRole::Origin;
            }
        }
        out.into_iter().map(std::rc::Rc::new).collect()
    }

    /// The governorate of a place name, if all its namesakes that matter agree.
    fn admin1_of_group(&self, places: &[PlaceId]) -> Option<u16> {
        let g = &self.lex.gazetteer;
        // Prefer prominent namesakes.
        let best = places
            .iter()
            .copied()
            .max_by_key(|&p| match g.place(p).kind {
                PlaceKind::Admin1 => 5,
                PlaceKind::MajorCity => 4,
                PlaceKind::Country => 3,
                PlaceKind::Town => 2,
                _ => 0,
            })?;
        let bp = g.place(best);
        let all_agree = places.iter().all(|&p| g.place(p).admin1 == bp.admin1);
        if all_agree || bp.kind <= PlaceKind::MajorCity {
            bp.admin1
        } else {
            None
        }
    }

    /// A name the gazetteer lacks, read after a place word: one word, or two when the first
    /// is a usual first word of names (أم، تل، خربة …) or the second carries the article.
    fn unknown_name(
        &self,
        win: &Window<'_, 'l>,
        items: &[Item<'l>],
        tok: u32,
        t1: u32,
        strip_waw: bool,
        after_place_word: bool,
    ) -> Option<(PlaceMention, u32)> {
        let t = &win.tokens[tok as usize];
        if t.script == Script::Digits {
            return None;
        }
        let w = t.text(win.folded);
        let bare = if strip_waw {
            w.strip_prefix('و').unwrap_or(w)
        } else {
            w
        };
        let next_is_name_word = tok + 1 < t1
            && win.tokens.get(tok as usize + 1).is_some_and(|n| {
                let nw = n.text(win.folded);
                nw.starts_with("ال") && !self.lex.place_stopwords.contains(&strip_article(nw))
            });
        let heads_a_name = (self.lex.name_heads.contains(bare)
            || (after_place_word && next_is_name_word))
            && tok + 1 < t1;
        if is_function_word(w)
            || is_function_word(bare)
            || bare.chars().count() < 2
                        || (!heads_a_name && self.lex.place_stopwords.contains(&strip_article(bare)))
            // "حلب وريفها", "البلدة ومحيطها": a common word with a pronoun, not a name.
            || hudna_text::pronoun_suffix_split(bare)
                .is_some_and(|stem| self.lex.place_stopwords.contains(stem))
        {
            return None;
        }
        // "al-Jabin": a lower-case article before a capitalised name.
        let led_by_article = t.script == Script::Latin
            && is_latin_article(win, tok)
            && tok + 1 < t1
            && win.capital(tok + 1)
            && !win.all_caps(tok + 1)
            && win
                .gap(tok + 1, tok + 1)
                .chars()
                .all(|c| c == '-' || c == ' ')
            // (A name the gazetteer knows is read from its own item.)
            && !items
                .iter()
                .any(|it| it.first <= tok + 1 && tok + 1 < it.end);
        if t.script == Script::Latin && !led_by_article && (!win.capital(tok) || win.all_caps(tok))
        {
            return None;
        }
        let mut end = if led_by_article { tok + 2 } else { tok + 1 };
        if t.script == Script::Latin {
            // "Bab al-Nayrab", "Khan Sheikhoun", "Abu Rummana": capitalised words in a row,
            // with an article between them, up to three words.
            let mut words = 1;
            while words < 3 && (end as usize) < win.tokens.len() && end < t1 {
                let mut next = end;
                if is_latin_article(win, next) && next + 1 < t1 {
                    next += 1;
                }
                // A word the gazetteer reads as a place of its own may still be part of
                // this name ("Bab" + "Touma").
                let covered = items
                    .iter()
                    .any(|it| it.first <= next && next < it.end && it.is_word());
                let glued =
                    (end..=next).all(|k| win.gap(k, k).chars().all(|c| c == ' ' || c == '-'));
                if covered || !glued || !win.capital(next) || is_function_word(win.tok(next)) {
                    break;
                }
                end = next + 1;
                words += 1;
            }
        } else if end < t1
            && items.iter().filter(|it| it.first == end).all(|it| {
                // "وتل طويل": a name head takes the next word even when that word is a
                // place of its own.
                self.lex.name_heads.contains(bare)
                    && it.roles().all(|r| matches!(r, Role::Place(_)))
            })
        {
            let next = &win.tokens[end as usize];
            let nw = next.text(win.folded);
            let glued = {
                let s = t.end as usize;
                let e = next.start as usize;
                win.folded[s..e].chars().all(|c| c == ' ' || c == '-')
            };
            let head = if strip_waw {
                w.strip_prefix('و').unwrap_or(w)
            } else {
                w
            };
            // Two words with the article make a name only right after a place word ("جبهة
            // البحوث العلمية", "قرية النهر الأبيض"); elsewhere it is a noun and its adjective.
            let joins = self.lex.name_heads.contains(head)
                || self.lex.name_tails.contains(nw)
                || (after_place_word
                    && head.starts_with("ال")
                    && nw.starts_with("ال")
                    && !self.lex.place_stopwords.contains(&strip_article(nw)))
                || (nw.starts_with("ال")
                    && !head.starts_with("ال")
                    && !self.lex.place_stopwords.contains(&strip_article(nw)));
            if glued && joins && next.script == t.script && !is_function_word(nw) {
                end += 1;
            }
        }
        let s = t.start as usize;
        // Drop a leading conjunction inside a list: "والخضراوي".
        let s = if strip_waw
            && t.script == Script::Arabic
            && w.starts_with('و')
            && w.chars().count() >= 3
        {
            s + 'و'.len_utf8()
        } else {
            s
        };
        let e = win.tokens[end as usize - 1].end as usize;
        let (os, oe) = win.norm.original_range(s, e);
        let name = win.original[os..oe].trim().to_string();
        let key = strip_article(&win.folded[s..e]);
        Some((
            PlaceMention {
                group: None,
                name,
                key,
                role: PlaceRole::Head,
                rural: false,
                direction: false,
                at: tok,
                end,
                hint: Vec::new(),
                kind_hint: None,
            },
            end,
        ))
    }
}

/// "al", "el" and, before a hyphen, "ash", "az" …: articles of transliterated names.
fn is_latin_article(win: &Window<'_, '_>, i: u32) -> bool {
    let Some(t) = win.tokens.get(i as usize) else {
        return false;
    };
    if t.script != Script::Latin {
        return false;
    }
    let w = t.text(win.folded);
    matches!(w, "al" | "el")
        || (matches!(
            w,
            "ad" | "ar"
                | "as"
                | "ash"
                | "at"
                | "az"
                | "an"
                | "adh"
                | "ath"
                | "ed"
                | "es"
                | "er"
                | "et"
                | "ez"
        ) && win.folded[t.end as usize..].starts_with('-'))
}

fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "في" | "من"
            | "على"
            | "علي"
            | "الى"
            | "عن"
            | "مع"
            | "و"
            | "او"
            | "ثم"
            | "التي"
            | "الذي"
            | "الذين"
            | "هذه"
            | "هذا"
            | "تلك"
            | "ذلك"
            | "بين"
            | "عند"
            | "قرب"
            | "حيث"
            | "كما"
            | "ان"
            | "بعد"
            | "قبل"
            | "خلال"
            | "منذ"
            | "حتى"
            | "كل"
            | "بعض"
            | "عدد"
            | "عده"
            | "and"
            | "or"
            | "the"
            | "of"
            | "in"
            | "on"
            | "at"
            | "near"
            | "with"
            | "by"
            | "from"
            | "to"
            | "a"
            | "an"
            | "this"
            | "that"
            | "which"
            | "who"
            | "لم"
            | "لن"
            | "لا"
            | "قد"
            | "ما"
            | "لقد"
            | "كان"
            | "كانت"
            | "هو"
            | "هي"
            | "هم"
            | "انه"
            | "انها"
            | "اذ"
            | "اذا"
            | "لكن"
            | "غير"
            | "سوي"
            | "بحسب"
            | "وفق"
            | "وفقا"
            | "ايضا"
            | "حسب"
            | "نحو"
            | "عبر"
            | "ضمن"
            | "دون"
            | "رغم"
            | "تحت"
            | "فوق"
            | "امام"
            | "north"
            | "south"
            | "east"
            | "west"
            | "northern"
            | "southern"
            | "eastern"
            | "western"
            | "central"
    )
}

/// Whether the place starting at token `b` continues a list whose previous item ended at
/// token `a_end`: "X وY", "X، Y", "X and Y".
fn coordinated(win: &Window<'_, '_>, a_end: u32, b: u32) -> bool {
    // "Hasraya, al-Bab": the Latin article written apart belongs to the name.
    let b = if b > a_end && is_latin_article(win, b - 1) {
        b - 1
    } else {
        b
    };
    if b < a_end {
        return false;
    }
    let tb = &win.tokens[b as usize];
    match b - a_end {
        0 => {
            win.gap(a_end, b).contains(',')
                || (tb.text(win.folded).starts_with('و') && tb.script == Script::Arabic)
        }
        1 => matches!(win.tok(a_end), "و" | "and" | "or"),
        _ => false,
    }
}

/// A place name without the generic words that introduce it ("محافظة درعا" → "درعا",
/// "ريف حمص" → "حمص"), as the exchange format asks; `words` are the folded type words
/// (`typeword` in discourse.tsv).
fn strip_type_words(name: &str, words: &rustc_hash::FxHashSet<String>) -> String {
    let trimmed = name.trim();
    if let Some((first, rest)) = trimmed.split_once(' ') {
        if words.contains(&fold(first)) && rest.trim().chars().count() >= 2 {
            return rest.trim().to_string();
        }
    }
    trimmed.to_string()
}

/// As [`strip_article`], without copying when the name is one plain word.
fn strip_article_ref(key: &str) -> std::borrow::Cow<'_, str> {
    let k = key.trim();
    let k = k
        .strip_prefix("ال")
        .filter(|r| r.chars().nth(1).is_some())
        .unwrap_or(k);
    if k.chars()
        .all(|c| !(c == ' ' || c == '-' || c == '"' || c.is_ascii_punctuation()))
    {
        std::borrow::Cow::Borrowed(k)
    } else {
        std::borrow::Cow::Owned(strip_article(k))
    }
}

/// A key for a folded name: without the article and without spaces or punctuation.
fn strip_article(key: &str) -> String {
    let k = key.trim();
    let k = k
        .strip_prefix("ال")
        .filter(|r| r.chars().nth(1).is_some())
        .unwrap_or(k);
    k.chars()
        .filter(|&c| !(c == ' ' || c == '-' || c == '"' || c.is_ascii_punctuation()))
        .collect()
}

/// The day said in `[w0, w1)`, if any.
fn day_in(win: &Window<'_, '_>, items: &[Item<'_>], w0: u32, w1: u32) -> Option<DayKey> {
    let mut rel = None;
    let mut weekday: Option<(u8, bool)> = None;
    let mut explicit = None;
    let lo = items.partition_point(|it| it.first < w0);
    let hi = items.partition_point(|it| it.first < w1);
    let inside: &[Item<'_>] = &items[lo..hi.max(lo)];
    for (k, it) in inside.iter().enumerate() {
        match it.date() {
            Some(DateCue::Rel(n)) => {
                rel.get_or_insert(n);
            }
            Some(DateCue::Weekday(d)) => {
                let past = inside
                    .get(k + 1)
                    .is_some_and(|n| n.first == it.end && n.date() == Some(DateCue::Past))
                    || k.checked_sub(1)
                        .and_then(|p| inside.get(p))
                        .is_some_and(|p| p.end == it.first && p.date() == Some(DateCue::Past));
                weekday.get_or_insert((d, past));
            }
            Some(DateCue::Month(m)) => {
                // "29 شباط [2016]", "19 September 2016", "September 19".
                let day = k
                    .checked_sub(1)
                    .and_then(|p| inside.get(p))
                    .filter(|p| it.first - p.end <= 2)
                    .and_then(|p| p.digits)
                    .or_else(|| {
                        inside
                            .get(k + 1)
                            .filter(|n| n.first == it.end)
                            .and_then(|n| n.digits)
                            .filter(|&d| d <= 31)
                    });
                let year = inside
                    .iter()
                    .skip(k + 1)
                    .take(3)
                    .filter(|n| n.first <= it.end + 3)
                    .find_map(|n| n.digits.filter(|&y| (1990..=2100).contains(&y)));
                if let Some(d) = day.filter(|&d| (1..=31).contains(&d)) {
                    let key = match year {
                        Some(y) => NaiveDate::from_ymd_opt(y as i32, m as u32, d)
                            .map(DayKey::Date)
                            .unwrap_or(DayKey::DayMonth {
                                day: d as u8,
                                month: m,
                            }),
                        None => DayKey::DayMonth {
                            day: d as u8,
                            month: m,
                        },
                    };
                    explicit.get_or_insert(key);
                }
            }
            _ => {}
        }
    }
    let _ = win;
    explicit
        .or(weekday.map(|(day, past)| DayKey::Weekday { day, past }))
        .or(rel.map(DayKey::Rel))
}

impl<'l> Engine<'l> {
    /// Resolves one place mention of a frame.
    fn resolve(
        &self,
        p: &PlaceMention,
        f: &Frame,
        article_admin1: &[u16],
        near: &[(f64, f64)],
    ) -> Resolved {
        let g = &self.lex.gazetteer;
        let mut ctx = Context {
            admin1: p.hint.clone(),
            near,
        };
        for a in &f.recent_admin1 {
            if !ctx.admin1.contains(a) {
                ctx.admin1.push(*a);
            }
        }
        for a in article_admin1 {
            if !ctx.admin1.contains(a) {
                ctx.admin1.push(*a);
            }
        }
        let mut chosen: Option<PlaceId> = p.group.as_ref().and_then(|group| g.choose(group, &ctx));
        // The sentence places it in a governorate where the gazetteer has no such name:
        // the gazetteer lacks this village; keep the governorate the text gives.
        if let Some(id) = chosen {
            let pl = g.place(id);
            // (Not a town of some size: "مدينتي جبلة وطرطوس" names two coastal cities in
            // two governorates, and a namesake of a city of tens of thousands is unlikely.)
            let sizeable = pl.population.is_some_and(|n| n >= SIZEABLE_TOWN);
            if !p.hint.is_empty()
                && pl.admin1.is_some_and(|a| !p.hint.contains(&a))
                && matches!(
                    pl.kind,
                    PlaceKind::Village | PlaceKind::Abandoned | PlaceKind::Town
                )
                && !sizeable
            {
                chosen = None;
            }
            // The sentences just before name a governorate, the text calls this a village or
            // a quarter, and no namesake lies there: the gazetteer lacks it.
            let small = matches!(pl.kind, PlaceKind::Village | PlaceKind::Abandoned)
                || (pl.kind == PlaceKind::Town
                    && matches!(
                        p.kind_hint,
                        Some(PlaceKind::Village | PlaceKind::Neighbourhood)
                    ));
            if p.hint.is_empty()
                && small
                && !f.recent_admin1.is_empty()
                && pl.admin1.is_some_and(|a| !f.recent_admin1.contains(&a))
                && article_admin1.first().is_none_or(|&a| pl.admin1 != Some(a))
            {
                chosen = None;
            }
            // A village listed with places that all lie in one other governorate ("بابيلا
            // والحامدية ومعرة النعمان"): the gazetteer lacks the one meant.
            if chosen.is_some() && p.hint.is_empty() && small {
                let siblings: Vec<u16> = f
                    .places
                    .iter()
                    .filter(|q| !std::ptr::eq(q.as_ref(), p))
                    .filter_map(|q| q.group.as_ref())
                    .filter(|g| {
                        g.iter()
                            .any(|&c| self.lex.gazetteer.place(c).kind.stands_alone())
                    })
                    .filter_map(|g| self.admin1_of_group(g))
                    .collect();
                if let Some(&first) = siblings.first() {
                    if siblings.iter().all(|&a| a == first) && pl.admin1 != Some(first) {
                        chosen = None;
                        ctx.admin1.insert(0, first);
                    }
                }
            }
        }
        match chosen {
            Some(id) => {
                let pl = g.place(id);
                let precision = if p.rural {
                    GeoPrecision::District
                } else {
                    match pl.kind {
                        PlaceKind::Country => GeoPrecision::Country,
                        PlaceKind::Admin1 => GeoPrecision::Admin1,
                        PlaceKind::Region | PlaceKind::Mountain => GeoPrecision::District,
                        // A quarter's point is its rough centroid (±1 km in the gazetteer):
                        // as coarse as a village's, so a finding near a zone edge is not
                        // made more certain than the point allows.
                        PlaceKind::Neighbourhood => GeoPrecision::Locality,
                        PlaceKind::Site => GeoPrecision::Point,
                        // A large city's centroid stands for an area several km across: a
                        // report of "shelling on Aleppo" may have fallen anywhere in it.
                        _ if pl.population.is_some_and(|n| n >= CITY_POPULATION) => {
                            GeoPrecision::District
                        }
                        _ => GeoPrecision::Locality,
                    }
                };
                Resolved {
                    place: Some(id),
                    admin1: pl.admin1,
                    lat: Some(pl.lat),
                    lon: Some(pl.lon),
                    precision: Some(precision),
                    key: PlaceKey::Known(id, p.rural),
                }
            }
            None => {
                // A name the gazetteer lacks: its container's governorate and point, or
                // the governorate of the known places listed with it ("حسرايا والجبين وتل
                // ملح").
                let siblings = self.siblings(p, f, &ctx);
                let a = ctx.admin1.first().copied().or(siblings.map(|(a, _)| a));
                let container_point = f
                    .containers
                    .iter()
                    .filter_map(|c| c.group.as_ref())
                    .find_map(|group| g.choose(group, &ctx))
                    .map(|id| (g.place(id).lat, g.place(id).lon));
                let seat_point = a
                    .and_then(|a| g.admin1_seat(a))
                    .map(|s| (g.place(s).lat, g.place(s).lon));
                let sibling_point = siblings
                    .filter(|&(sa, _)| Some(sa) == a)
                    .map(|(_, id)| (g.place(id).lat, g.place(id).lon));
                let point = container_point.or(sibling_point).or(seat_point);
                Resolved {
                    place: None,
                    admin1: a,
                    lat: point.map(|p| p.0),
                    lon: point.map(|p| p.1),
                    precision: point.map(|_| GeoPrecision::District),
                    key: PlaceKey::Named(p.key.as_str().into()),
                }
            }
        }
    }

    /// The one governorate of the other known places of a frame, if they agree, and the
    /// first of those places.
    fn siblings(&self, p: &PlaceMention, f: &Frame, ctx: &Context<'_>) -> Option<(u16, PlaceId)> {
        let g = &self.lex.gazetteer;
        let mut found: Option<(u16, PlaceId)> = None;
        for q in f.places.iter().filter(|q| !std::ptr::eq(q.as_ref(), p)) {
            let Some(group) = &q.group else { continue };
            let id = g.choose(group, ctx)?;
            let a = g.place(id).admin1?;
            match found {
                Some((b, _)) if b != a => return None,
                Some(_) => {}
                None => found = Some((a, id)),
            }
        }
        found
    }

    /// Resolves places and merges frames into incidents.
    fn incidents(&self, article: &Article, st: ArticleState) -> Vec<Incident> {
        let g = &self.lex.gazetteer;
        // Governorates the article names, most often first.
        let mut article_admin1: Vec<(u16, u32)> =
            st.admin1_mentions.iter().map(|(a, n)| (*a, *n)).collect();
        article_admin1.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let article_admin1: Vec<u16> = article_admin1.into_iter().map(|(a, _)| a).collect();
        // Points of unambiguous places.
        let mut near: Vec<(f64, f64)> = Vec::new();
        for f in &st.frames {
            for p in f.places.iter().chain(f.containers.iter()) {
                if let Some(group) = &p.group {
                    if group.len() == 1 {
                        let pl = g.place(group[0]);
                        if pl.kind != PlaceKind::Country && pl.kind != PlaceKind::Admin1 {
                            near.push((pl.lat, pl.lon));
                        }
                    }
                }
            }
        }

        struct Draft {
            inc: Incident,
            day: Option<DayKey>,
            place_key: PlaceKey,
            actor_known: bool,
            sentence: usize,
            resolved: Resolved,
            headline: bool,
            vague_day: bool,
        }
        let mut drafts: Vec<Draft> = Vec::new();
        // Drafts by type and place, to find the one a mention merges into without a scan.
        let mut by_place: FxHashMap<(IncidentType, PlaceKey), Vec<usize>> = FxHashMap::default();
        let mut cursor = CharCursor {
            text: &article.text,
            byte: 0,
            chars: 0,
        };
        // Resolve every frame's places, then drop those that only contain another place
        // named in the same sentence ("حلب" beside "حي الشعار", "ريف دمشق" beside "داريا").
        let all: Vec<Vec<Resolved>> = st
            .frames
            .iter()
            .map(|f| {
                f.places
                    .iter()
                    .map(|p| self.resolve(p, f, &article_admin1, &near))
                    .collect()
            })
            .collect();
        for (fi, f) in st.frames.iter().enumerate() {
            let cs = cursor.char_at(f.span.0);
            let ce = cursor.char_at(f.span.1);
            let resolved = &all[fi];
            // Frames are in sentence order: those of this sentence sit next to it.
            let lo = st.frames[..fi]
                .iter()
                .rposition(|g2| g2.sentence != f.sentence)
                .map_or(0, |i| i + 1);
            let hi = st.frames[fi..]
                .iter()
                .position(|g2| g2.sentence != f.sentence)
                .map_or(st.frames.len(), |i| fi + i);
            let keep: Vec<bool> = resolved
                .iter()
                .map(|r| {
                    !all[lo..hi]
                        .iter()
                        .any(|rs| rs.iter().any(|q| contains(g, r, q)))
                })
                .collect();
            let n_places = keep.iter().filter(|k| **k).count();
            for (pi, p) in f.places.iter().enumerate() {
                if !keep[pi] {
                    continue;
                }
                let Resolved {
                    admin1,
                    lat,
                    lon,
                    precision,
                    key,
                    ..
                } = resolved[pi].clone();
                let admin1 = admin1.map(|a| g.admin1_name(a).to_string());
                // Tolls: a toll tied to this place, or the frame's toll when it has one place.
                let mut killed = None;
                let mut injured = None;
                for (tied, t) in &f.tolls {
                    let applies = match tied {
                        Some(i) => *i == pi,
                        None => n_places == 1,
                    };
                    if !applies {
                        continue;
                    }
                    match t.kind {
                        TollKind::Killed => {
                            killed = killed.or(t.value);
                        }
                        TollKind::Injured => {
                            injured = injured.or(t.value);
                        }
                        TollKind::Nobody => {
                            killed = killed.or(Some(0));
                            injured = injured.or(Some(0));
                        }
                    }
                }
                let target = match f.target {
                    Some(TargetCue::Class(t)) => t,
                    Some(TargetCue::Vague) => Target::Unknown,
                    None => match f.kind {
                        IncidentType::ArmedClash => Target::Armed,
                        _ if f.target_actor.is_some() => Target::Armed,
                        _ => Target::Civilians,
                    },
                };
                let actor = f
                    .actor
                    .or_else(|| st.title_actors.first().copied().filter(|_| false));
                let perpetrator = actor
                    .map(|a| self.lex.code(a).to_string())
                    .unwrap_or_else(|| "UNKNOWN".to_string());
                let inc = Incident {
                    article_id: article.id.clone(),
                    kind: f.kind,
                    date: f.day.and_then(|d| d.resolve(st.published)),
                    place: Some(strip_type_words(&p.name, &self.lex.type_words)),
                    admin1,
                    lat,
                    lon,
                    perpetrator,
                    target,
                    target_actor: f.target_actor.map(|a| self.lex.code(a).to_string()),
                    killed,
                    injured,
                    geo_precision: precision,
                    claimed: f.claimed,
                    evidence: vec![[cs, ce]],
                };
                let draft = Draft {
                    inc,
                    day: f.day.map(|d| d.canonical(st.published)),
                    place_key: key,
                    actor_known: actor.is_some() && actor != Some(self.lex.unknown),
                    sentence: f.sentence,
                    resolved: resolved[pi].clone(),
                    headline: f.headline,
                    vague_day: f.vague_day,
                };
                // Merge with an earlier draft of the same event.
                let slot = by_place
                    .entry((draft.inc.kind, draft.place_key.clone()))
                    .or_default();
                let same = slot.iter().copied().find(|&i| {
                    let d = &drafts[i];
                    (d.day == draft.day || d.day.is_none() || draft.day.is_none())
                        && (d.inc.perpetrator == draft.inc.perpetrator
                            || !d.actor_known
                            || !draft.actor_known
                            // A clash has two sides; each report may name either.
                            || draft.inc.kind == IncidentType::ArmedClash)
                });
                if same.is_none() {
                    slot.push(drafts.len());
                }
                match same.map(|i| &mut drafts[i]) {
                    Some(d) => {
                        let _ = d.sentence;
                        d.headline = d.headline && draft.headline;
                        if !d.actor_known && draft.actor_known {
                            d.inc.perpetrator = draft.inc.perpetrator.clone();
                            d.actor_known = true;
                        }
                        if d.day.is_none() {
                            d.day = draft.day;
                            d.inc.date = d.inc.date.or(draft.inc.date);
                        }
                        d.inc.claimed |= draft.inc.claimed;
                        d.inc.killed = d.inc.killed.or(draft.inc.killed);
                        d.inc.injured = d.inc.injured.or(draft.inc.injured);
                        if target_rank(draft.inc.target) < target_rank(d.inc.target) {
                            d.inc.target = draft.inc.target;
                        }
                        if d.inc.target_actor.is_none() {
                            d.inc.target_actor = draft.inc.target_actor.clone();
                        }
                        if d.inc.evidence.len() < MAX_EVIDENCE
                            && !d.inc.evidence.contains(&[cs, ce])
                        {
                            d.inc.evidence.push([cs, ce]);
                        }
                    }
                    None => drafts.push(draft),
                }
            }
        }
        // A report that names only a city or a governorate, when the article also reports
        // the same kind of event by the same side at a place inside it, is the headline or
        // summary of that event, not another one ("Idlib | regime rockets …" above the
        // villages hit). It goes, unless it says something the others do not (a toll, a
        // hospital hit).
        let n = drafts.len();
        let mut drop = vec![false; n];
        for i in 0..n {
            let d = &drafts[i];
            // "انفجار" after a strike on the same place is the strike's blast, not a bomb.
            if d.inc.kind == IncidentType::Explosion
                && drafts.iter().any(|e| {
                    matches!(e.inc.kind, IncidentType::AirStrike | IncidentType::Shelling)
                        && e.place_key == d.place_key
                        && (e.day == d.day || e.day.is_none() || d.day.is_none())
                        && (!d.actor_known || e.inc.perpetrator == d.inc.perpetrator)
                })
            {
                drop[i] = true;
                continue;
            }
            let broad = match d.resolved.place {
                Some(p) => !matches!(
                    g.place(p).kind,
                    PlaceKind::Village | PlaceKind::Abandoned | PlaceKind::Neighbourhood
                ),
                None => false,
            };
            if !broad && !d.headline {
                continue;
            }
            // An event placed only in the country, when the article places others, is a
            // summary of those.
            if d.resolved
                .place
                .is_some_and(|p| g.place(p).kind == PlaceKind::Country)
                && drafts.iter().any(|e| {
                    e.resolved
                        .place
                        .is_none_or(|p| g.place(p).kind != PlaceKind::Country)
                })
            {
                drop[i] = true;
                continue;
            }
            // A headline that the body reports in more detail is not another event.
            if d.headline && drafts.iter().any(|e| !e.headline) {
                drop[i] = true;
                continue;
            }
            if !matches!(
                d.inc.target,
                Target::Civilians | Target::Unknown | Target::Armed
            ) {
                continue;
            }
            drop[i] = (0..n).any(|j| {
                let e = &drafts[j];
                j != i
                    && e.inc.kind == d.inc.kind
                    && (e.inc.perpetrator == d.inc.perpetrator || !d.actor_known)
                    && (e.day == d.day || e.day.is_none() || d.day.is_none())
                    && (contains(g, &d.resolved, &e.resolved)
                        || (d.inc.killed.is_none()
                            && d.inc.injured.is_none()
                            && contains_as(g, &d.resolved, &e.resolved, true)))
            });
        }
        // (Summaries dropped above still date the report.)
        let dated: Vec<(usize, NaiveDate)> = st
            .lead_day
            .map(|day| (0, day))
            .into_iter()
            .chain(
                drafts
                    .iter()
                    .filter_map(|d| d.inc.date.map(|day| (d.sentence, day))),
            )
            .collect();
        let mut kept: Vec<Draft> = drafts
            .into_iter()
            .zip(drop)
            .filter(|(_, dropped)| !dropped)
            .map(|(d, _)| d)
            .collect();
        // A report tells its events on the day its lead gives unless a sentence says
        // otherwise ("aircraft struck Aleppo on Friday … in the western countryside fifteen
        // were killed in Bshaqtin"): an undated incident takes the day of the last dated one
        // before it (before any, the first); one dated only vaguely keeps no day.
        if let Some(&(_, first)) = dated.iter().min_by_key(|(s, _)| *s) {
            for d in kept
                .iter_mut()
                .filter(|d| d.inc.date.is_none() && !d.vague_day)
            {
                d.inc.date = Some(
                    dated
                        .iter()
                        .filter(|(s, _)| *s <= d.sentence)
                        .max_by_key(|(s, _)| *s)
                        .map_or(first, |&(_, day)| day),
                );
            }
        }
        kept.into_iter().map(|d| d.inc).collect()
    }
}

/// A place mention resolved against the gazetteer.
#[derive(Debug, Clone)]
struct Resolved {
    place: Option<PlaceId>,
    admin1: Option<u16>,
    lat: Option<f64>,
    lon: Option<f64>,
    precision: Option<GeoPrecision>,
    key: PlaceKey,
}

/// What makes two mentions the same place: a gazetteer place (and whether its countryside
/// was meant), or a name the gazetteer lacks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PlaceKey {
    Known(PlaceId, bool),
    Named(std::rc::Rc<str>),
}

/// Whether `outer` only contains `inner` (a governorate or country beside one of its
/// places, a city beside one of its quarters).
fn contains(g: &hudna_gazetteer::Gazetteer, outer: &Resolved, inner: &Resolved) -> bool {
    contains_as(g, outer, inner, false)
}

/// As [`contains`]; with `loose`, a governorate seat also stands for its governorate
/// ("Idlib" in a headline over villages of Idlib province).
fn contains_as(
    g: &hudna_gazetteer::Gazetteer,
    outer: &Resolved,
    inner: &Resolved,
    loose: bool,
) -> bool {
    if loose {
        if let Some(o) = outer.place {
            let op = g.place(o);
            // A plain, a range, a desert: the places within a few tens of km and in its
            // governorate are in it.
            if matches!(op.kind, PlaceKind::Region | PlaceKind::Mountain)
                && outer.place != inner.place
                && inner.admin1 == op.admin1
                && inner.lat.zip(inner.lon).is_some_and(|(la, lo)| {
                    hudna_gazetteer::approx_km(op.lat, op.lon, la, lo) < 40.0
                })
            {
                return true;
            }
            if op.kind == PlaceKind::MajorCity
                && op.admin1.is_some()
                && op.admin1 == inner.admin1
                && outer.place != inner.place
            {
                return true;
            }
        }
    }
    let (Some(o), Some(i)) = (outer.place, inner.place) else {
        // A name the gazetteer lacks is inside the governorate it was placed in.
        return match (outer.place, inner.place) {
            (Some(o), None) => {
                let op = g.place(o);
                match op.kind {
                    PlaceKind::Country => inner.admin1.is_some(),
                    PlaceKind::Admin1 => inner.admin1.is_some() && op.admin1 == inner.admin1,
                    // A quarter the gazetteer lacks, placed at its city's point.
                    PlaceKind::MajorCity => {
                        op.admin1 == inner.admin1
                            && inner.lat.zip(inner.lon).is_some_and(|(la, lo)| {
                                hudna_gazetteer::haversine_km(op.lat, op.lon, la, lo) < 1.0
                            })
                    }
                    _ => false,
                }
            }
            _ => false,
        };
    };
    if o == i {
        return false;
    }
    let (op, ip) = (g.place(o), g.place(i));
    match op.kind {
        PlaceKind::Country => ip.kind != PlaceKind::Country,
        PlaceKind::Admin1 => ip.kind != PlaceKind::Admin1 && ip.admin1 == op.admin1,
        // A city's quarters and sites lie within 15 km of its point; a town is smaller, and
        // an airbase 7 km off is beside it, not in it ("Tal Rifaat and Menagh").
        PlaceKind::MajorCity | PlaceKind::Town => {
            let reach = if op.kind == PlaceKind::MajorCity {
                15.0
            } else {
                5.0
            };
            matches!(ip.kind, PlaceKind::Neighbourhood | PlaceKind::Site)
                && hudna_gazetteer::haversine_km(op.lat, op.lon, ip.lat, ip.lon) < reach
        }
        _ => false,
    }
}

fn target_rank(t: Target) -> u8 {
    match t {
        Target::Medical => 0,
        Target::Humanitarian => 1,
        Target::Education => 2,
        Target::Infrastructure => 3,
        Target::Armed => 4,
        Target::Civilians => 5,
        Target::Unknown => 6,
    }
}
