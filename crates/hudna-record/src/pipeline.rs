//! The ingest pipeline: entries in, the record updated, batch by batch.
//!
//! One batch is one transaction. Within it: exact duplicates are dropped (by content hash),
//! new articles are extracted (on all cores) and signed (MinHash), placed in their
//! near-duplicate group, stored with their mentions, and every consolidation block the batch
//! touched is recomputed. Because ids are derived from content and the record is a function of
//! the stored set, a run killed at any point and started again ends exactly where an
//! uninterrupted run would.

use std::collections::{HashMap, HashSet};

use hudna_core::{Article, Incident};
use hudna_extract::Extractor;
use hudna_ingest::{Entry, Event, Input, Origin, ReadOptions, Rejection};
#[cfg(test)]
use hudna_store::IncidentFilter;
use hudna_store::{
    ArticleId, ClusterMention, IncidentRecord, NewArticle, NewMention, Store, StoreError,
};
use serde::Serialize;

use crate::consolidate::{self, Sides};
use crate::minhash;

/// Why an ingest stopped. Bad input never stops it (it is rejected and counted); only the
/// store can.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The store failed; the batch in flight was rolled back.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A rejected input, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedInput {
    /// The file (`-` for standard input).
    pub file: String,
    /// Line or item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Why.
    pub reason: String,
}

/// What an ingest did. Field names are the `--json` keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read.
    pub files: u64,
    /// Articles and structured events read (rejected input not included).
    pub articles_read: u64,
    /// Of those, new to the record.
    pub new: u64,
    /// Exact duplicates (same normalised text, or the same dataset row) of what the record
    /// already held or what came earlier in the run.
    pub duplicates: u64,
    /// New articles that are near-duplicates (syndicated copies) of stored ones.
    pub near_duplicates: u64,
    /// Input rejected (lines, items, rows or files).
    pub rejected: u64,
    /// Mentions stored (incidents the extractor read, plus structured events).
    pub mentions: u64,
    /// Incidents in the record now that were not there before the run.
    pub incidents_created: u64,
    /// Incidents this run added a report to that now draw on two or more sources.
    pub incidents_merged: u64,
    /// The rejected input, in the order met.
    pub rejections: Vec<RejectedInput>,
}

/// Told what happens, for progress display.
pub trait Observer {
    /// A file is about to be read (`index` counts from 0).
    fn file_started(&mut self, _input: &Input, _index: usize, _total: usize) {}
    /// An entry or a rejection was read; `summary` holds the counts so far.
    fn read(&mut self, _summary: &Summary) {}
    /// Input was rejected.
    fn rejected(&mut self, _rejection: &Rejection) {}
    /// A batch was committed.
    fn committed(&mut self, _summary: &Summary) {}
}

/// An observer that watches nothing.
pub struct Quiet;
impl Observer for Quiet {}

/// Tuning of a run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Entries per transaction.
    pub batch: usize,
    /// Threads for extraction (1 = on the calling thread).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            batch: 5000,
            threads: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(8),
        }
    }
}

/// Puts entries into the record.
pub struct Ingester<'a> {
    store: &'a mut dyn Store,
    extractor: &'a Extractor,
    sides: &'a Sides,
    options: Options,
    summary: Summary,
    pending: Vec<Entry>,
    /// Incidents created in this run that still exist.
    created: HashSet<i64>,
    /// Incidents this run merged reports into that still exist.
    merged: HashSet<i64>,
    now: String,
}

/// An article that survived the duplicate check, with its derived keys.
struct Fresh {
    origin: Origin,
    article: Article,
    hash: [u8; 32],
    id: ArticleId,
}

impl<'a> Ingester<'a> {
    /// An ingester writing to `store`.
    pub fn new(
        store: &'a mut dyn Store,
        extractor: &'a Extractor,
        sides: &'a Sides,
        options: Options,
    ) -> Ingester<'a> {
        Ingester {
            store,
            extractor,
            sides,
            options,
            summary: Summary::default(),
            pending: Vec::new(),
            created: HashSet::new(),
            merged: HashSet::new(),
            now: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// Reads every input into the record and returns the summary.
    pub fn run(
        mut self,
        inputs: &[Input],
        read: &ReadOptions,
        observer: &mut dyn Observer,
    ) -> Result<Summary, RecordError> {
        for (i, input) in inputs.iter().enumerate() {
            observer.file_started(input, i, inputs.len());
            self.summary.files += 1;
            hudna_ingest::read_input(input, read, &mut |item| self.accept(item, observer))?;
        }
        self.flush(observer)?;
        Ok(self.finish())
    }

    /// Adds entries that did not come from a file (benchmarks, tests).
    pub fn push(&mut self, entry: Entry, observer: &mut dyn Observer) -> Result<(), RecordError> {
        self.accept(Ok(entry), observer)
    }

    /// Writes what is pending and returns the summary.
    pub fn finish_with(mut self, observer: &mut dyn Observer) -> Result<Summary, RecordError> {
        self.flush(observer)?;
        Ok(self.finish())
    }

    fn finish(mut self) -> Summary {
        self.summary.incidents_created = self.created.len() as u64;
        self.summary.incidents_merged = self.merged.len() as u64;
        self.summary
    }

    fn accept(
        &mut self,
        item: Result<Entry, Rejection>,
        observer: &mut dyn Observer,
    ) -> Result<(), RecordError> {
        match item {
            Ok(entry) => {
                self.summary.articles_read += 1;
                self.pending.push(entry);
                if self.pending.len() >= self.options.batch {
                    self.flush(observer)?;
                }
            }
            Err(r) => {
                self.summary.rejected += 1;
                observer.rejected(&r);
                self.summary.rejections.push(RejectedInput {
                    file: r.file,
                    at: r.locator,
                    reason: r.reason,
                });
            }
        }
        observer.read(&self.summary);
        Ok(())
    }

    /// Writes the pending entries as one transaction.
    fn flush(&mut self, observer: &mut dyn Observer) -> Result<(), RecordError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let entries = std::mem::take(&mut self.pending);
        self.store.begin()?;
        match self.batch(entries) {
            Ok(()) => {
                self.store.commit()?;
                observer.committed(&self.summary);
                Ok(())
            }
            Err(e) => {
                // The run stops here; what was committed before stays.
                let _ = self.store.rollback();
                Err(e)
            }
        }
    }

    fn batch(&mut self, entries: Vec<Entry>) -> Result<(), RecordError> {
        let t0 = std::time::Instant::now();
        // 1. Exact duplicates, against the record and within the batch.
        let mut seen: HashSet<[u8; 32]> = HashSet::new();
        let mut seen_events: HashSet<i64> = HashSet::new();
        let mut fresh: Vec<Fresh> = Vec::new();
        let mut events: Vec<(usize, Origin, Event, i64)> = Vec::new();
        for entry in entries {
            match entry {
                Entry::Article { origin, article } => {
                    let hash = minhash::content_hash(&minhash::normalise(&article.text));
                    if !seen.insert(hash) || self.store.article_by_hash(&hash)?.is_some() {
                        self.summary.duplicates += 1;
                        continue;
                    }
                    let id = minhash::article_id(&hash);
                    fresh.push(Fresh {
                        origin,
                        article,
                        hash,
                        id,
                    });
                }
                Entry::Event { origin, event } => {
                    let id = minhash::stable_id(&[b"event", event.source_ref.as_bytes()]);
                    if !seen_events.insert(id) || self.store.mention_exists(id)? {
                        self.summary.duplicates += 1;
                        continue;
                    }
                    events.push((fresh.len(), origin, event, id));
                }
            }
        }
        let t1 = std::time::Instant::now();
        // 2–3. Extraction and signatures are pure and run on worker threads, one chunk ahead
        // of the main thread, which stores articles, groups and mentions in input order.
        let mut dirty: Dirty = Dirty::default();
        let mut events = events.into_iter().peekable();
        let threads = self.options.threads.max(1);
        let size = (fresh.len() / 8).max(64);
        let chunks: Vec<&[Fresh]> = fresh.chunks(size).collect();
        let extractor = self.extractor;
        let mut current = chunks
            .first()
            .map(|c| analyse(extractor, c, threads))
            .unwrap_or_default();
        let mut at = 0usize;
        for (c, chunk) in chunks.iter().enumerate() {
            let next_chunk = chunks.get(c + 1).copied();
            let work = std::mem::take(&mut current);
            let next = std::thread::scope(|s| -> Result<_, RecordError> {
                let ahead = next_chunk.map(|n| {
                    (
                        n,
                        s.spawn(move || analyse(extractor, n, threads.saturating_sub(1).max(1))),
                    )
                });
                for (f, (incidents, sig)) in chunk.iter().zip(work) {
                    while let Some((_, origin, event, id)) = events.next_if(|e| e.0 <= at) {
                        self.store_event(&origin, &event, id, &mut dirty)?;
                    }
                    self.store_article(f, &incidents, &sig, &mut dirty)?;
                    at += 1;
                }
                Ok(ahead.map(|(n, h)| match h.join() {
                    Ok(v) => v,
                    // A panic in the extractor is a bug; redo the chunk here so it surfaces
                    // with its own message instead of a lost thread.
                    Err(_) => analyse(extractor, n, 1),
                }))
            })?;
            current = next.unwrap_or_default();
        }
        for (_, origin, event, id) in events {
            self.store_event(&origin, &event, id, &mut dirty)?;
        }
        let t3 = std::time::Instant::now();
        // 4. Consolidation of the touched blocks.
        let mut blocks: Vec<i64> = dirty.blocks.iter().map(|b| dirty.resolve(*b)).collect();
        blocks.sort_unstable();
        blocks.dedup();
        let full: HashSet<i64> = dirty.full.iter().map(|b| dirty.resolve(*b)).collect();
        let mut news: HashMap<i64, Vec<ClusterMention>> = HashMap::new();
        for (b, ms) in std::mem::take(&mut dirty.news) {
            news.entry(dirty.resolve(b)).or_default().extend(ms);
        }
        let mut recomputed = 0usize;
        let n_blocks = blocks.len();
        for block in blocks {
            let new = news.remove(&block).unwrap_or_default();
            if full.contains(&block) || !self.extend_block(block, new)? {
                self.recompute(block)?;
                recomputed += 1;
            }
        }
        let t4 = std::time::Instant::now();
        if std::env::var_os("HUDNA_TIMING").is_some() {
            eprintln!(
                "batch: dedup {:.3} extract+store {:.3} consolidate {:.3} \
                 ({recomputed} of {n_blocks} blocks recomputed)",
                (t1 - t0).as_secs_f64(),
                (t3 - t1).as_secs_f64(),
                (t4 - t3).as_secs_f64()
            );
        }
        Ok(())
    }

    fn store_article(
        &mut self,
        f: &Fresh,
        incidents: &[Incident],
        sig: &[u32],
        dirty: &mut Dirty,
    ) -> Result<(), RecordError> {
        let keys = minhash::band_keys(sig);
        let (groups, fill) = self.near_groups(&keys, sig)?;
        // Canonical articles (smallest ids) of the groups before this one joins them.
        let mut old_canonicals = Vec::with_capacity(groups.len());
        for g in &groups {
            if let Some(c) = self.store.group_canonical(*g)? {
                old_canonicals.push(c);
            }
        }
        let group = match groups.as_slice() {
            [] => f.id,
            [g] => *g,
            many => self.merge_groups(many, dirty)?,
        };
        let a = &f.article;
        self.store.insert_article(&NewArticle {
            id: f.id,
            content_hash: f.hash,
            external_id: Some(a.id.as_str()),
            url: a.url.as_deref(),
            title: a.title.as_deref(),
            published: a.published,
            outlet: a.outlet.as_deref(),
            text: &a.text,
            source_file: &f.origin.file,
            source_format: f.origin.format.as_str(),
            source_locator: f.origin.locator.as_deref(),
            ingested_at: &self.now,
            minhash: sig,
            group,
        })?;
        for key in &keys {
            if fill.get(&(*key, group)).copied().unwrap_or(0) < BUCKET_MEMBERS {
                self.store.lsh_insert(*key, group, f.id)?;
            }
        }
        if !groups.is_empty() {
            self.summary.near_duplicates += 1;
            let canonical = old_canonicals.iter().copied().fold(f.id, i64::min);
            for old in old_canonicals {
                if old != canonical {
                    self.store.repoint_canonical(old, canonical)?;
                    self.store.set_canonical(old, Some(canonical))?;
                }
            }
            if canonical != f.id {
                self.store.set_canonical(f.id, Some(canonical))?;
            }
        }
        self.summary.new += 1;
        for (ordinal, incident) in incidents.iter().enumerate() {
            let id = minhash::stable_id(&[
                b"mention",
                &f.id.to_le_bytes(),
                &(ordinal as u64).to_le_bytes(),
            ]);
            self.store_mention(
                id,
                Some((f.id, group, a.published)),
                ordinal as u32,
                None,
                None,
                incident,
                dirty,
            )?;
        }
        Ok(())
    }

    fn store_event(
        &mut self,
        origin: &Origin,
        event: &Event,
        id: i64,
        dirty: &mut Dirty,
    ) -> Result<(), RecordError> {
        let _ = origin;
        self.summary.new += 1;
        self.store_mention(
            id,
            None,
            0,
            Some(&event.source_ref),
            Some(&event.source_note),
            &event.incident,
            dirty,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn store_mention(
        &mut self,
        id: i64,
        article: Option<(ArticleId, i64, Option<chrono::NaiveDate>)>,
        ordinal: u32,
        source_ref: Option<&str>,
        source_note: Option<&str>,
        incident: &Incident,
        dirty: &mut Dirty,
    ) -> Result<(), RecordError> {
        // A dataset (`ucdp-ged` of `ucdp-ged:214797`) is one source for all its rows.
        let source_group = source_ref.map(|r| {
            let dataset = r.split(':').next().unwrap_or(r);
            minhash::stable_id(&[b"dataset", dataset.as_bytes()])
        });
        let mut spot = consolidate::spot_of(incident, article.and_then(|a| a.2));
        let block = match self.store.spot_block(spot.id)? {
            Some(b) => b,
            None => {
                let block = self.place_spot(&spot, dirty)?;
                spot.block = block;
                self.store.insert_spot(&spot)?;
                block
            }
        };
        dirty.blocks.insert(block);
        spot.block = block;
        self.store.insert_mention(&NewMention {
            id,
            article: article.map(|a| a.0),
            ordinal,
            source_ref,
            source_note,
            source_group,
            incident,
            spot: spot.id,
        })?;
        dirty.news.entry(block).or_default().push(ClusterMention {
            id,
            article: article.map(|a| a.0),
            group: article.map(|a| a.1).or(source_group),
            spot,
            place: incident.place.clone(),
            target: incident.target,
            target_actor: incident.target_actor.clone(),
            killed: incident.killed,
            injured: incident.injured,
            claimed: incident.claimed,
            incident: None,
            published: article.and_then(|a| a.2),
        });
        self.summary.mentions += 1;
        Ok(())
    }

    /// The block of a new spot: the union of the blocks of every compatible spot.
    fn place_spot(
        &mut self,
        spot: &hudna_store::Spot,
        dirty: &mut Dirty,
    ) -> Result<i64, RecordError> {
        let mut neighbours = Vec::new();
        let days = consolidate::day_window(spot);
        if let Some((lat, lon)) = consolidate::search_box(spot) {
            neighbours.extend(self.store.spots_in_box(
                spot.kind.as_str(),
                days.as_ref(),
                lat,
                lon,
            )?);
        }
        if !spot.place_key.is_empty() {
            neighbours.extend(self.store.spots_named(
                spot.kind.as_str(),
                &spot.place_key,
                days.as_ref(),
            )?);
        }
        let mut blocks: Vec<i64> = neighbours
            .iter()
            .filter(|n| consolidate::compatible(spot, n, self.sides))
            .map(|n| n.block)
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        match blocks.as_slice() {
            [] => Ok(spot.id),
            [b] => Ok(*b),
            many => {
                // Union by size; ties to the smaller label.
                let mut best = (0u64, i64::MAX);
                for b in many {
                    let size = self.store.block_size(*b)?;
                    if size > best.0 || (size == best.0 && *b < best.1) {
                        best = (size, *b);
                    }
                }
                for b in many {
                    if *b != best.1 {
                        self.store.relabel_block(*b, best.1)?;
                        dirty.renamed.insert(*b, best.1);
                        dirty.full.insert(best.1);
                    }
                }
                Ok(best.1)
            }
        }
    }

    /// Groups with a member whose signature is close enough to `sig`, found through the LSH
    /// buckets, and the buckets that already hold enough members of a group.
    ///
    /// A bucket keeps at most [`BUCKET_MEMBERS`] articles of one group: a story copied a
    /// thousand times then costs one lookup and one comparison per copy, not a thousand. A
    /// newcomer is compared with the members kept (up to [`TRIES`] per group), which for
    /// copies of one story is as good as comparing with all of them.
    fn near_groups(
        &mut self,
        keys: &[i64],
        sig: &[u32],
    ) -> Result<(Vec<i64>, BucketFill), RecordError> {
        let rows = self.store.lsh_lookup(keys)?;
        let mut fill: HashMap<(i64, i64), usize> = HashMap::new();
        let mut by_group: Vec<(i64, Vec<ArticleId>)> = Vec::new();
        for (key, group, article) in rows {
            *fill.entry((key, group)).or_default() += 1;
            match by_group.last_mut() {
                Some((g, members)) if *g == group => {
                    if members.last() != Some(&article) && !members.contains(&article) {
                        members.push(article);
                    }
                }
                _ => by_group.push((group, vec![article])),
            }
        }
        let mut found = Vec::new();
        for (group, members) in by_group {
            for m in members.into_iter().take(TRIES) {
                let other = self.store.minhash(m)?.unwrap_or_default();
                if minhash::similarity(sig, &other) >= minhash::THRESHOLD {
                    found.push(group);
                    break;
                }
            }
        }
        Ok((found, fill))
    }

    /// Merges near-duplicate groups that a new article bridges; returns the surviving label.
    fn merge_groups(&mut self, groups: &[i64], dirty: &mut Dirty) -> Result<i64, RecordError> {
        let mut best = (0u64, i64::MAX);
        for g in groups {
            let size = self.store.group_size(*g)?;
            if size > best.0 || (size == best.0 && *g < best.1) {
                best = (size, *g);
            }
        }
        let into = best.1;
        for g in groups {
            if *g == into {
                continue;
            }
            for (article, sig) in self.store.group_members(*g)? {
                let keys = minhash::band_keys(&sig);
                self.store.regroup_article(article, &keys, *g, into)?;
            }
        }
        // Independent-source counts change for every incident these articles feed.
        for b in self.store.blocks_of_group(into)? {
            dirty.blocks.insert(b);
            dirty.full.insert(b);
        }
        Ok(into)
    }

    /// Adds a batch's new mentions to a block's incidents without rereading the block, when
    /// that gives exactly what [`Ingester::recompute`] would: every new mention joins an
    /// incident whose seed comes before it in the consolidation order, and fits the
    /// attributions already there. Returns false (and changes nothing) otherwise.
    fn extend_block(
        &mut self,
        block: i64,
        mut new: Vec<ClusterMention>,
    ) -> Result<bool, RecordError> {
        if new.is_empty() {
            return Ok(true);
        }
        // A dataset's rows share one source key, and two rows of one source never share an
        // incident; the stored incidents' earlier rows are not in `arts` below, so only the
        // full pass can keep that rule.
        if new.iter().any(|m| m.article.is_none()) {
            return Ok(false);
        }
        let mut seeds = self.store.block_incidents(block)?;
        if seeds.is_empty() {
            return Ok(false);
        }
        let key = consolidate::order_key_of;
        seeds.sort_by_key(|(i, s)| key(s, i.id));
        new.sort_by_key(consolidate::order_key);
        // Per incident: the known attributions (stored votes, then new ones) and the new
        // articles placed in it.
        let mut known: HashMap<i64, Vec<String>> = HashMap::new();
        let mut arts: HashMap<i64, HashSet<i64>> = HashMap::new();
        let mut placed: Vec<(usize, usize)> = Vec::new();
        let mut stored_ids: Vec<i64> = seeds.iter().map(|(i, _)| i.id).collect();
        // Incidents this pass creates (single reports too vague to join anything).
        let mut fresh_incidents: HashSet<i64> = HashSet::new();
        for (n, m) in new.iter().enumerate() {
            let mk = consolidate::order_key(m);
            let art = consolidate::article_key(m);
            let mut home = None;
            for (k, (inc, seed)) in seeds.iter().enumerate() {
                if key(seed, inc.id) >= mk {
                    break;
                }
                if arts.get(&inc.id).is_some_and(|a| a.contains(&art))
                    || !consolidate::compatible(seed, &m.spot, self.sides)
                {
                    continue;
                }
                if let std::collections::hash_map::Entry::Vacant(slot) = known.entry(inc.id) {
                    let perps = self
                        .store
                        .votes(stored_ids[k])?
                        .into_iter()
                        .filter(|(f, _, _)| *f == consolidate::PERPETRATOR)
                        .map(|(_, v, _)| v)
                        .collect();
                    slot.insert(perps);
                }
                let fits = consolidate::attribution_fits(
                    &m.spot.perpetrator,
                    known[&inc.id].iter().map(String::as_str),
                    self.sides,
                );
                if !fits {
                    // The full order might seat it here and move a later report out.
                    return Ok(false);
                }
                home = Some(k);
                break;
            }
            let k = match home {
                Some(k) => k,
                None => {
                    // It comes before every incident that would take it. If the next seed is
                    // at its very spot, the full order makes it that incident's seed, with
                    // the same reports: the incident only changes id. Otherwise it would
                    // seed an incident of its own, which may take reports from others.
                    let next = seeds.iter().position(|(i, s)| key(s, i.id) > mk);
                    if !consolidate::compatible(&m.spot, &m.spot, self.sides) {
                        // Too vague to be anything but an incident of its own (a country,
                        // no place): it takes nothing from others.
                        let at = next.unwrap_or(seeds.len());
                        let mut tally = consolidate::Tally::of(&new, &[n], None);
                        tally.public_id = consolidate::fresh_public_id(m.id, |id| {
                            self.store.public_id_taken(id)
                        })?;
                        let alone = tally.finish(block);
                        seeds.insert(at, (alone, m.spot.clone()));
                        stored_ids.insert(at, m.id);
                        fresh_incidents.insert(m.id);
                        for p in placed.iter_mut() {
                            if p.1 >= at {
                                p.1 += 1;
                            }
                        }
                        placed.push((n, at));
                        continue;
                    }
                    let Some(k) = next else { return Ok(false) };
                    let (inc, seed) = &seeds[k];
                    if seed.id != m.spot.id
                        || arts.get(&inc.id).is_some_and(|a| a.contains(&art))
                        || !consolidate::compatible(seed, &m.spot, self.sides)
                    {
                        return Ok(false);
                    }
                    let old = inc.id;
                    seeds[k].1 = m.spot.clone();
                    seeds[k].0.id = m.id;
                    if let Some(a) = arts.remove(&old) {
                        arts.insert(m.id, a);
                    }
                    if let Some(kn) = known.remove(&old) {
                        known.insert(m.id, kn);
                    }
                    k
                }
            };
            let id = seeds[k].0.id;
            arts.entry(id).or_default().insert(art);
            let perp = &m.spot.perpetrator;
            let list = known.entry(id).or_default();
            if perp != consolidate::UNKNOWN && !list.contains(perp) {
                list.push(perp.clone());
            }
            placed.push((n, k));
        }
        // Every new mention has a place: write them and update their incidents.
        let mut by_incident: HashMap<usize, Vec<usize>> = HashMap::new();
        for (n, k) in placed {
            by_incident.entry(k).or_default().push(n);
        }
        let mut touched: Vec<usize> = by_incident.keys().copied().collect();
        touched.sort_unstable();
        for k in touched {
            let old_id = stored_ids[k];
            if fresh_incidents.contains(&old_id) {
                let only = &new[by_incident[&k][0]];
                let incident = &seeds[k].0;
                self.store.put_incident(incident)?;
                self.store
                    .add_votes(incident.id, &consolidate::votes_of(only))?;
                self.store
                    .link(only.id, incident.id, &only.spot.perpetrator)?;
                self.created.insert(incident.id);
                continue;
            }
            let Some(stored) = self.store.incident(old_id)? else {
                return Err(RecordError::Store(StoreError::Corrupt {
                    path: String::new(),
                    what: format!("incident {old_id} vanished during consolidation"),
                }));
            };
            let id = seeds[k].0.id;
            let members = &by_incident[&k];
            let mut votes: Vec<(u8, String, i64)> = Vec::new();
            for &n in members {
                votes.extend(consolidate::votes_of(&new[n]));
            }
            votes.sort();
            votes.dedup();
            self.store.add_votes(old_id, &votes)?;
            let mut tally = consolidate::Tally::stored(&stored, self.store.votes(old_id)?);
            tally.seed = id;
            for &n in members {
                tally.add_scalars(&new[n]);
            }
            let incident = tally.finish(block);
            if incident != stored {
                self.store.put_incident(&incident)?;
            }
            if id != old_id {
                self.store.rename_incident(old_id, id)?;
                self.store.delete_incident(old_id)?;
                self.created.remove(&old_id);
                self.merged.remove(&old_id);
                self.created.insert(id);
            }
            for &n in members {
                self.store.link(new[n].id, id, &new[n].spot.perpetrator)?;
            }
            if incident.reports >= 2 {
                self.merged.insert(incident.id);
            }
        }
        Ok(true)
    }

    /// Recomputes the incidents of one block from all its mentions. Public ids pass from
    /// the incidents before to those after (see [`consolidate::successor_public_ids`]); ids
    /// no incident takes are retired into the one that took most of their reports.
    fn recompute(&mut self, block: i64) -> Result<(), RecordError> {
        let mentions = self.store.block_mentions(block)?;
        if mentions.is_empty() {
            return Ok(());
        }
        let clusters = consolidate::cluster(&mentions, self.sides);
        let before: HashSet<i64> = mentions.iter().filter_map(|m| m.incident).collect();
        let mut old: HashMap<i64, IncidentRecord> = HashMap::new();
        let mut ordered: Vec<i64> = before.iter().copied().collect();
        ordered.sort_unstable();
        for id in ordered {
            if let Some(i) = self.store.incident(id)? {
                old.insert(id, i);
            }
        }
        let old_public: HashMap<i64, i64> = old.iter().map(|(k, i)| (*k, i.public_id)).collect();
        let store = &mut *self.store;
        let (public, retired) = consolidate::successor_public_ids(
            &mentions,
            &clusters,
            &old_public,
            |seed, reserved| {
                consolidate::fresh_public_id(seed, |id| {
                    Ok::<_, StoreError>(reserved.contains(&id) || store.public_id_taken(id)?)
                })
            },
        )?;
        let mut after: HashSet<i64> = HashSet::new();
        for (members, public_id) in clusters.iter().zip(&public) {
            let seed = mentions[members[0]].id;
            // The row this incident overwrites, and the incident whose identity it carries
            // on (an investigation belongs to the identity).
            let stored = old.get(&seed);
            let investigation = old
                .values()
                .find(|i| i.public_id == *public_id)
                .and_then(|i| i.investigation.clone());
            let mut tally = consolidate::Tally::of(&mentions, members, investigation);
            tally.public_id = *public_id;
            let incident = tally.finish(block);
            if stored != Some(&incident) {
                self.store.put_incident(&incident)?;
            }
            if stored.is_none() {
                self.created.insert(incident.id);
            }
            // Votes are rebuilt: source groups may have merged since they were written.
            self.store.clear_votes(incident.id)?;
            let mut votes: Vec<(u8, String, i64)> = members
                .iter()
                .flat_map(|&i| consolidate::votes_of(&mentions[i]))
                .collect();
            votes.sort();
            votes.dedup();
            self.store.add_votes(incident.id, &votes)?;
            let mut touched = false;
            for &i in members {
                let m = &mentions[i];
                if m.incident != Some(incident.id) {
                    self.store.link(m.id, incident.id, &m.spot.perpetrator)?;
                }
                touched |= m.incident.is_none();
            }
            if touched && incident.reports >= 2 {
                self.merged.insert(incident.id);
            }
            after.insert(incident.id);
        }
        for old in before.difference(&after) {
            self.store.delete_incident(*old)?;
            self.created.remove(old);
            self.merged.remove(old);
        }
        for (gone, into) in retired {
            self.store.retire_public_id(gone, into)?;
        }
        Ok(())
    }
}

/// What extraction and signing give for each article.
type Analysis = Vec<(Vec<Incident>, Vec<u32>)>;

/// Extracts the incidents and computes the MinHash signature of each article, on `threads`
/// threads, in order.
fn analyse(extractor: &Extractor, fresh: &[Fresh], threads: usize) -> Analysis {
    let one = |f: &Fresh| {
        let incidents = extractor.extract(&f.article);
        let sig = minhash::signature(&minhash::normalise(&f.article.text));
        (incidents, sig)
    };
    if threads <= 1 || fresh.len() < 2 {
        return fresh.iter().map(one).collect();
    }
    let chunk = fresh.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = fresh
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(fresh.len());
        for (h, part) in handles.into_iter().zip(fresh.chunks(chunk)) {
            match h.join() {
                Ok(v) => out.extend(v),
                Err(_) => out.extend(part.iter().map(one)),
            }
        }
        out
    })
}

/// How many articles of each group each LSH bucket holds: (bucket, group) → count.
type BucketFill = HashMap<(i64, i64), usize>;

/// Articles of one group kept in one LSH bucket.
pub const BUCKET_MEMBERS: usize = 4;
/// Members of a group compared with a newcomer before deciding it is not a copy.
pub const TRIES: usize = 8;

/// Blocks touched by a batch, and the labels merged away during it.
#[derive(Default)]
struct Dirty {
    blocks: HashSet<i64>,
    renamed: HashMap<i64, i64>,
    /// Blocks to recompute from all their mentions (merged blocks or source groups).
    full: HashSet<i64>,
    /// The batch's new mentions, by block.
    news: HashMap<i64, Vec<ClusterMention>>,
}

impl Dirty {
    fn resolve(&self, mut b: i64) -> i64 {
        while let Some(&to) = self.renamed.get(&b) {
            if to == b {
                break;
            }
            b = to;
        }
        b
    }
}

#[cfg(test)]
mod tests;
