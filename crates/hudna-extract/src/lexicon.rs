//! The lexicons and the gazetteer compiled into one phrase matcher.
//!
//! Every phrase of every data file becomes one entry of a single [`PhraseSet`], so the text
//! is scanned once and the longest phrase wins across files: "وقف إطلاق النار" (a ceasefire,
//! `block`) beats "إطلاق النار" (shooting), "جبهة النصرة" (an actor) beats the village
//! النصرة. A phrase can play several roles at once ("الطيران الروسي" is an actor and a
//! weapon); each phrase keeps the list of its [`Role`]s.

use hudna_core::{IncidentType, Target};
use hudna_gazetteer::{Gazetteer, PlaceId, Source};
use hudna_text::{fold, Added, PhraseOptions, PhraseSet, PhraseSetBuilder};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::data::DataSource;
use crate::ExtractError;

/// Index into [`Lexicon::actors`].
pub type ActorId = u16;

/// What an event word says about the type of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventClass {
    /// The word fixes the type.
    Type(IncidentType),
    /// A generic attack word; the type comes from the weapon, actor and target.
    Strike,
    /// An attack by people on the ground: a clash or an attack depending on the target.
    Assault,
}

/// How an attack was carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Means {
    /// Aircraft, helicopters, barrel bombs.
    Air,
    /// Drones.
    Drone,
    /// Artillery, mortars, tanks.
    Ground,
    /// Rockets and missiles: from the ground, unless aircraft are named with them.
    Missile,
    /// Small arms, snipers.
    Gun,
    /// IEDs, car bombs, mines, suicide bombers.
    Explosive,
    /// Cover or support ("بغطاء جوي", "air cover"): says nothing of how the event itself
    /// was carried out.
    Support,
}

/// How a phrase names an actor; see `actor_names.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// Names the actor.
    Name,
    /// Names the actor's aircraft.
    Air,
    /// An adjective, valid right after an event or weapon word.
    Adj,
    /// Refers back to the last of its actors named in the article.
    Weak,
}

/// A target word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetCue {
    /// A class of target.
    Class(Target),
    /// Only "areas" or "outskirts": the target is unknown.
    Vague,
}

/// A word about casualties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasualtyKind {
    /// Dead.
    Killed,
    /// Wounded.
    Injured,
    /// Nobody was hurt.
    None,
    /// "among them": what follows is part of a toll.
    Subset,
    /// A count without a number.
    Vague,
}

/// A casualty word that carries its own count ("مقتله": one dead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasualtyCount {
    /// Killed or injured.
    pub kind: CasualtyKind,
    /// How many.
    pub count: u32,
}

/// A number word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    /// A value that adds up with neighbours.
    Unit,
    /// A multiplier (thousand).
    Scale,
    /// A dual noun: two.
    Dual,
    /// A singular noun for a person ("طفل", "امرأة"): one, unless a number was just read
    /// ("15 امرأة" is fifteen).
    Single,
    /// "at least", "more than".
    About,
}

/// A word about the day of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateCue {
    /// Days relative to publication.
    Rel(i8),
    /// 0 = Sunday … 6 = Saturday.
    Weekday(u8),
    /// "last" after a weekday.
    Past,
    /// A month name.
    Month(u8),
    /// A period, not a day.
    Vague,
}

/// Words that change how the words around them read; see `discourse.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Disc {
    Cutoff,
    Skipline,
    Block,
    Habitual,
    Irrealis,
    Accusation,
    Agent,
    Origin,
    Container,
    ContainerAfter,
    Vicinity,
    /// "المشرف على", "overlooking": after a place, the place named next only says where
    /// the first one is.
    Locator,
    /// "التابعة لـ", "affiliated with": right after a named group, the actor named next is
    /// its patron, and the named group is who acted.
    Patron,
    /// "الرد على نيران", "in response to": the actor named right after it is the one being
    /// answered, not the one acting now.
    Answered,
    /// "وفق", "according to": who is named right after it told the news; a target word
    /// there ("الدفاع المدني") is the source, not what was hit.
    Source,
    /// "said", "told": the words right before it name who spoke ("the civil defence said"),
    /// not what was hit.
    SourceAfter,
    Placetype,
    Placelist,
    Anaphor,
    Similar,
    Route,
    Aftermath,
    Namepart,
    Backer,
    Personnel,
    Outlet,
    Controller,
    Held,
    Claim,
    Unit,
    Flight,
    Facility,
    /// Air defence firing or an interceptor ("صواريخ الدفاع الجوي", "صاروخ اعتراضي"):
    /// an event word next to it is the defence at work, not an attack on the ground.
    Defence,
    /// A container word that means the countryside around a place ("ريف"): the event was
    /// in the villages around it, not in it.
    Countryside,
    /// A place word for a quarter of a city ("حي"): the name after it is a neighbourhood.
    Quarter,
    /// A place word for a camp ("مخيم"): the name after it is a camp.
    Camp,
    /// A place word for a city ("مدينة"): the name after it is a town or a city, not a
    /// village, and a namesake village elsewhere is not meant.
    City,
    /// "the hilltop", "التلة": an anaphor that refers back to a hill or mountain.
    Hill,
    /// "إثر", "جراء", "as a result of": the event word right after it caused what the
    /// clause before it tells.
    Cause,
    /// "فيما", "بينما", "while": a new clause starts.
    ClauseBreak,
}

/// One role of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An event word.
    Event {
        /// Type or generic.
        class: EventClass,
        /// A noun (can head a clause on its own) rather than a verb.
        noun: bool,
        /// A generic word that needs a weapon, an actor or an earlier event to count.
        weak: bool,
    },
    /// A weapon.
    Weapon(Means),
    /// An actor name.
    Actor {
        /// Index into [`Lexicon::actor_sets`]: the actor, or for weak names the candidates.
        set: u16,
        /// How it names the actor.
        kind: ActorKind,
        /// Whether the phrase as listed starts with the article (ال); used to tell
        /// "المسلحين" (the gunmen, of a side already named) from "مسلحين" (unknown gunmen).
        article: bool,
    },
    /// A target word.
    Target(TargetCue),
    /// A casualty word.
    Casualty(CasualtyKind),
    /// A casualty word that carries its own count.
    Counted(CasualtyCount),
    /// A number word.
    Number {
        /// Kind.
        kind: NumberKind,
        /// Value.
        value: u32,
    },
    /// A date word; `article` when the listed phrase starts with ال, which the text must
    /// then have too ("الأحد" is Sunday, "أحد" is "one").
    Date {
        /// What it says.
        cue: DateCue,
        /// Listed with the article.
        article: bool,
    },
    /// A discourse word.
    Disc(Disc),
    /// A place name; index into [`Lexicon::place_groups`].
    Place(u32),
}

/// An actor of the theatre.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Code (`SYR_GOV`, `RUS`, …).
    pub code: String,
    /// English name.
    pub name: String,
    /// Its attacks in the theatre come from the air (`strikes` = `air` in `actors.tsv`): a
    /// plain "struck" of its, with no weapon named, is an air strike.
    pub air_power: bool,
}

/// Everything the extractor matches, compiled; see the module documentation.
#[derive(Debug)]
pub struct Lexicon {
    /// The matcher.
    pub phrases: PhraseSet,
    /// Roles of each phrase.
    pub roles: Vec<Vec<Role>>,
    /// Places that share each place name.
    pub place_groups: Vec<Vec<PlaceId>>,
    /// Actor sets referred to by [`Role::Actor`].
    pub actor_sets: Vec<Vec<ActorId>>,
    /// The theatre's actors.
    pub actors: Vec<Actor>,
    /// Folded phrases that end an article (related headlines).
    pub cutoff: Vec<String>,
    /// Folded phrases that mark a line as page furniture.
    pub skipline: Vec<String>,
    /// Folded place names that need a place word in front to count.
    pub place_stopwords: FxHashSet<String>,
    /// Folded first words of many place names ("تل", "kafr"): a name the gazetteer lacks
    /// that starts with one takes the next word too.
    pub name_heads: FxHashSet<String>,
    /// Folded last words of place names ("الكبير"): a name followed by one takes it.
    pub name_tails: FxHashSet<String>,
    /// Folded words that tie unknown gunmen to the side named next ("يتبعون").
    pub affiliation: FxHashSet<String>,
    /// Folded words for kinds of places, dropped from the front of a place name in the
    /// output ("ريف حمص" → "حمص").
    pub type_words: FxHashSet<String>,
    /// The gazetteer.
    pub gazetteer: Gazetteer,
    /// Id of `UNKNOWN`.
    pub unknown: ActorId,
}

struct Builder {
    phrases: PhraseSetBuilder,
    roles: Vec<Vec<Role>>,
}

impl Builder {
    fn add(&mut self, phrase: &str, role: Role, options: PhraseOptions) -> bool {
        let folded = fold(phrase);
        let idx = match self.phrases.add(&folded, options) {
            Added::New(i) | Added::Existing(i) => i as usize,
            Added::Empty => return false,
        };
        if self.roles.len() <= idx {
            self.roles.resize(idx + 1, Vec::new());
        }
        if !self.roles[idx].contains(&role) {
            self.roles[idx].push(role);
        }
        true
    }
}

/// A folded one-word name without the article, to compare place words with place names.
fn name_key(folded: &str) -> String {
    match folded.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 => rest.to_string(),
        _ => folded.to_string(),
    }
}

/// Rows of a lexicon TSV: (line number, cells), comments and blank lines skipped.
fn rows(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() || l.starts_with('#') {
            None
        } else {
            Some((i + 1, l.split('\t').map(str::trim).collect()))
        }
    })
}

fn bad(src: &DataSource, rel: &str, line: usize, reason: String) -> ExtractError {
    ExtractError::Data {
        file: src.describe(rel),
        line,
        reason,
    }
}

fn cell<'a>(
    src: &DataSource,
    rel: &str,
    line: usize,
    row: &[&'a str],
    i: usize,
    name: &str,
) -> Result<&'a str, ExtractError> {
    match row.get(i) {
        Some(c) if !c.is_empty() => Ok(c),
        _ => Err(bad(src, rel, line, format!("missing column `{name}`"))),
    }
}

impl Lexicon {
    /// Loads the lexicons and the named theatre from `src`.
    pub fn load(src: &DataSource, theatre: &str) -> Result<Lexicon, ExtractError> {
        let mut b = Builder {
            phrases: PhraseSetBuilder::new(),
            roles: Vec::new(),
        };
        let plain = PhraseOptions::default();

        // Actors.
        let actors_rel = format!("theatres/{theatre}/actors.tsv");
        let text = src.require(&actors_rel)?;
        let mut actors = Vec::new();
        for (line, row) in rows(&text) {
            if row[0] == "code" {
                continue;
            }
            let code = cell(src, &actors_rel, line, &row, 0, "code")?;
            let name = row.get(1).copied().unwrap_or(code);
            let air_power = match row.get(3).copied().unwrap_or("") {
                "air" => true,
                "" | "ground" => false,
                other => {
                    return Err(bad(
                        src,
                        &actors_rel,
                        line,
                        format!("field `strikes`: `{other}` is neither `air` nor `ground`"),
                    ))
                }
            };
            actors.push(Actor {
                code: code.to_string(),
                name: name.to_string(),
                air_power,
            });
        }
        let unknown = actors
            .iter()
            .position(|a| a.code == "UNKNOWN")
            .ok_or_else(|| bad(src, &actors_rel, 1, "no actor `UNKNOWN`".into()))?
            as ActorId;
        let mut actor_sets: Vec<Vec<ActorId>> = Vec::new();
        let mut actor_phrases: Vec<String> = Vec::new();
        let mut set_index: FxHashMap<Vec<ActorId>, u16> = FxHashMap::default();
        let names_rel = format!("theatres/{theatre}/actor_names.tsv");
        let text = src.require(&names_rel)?;
        for (line, row) in rows(&text) {
            let codes = cell(src, &names_rel, line, &row, 0, "codes")?;
            let kind = match cell(src, &names_rel, line, &row, 1, "kind")? {
                "name" => ActorKind::Name,
                "air" => ActorKind::Air,
                "adj" => ActorKind::Adj,
                "weak" => ActorKind::Weak,
                k => return Err(bad(src, &names_rel, line, format!("unknown kind `{k}`"))),
            };
            let phrase = cell(src, &names_rel, line, &row, 2, "phrase")?;
            let mut ids = Vec::new();
            for code in codes.split('|') {
                let id = actors.iter().position(|a| a.code == code).ok_or_else(|| {
                    bad(
                        src,
                        &names_rel,
                        line,
                        format!("unknown actor code `{code}`"),
                    )
                })?;
                ids.push(id as ActorId);
            }
            let set = match set_index.get(&ids) {
                Some(&s) => s,
                None => {
                    let s = actor_sets.len() as u16;
                    actor_sets.push(ids.clone());
                    set_index.insert(ids, s);
                    s
                }
            };
            let article = fold(phrase).starts_with("ال");
            b.add(phrase, Role::Actor { set, kind, article }, plain);
            actor_phrases.push(phrase.to_string());
        }

        // Lexicons.
        let mut events = PhraseSetBuilder::new();
        let mut event_roles: Vec<Role> = Vec::new();
        let rel = "lexicon/events.tsv";
        let text = src.require(rel)?;
        for (line, row) in rows(&text) {
            let ty = cell(src, rel, line, &row, 0, "type")?;
            let class =
                if ty == "strike" {
                    EventClass::Strike
                } else if ty == "assault" {
                    EventClass::Assault
                } else {
                    EventClass::Type(ty.parse().map_err(|e: hudna_core::UnknownValue| {
                        bad(src, rel, line, e.to_string())
                    })?)
                };
            let (noun, weak) = match cell(src, rel, line, &row, 1, "role")? {
                "noun" => (true, false),
                "verb" => (false, false),
                "weak" => (false, true),
                r => return Err(bad(src, rel, line, format!("unknown role `{r}`"))),
            };
            let phrase = cell(src, rel, line, &row, 2, "phrase")?;
            b.add(phrase, Role::Event { class, noun, weak }, plain);
            events.add(&fold(phrase), plain);
            event_roles.push(Role::Event { class, noun, weak });
        }
        // An actor phrase that begins with an event word ("غارات روسية", "القصف الروسي")
        // reports the event too: the longest match must not hide it.
        let events = events.build();
        let mut tokens = Vec::new();
        for phrase in &actor_phrases {
            let folded = fold(phrase);
            tokens.clear();
            hudna_text::tokenize_into(&folded, &mut tokens);
            let found = events.find(&folded, &tokens);
            if let Some(m) = found.iter().find(|m| m.first == 0) {
                let role = event_roles[m.phrase as usize];
                let idx = match b.phrases.add(&folded, plain) {
                    Added::New(i) | Added::Existing(i) => i as usize,
                    Added::Empty => continue,
                };
                if !b.roles[idx].contains(&role) {
                    b.roles[idx].push(role);
                }
            }
        }
        let rel = "lexicon/weapons.tsv";
        let text = src.require(rel)?;
        for (line, row) in rows(&text) {
            let means = match cell(src, rel, line, &row, 0, "means")? {
                "air" => Means::Air,
                "drone" => Means::Drone,
                "ground" => Means::Ground,
                "missile" => Means::Missile,
                "gun" => Means::Gun,
                "explosive" => Means::Explosive,
                "support" => Means::Support,
                m => return Err(bad(src, rel, line, format!("unknown means `{m}`"))),
            };
            b.add(
                cell(src, rel, line, &row, 1, "phrase")?,
                Role::Weapon(means),
                plain,
            );
        }
        let rel = "lexicon/targets.tsv";
        let text = src.require(rel)?;
        for (line, row) in rows(&text) {
            let t = cell(src, rel, line, &row, 0, "target")?;
            let cue =
                if t == "vague" {
                    TargetCue::Vague
                } else {
                    TargetCue::Class(t.parse().map_err(|e: hudna_core::UnknownValue| {
                        bad(src, rel, line, e.to_string())
                    })?)
                };
            b.add(
                cell(src, rel, line, &row, 1, "phrase")?,
                Role::Target(cue),
                plain,
            );
        }
        let rel = "lexicon/casualties.tsv";
        let text = src.require(rel)?;
        for (line, row) in rows(&text) {
            let kind = match cell(src, rel, line, &row, 0, "kind")? {
                "killed" => CasualtyKind::Killed,
                "injured" => CasualtyKind::Injured,
                "none" => CasualtyKind::None,
                "subset" => CasualtyKind::Subset,
                "vague" => CasualtyKind::Vague,
                k => return Err(bad(src, rel, line, format!("unknown kind `{k}`"))),
            };
            let phrase = cell(src, rel, line, &row, 1, "phrase")?;
            b.add(phrase, Role::Casualty(kind), plain);
            if let Some(count) = row.get(2).filter(|c| !c.is_empty()) {
                let count: u32 = count
                    .parse()
                    .map_err(|_| bad(src, rel, line, "field `count`: not a number".into()))?;
                b.add(phrase, Role::Counted(CasualtyCount { kind, count }), plain);
            }
        }
        let rel = "lexicon/numbers.tsv";
        let text = src.require(rel)?;
        for (line, row) in rows(&text) {
            let value: u32 = cell(src, rel, line, &row, 0, "value")?
                .parse()
                .map_err(|_| bad(src, rel, line, "field `value`: not a number".into()))?;
            let kind = match cell(src, rel, line, &row, 1, "kind")? {
                "unit" => NumberKind::Unit,
                "scale" => NumberKind::Scale,
                "dual" => NumberKind::Dual,
                "single" => NumberKind::Single,
                "about" => NumberKind::About,
                k => return Err(bad(src, rel, line, format!("unknown kind `{k}`"))),
            };
            b.add(
                cell(src, rel, line, &row, 2, "phrase")?,
                Role::Number { kind, value },
                plain,
            );
        }
        let rel = "lexicon/dates.tsv";
        let text = src.require(rel)?;
        for (line, row) in rows(&text) {
            let kind = cell(src, rel, line, &row, 0, "kind")?;
            let value: i32 = cell(src, rel, line, &row, 1, "value")?
                .parse()
                .map_err(|_| bad(src, rel, line, "field `value`: not a number".into()))?;
            let cue = match kind {
                "rel" => DateCue::Rel(value as i8),
                "weekday" => DateCue::Weekday(value as u8),
                "past" => DateCue::Past,
                "month" => DateCue::Month(value as u8),
                "vague" => DateCue::Vague,
                k => return Err(bad(src, rel, line, format!("unknown kind `{k}`"))),
            };
            let phrase = cell(src, rel, line, &row, 2, "phrase")?;
            let article = fold(phrase).starts_with("ال");
            b.add(phrase, Role::Date { cue, article }, plain);
        }
        let rel = "lexicon/discourse.tsv";
        let text = src.require(rel)?;
        let mut cutoff = Vec::new();
        let mut skipline = Vec::new();
        // Place words ("مدينة", "القرية", "ريف", "محيط"): never a place name on their own,
        // whatever village of the gazetteer shares the spelling.
        let mut generic: FxHashSet<String> = FxHashSet::default();
        let mut name_heads = FxHashSet::default();
        let mut joined_heads: Vec<String> = Vec::new();
        let mut name_tails = FxHashSet::default();
        let mut affiliation = FxHashSet::default();
        let mut type_words = FxHashSet::default();
        for (line, row) in rows(&text) {
            let phrase = cell(src, rel, line, &row, 1, "phrase")?;
            let d = match cell(src, rel, line, &row, 0, "kind")? {
                "cutoff" => {
                    cutoff.push(fold(phrase));
                    continue;
                }
                "skipline" => {
                    skipline.push(fold(phrase));
                    continue;
                }
                "namehead" => {
                    name_heads.insert(fold(phrase));
                    continue;
                }
                "namehead_joined" => {
                    name_heads.insert(fold(phrase));
                    joined_heads.push(phrase.to_string());
                    continue;
                }
                "nametail" => {
                    name_tails.insert(fold(phrase));
                    continue;
                }
                "affiliation" => {
                    affiliation.insert(fold(phrase));
                    continue;
                }
                "typeword" => {
                    type_words.insert(fold(phrase));
                    continue;
                }
                "countryside" => Disc::Countryside,
                "quarter" => Disc::Quarter,
                "camp" => Disc::Camp,
                "city" => Disc::City,
                "hill" => Disc::Hill,
                "cause" => Disc::Cause,
                "clausebreak" => Disc::ClauseBreak,
                "block" => Disc::Block,
                "habitual" => Disc::Habitual,
                "irrealis" => Disc::Irrealis,
                "accusation" => Disc::Accusation,
                "agent" => Disc::Agent,
                "origin" => Disc::Origin,
                "container" => Disc::Container,
                "container_after" => Disc::ContainerAfter,
                "vicinity" => Disc::Vicinity,
                "locator" => Disc::Locator,
                "patron" => Disc::Patron,
                "answered" => Disc::Answered,
                "source" => Disc::Source,
                "source_after" => Disc::SourceAfter,
                "placetype" => Disc::Placetype,
                "placelist" => Disc::Placelist,
                "anaphor" => Disc::Anaphor,
                "similar" => Disc::Similar,
                "route" => Disc::Route,
                "aftermath" => Disc::Aftermath,
                "namepart" => Disc::Namepart,
                "backer" => Disc::Backer,
                "personnel" => Disc::Personnel,
                "outlet" => Disc::Outlet,
                "controller" => Disc::Controller,
                "held" => Disc::Held,
                "claim" => Disc::Claim,
                "unit" => Disc::Unit,
                "flight" => Disc::Flight,
                "facility" => Disc::Facility,
                "defence" => Disc::Defence,
                k => return Err(bad(src, rel, line, format!("unknown kind `{k}`"))),
            };
            if matches!(
                d,
                Disc::Placetype
                    | Disc::Placelist
                    | Disc::Anaphor
                    | Disc::Container
                    | Disc::Vicinity
                    | Disc::Namepart
            ) && !phrase.contains(' ')
            {
                generic.insert(name_key(&fold(phrase)));
            }
            b.add(phrase, Role::Disc(d), plain);
        }

        // Places.
        let base = format!("theatres/{theatre}");
        let units_rel = format!("{base}/gazetteer/admin_units.tsv");
        let places_rel = format!("{base}/gazetteer/places.tsv");
        let extra_rel = format!("{base}/places_extra.tsv");
        let units = src.require(&units_rel)?;
        let places = src.require(&places_rel)?;
        let extra = src.read(&extra_rel)?;
        let units_name = src.describe(&units_rel);
        let places_name = src.describe(&places_rel);
        let extra_name = src.describe(&extra_rel);
        let mut files = vec![Source {
            name: &places_name,
            text: &places,
        }];
        if let Some(extra) = &extra {
            files.push(Source {
                name: &extra_name,
                text: extra,
            });
        }
        let aliases_rel = format!("{base}/place_aliases.tsv");
        let aliases = src.read(&aliases_rel)?;
        let aliases_name = src.describe(&aliases_rel);
        let mut gazetteer = Gazetteer::load_with_aliases(
            Some(Source {
                name: &units_name,
                text: &units,
            }),
            &files,
            aliases.as_deref().map(|text| Source {
                name: &aliases_name,
                text,
            }),
        )
        .map_err(|e| ExtractError::Data {
            file: e.file.clone(),
            line: e.line,
            reason: e.reason.clone(),
        })?;
        gazetteer.add_joined_forms(&joined_heads);
        let mut place_groups: Vec<Vec<PlaceId>> = Vec::new();
        let mut group_of: FxHashMap<usize, u32> = FxHashMap::default();
        let skeleton = PhraseOptions {
            latin_skeleton: true,
        };
        for (name, id) in gazetteer.names() {
            let folded = fold(name);
            let letters = folded.chars().filter(|c| c.is_alphabetic()).count();
            if letters < 3 || generic.contains(&name_key(&folded)) {
                continue;
            }
            let latin = folded.chars().any(|c| c.is_ascii_alphabetic());
            // A Latin name is entered as written and by its rough key: the written form
            // wins where it exists, the rough key finds other transliterations.
            let options: &[PhraseOptions] = if latin { &[plain, skeleton] } else { &[plain] };
            for &opt in options {
                let idx = match b.phrases.add(&folded, opt) {
                    Added::New(i) | Added::Existing(i) => i as usize,
                    Added::Empty => continue,
                };
                if b.roles.len() <= idx {
                    b.roles.resize(idx + 1, Vec::new());
                }
                let g = *group_of.entry(idx).or_insert_with(|| {
                    place_groups.push(Vec::new());
                    (place_groups.len() - 1) as u32
                });
                let group = &mut place_groups[g as usize];
                if !group.contains(&id) {
                    group.push(id);
                }
                if !b.roles[idx].contains(&Role::Place(g)) {
                    b.roles[idx].push(Role::Place(g));
                }
            }
        }

        let mut place_stopwords = FxHashSet::default();
        let stop_rel = format!("{base}/place_stopwords.tsv");
        if let Some(text) = src.read(&stop_rel)? {
            for (_, row) in rows(&text) {
                if row[0] != "name" {
                    let f = fold(row[0]);
                    let f = match f.strip_prefix("ال") {
                        Some(rest) if rest.chars().count() >= 2 => rest.to_string(),
                        _ => f,
                    };
                    place_stopwords.insert(f);
                }
            }
        }

        Ok(Lexicon {
            phrases: b.phrases.build(),
            roles: b.roles,
            place_groups,
            actor_sets,
            actors,
            cutoff,
            skipline,
            place_stopwords,
            name_heads,
            name_tails,
            affiliation,
            type_words,
            gazetteer,
            unknown,
        })
    }

    /// The code of an actor.
    pub fn code(&self, id: ActorId) -> &str {
        &self.actors[id as usize].code
    }

    /// Whether the actor's attacks come from the air (see [`Actor::air_power`]).
    pub fn air_power(&self, id: ActorId) -> bool {
        self.actors[id as usize].air_power
    }
}
