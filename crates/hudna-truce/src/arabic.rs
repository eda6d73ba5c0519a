//! The Arabic wording of findings: every phrase the engine writes in Arabic, in one place.
//!
//! Member-state delegates and analysts read hudna's record in Arabic as often as in English,
//! and a finding is only as useful as its reason is readable. So each finding carries its
//! explanation twice, written from the same facts: the English sentence the engine has
//! always written, and an Arabic one in the register of a monitoring report. The facts that
//! make a finding checkable stay as the record holds them in both — actor codes, term ids,
//! organisation and group names, ISO dates, Western digits — so that a reader can compare
//! the two lines and search either for the same id.
//!
//! The English is assembled where the rules are applied ([`crate::engine`]); the Arabic is
//! assembled here, from the same values, by one function per rule and one per shared piece
//! (the incident, its date, where it lies, a time window). Arabic agrees in gender where
//! English does not, so the incident types carry theirs ([`Act`]), and the verbs and
//! adjectives that refer back to the incident follow it.
//!
//! Translators revising the wording need only this file; the tests in
//! `tests/arabic.rs` check that every rule's Arabic line still names the term, the distance
//! and the date its English line names.

use chrono::{DateTime, Datelike, FixedOffset, NaiveTime};
use hudna_core::{IncidentType, Target};

use crate::incident::{CheckedIncident, DatePrecision};
use crate::model::{Facility, Status, ZoneKind};
use crate::time::{days, show};

/// The pieces joined into one string of exactly their length. A finding's explanation lives
/// as long as the finding, and a check keeps hundreds of thousands of them: `format!` leaves
/// up to half of each string's capacity unused, memory that `hudna bench check` showed the
/// check paying for (in page faults) and keeping for nothing. So the lines findings keep are
/// built with this.
fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// An incident type as an Arabic noun phrase, with its grammatical gender.
#[derive(Debug, Clone, Copy)]
struct Act {
    noun: &'static str,
    feminine: bool,
}

fn act_of(kind: IncidentType) -> Act {
    let (noun, feminine) = match kind {
        IncidentType::AirStrike => ("غارة جوية", true),
        IncidentType::Shelling => ("قصف مدفعي أو صاروخي", false),
        IncidentType::ArmedClash => ("اشتباك مسلح", false),
        IncidentType::Explosion => ("تفجير", false),
        IncidentType::Attack => ("هجوم", false),
        IncidentType::Abduction => ("عملية اختطاف أو احتجاز", true),
    };
    Act { noun, feminine }
}

/// What was hit, as the object of "targeted".
fn target_noun(t: Target) -> &'static str {
    match t {
        Target::Civilians => "مدنيين",
        Target::Humanitarian => "جهة إغاثة إنسانية",
        Target::Medical => "منشأة أو طاقمًا طبيًا",
        Target::Education => "منشأة تعليمية",
        Target::Armed => "قوات أو مواقع مسلحة",
        Target::Infrastructure => "بنية تحتية",
        Target::Unknown => "هدفًا غير محدد",
    }
}

/// The target with the side attacked and its group, as `target_text` gives them in English.
fn target_text(inc: &CheckedIncident) -> String {
    let mut s = target_noun(inc.target).to_string();
    if let Some(a) = &inc.target_actor {
        s.push_str(" (");
        s.push_str(a);
        if let Some(g) = &inc.target_group {
            s.push_str("، ");
            s.push_str(g);
        }
        s.push(')');
    }
    s
}

/// The perpetrator as findings name it: the actor code, with the group when one is named.
fn perpetrator(inc: &CheckedIncident) -> String {
    match &inc.perpetrator_group {
        Some(g) => format!("{} ({g})", inc.perpetrator),
        None => inc.perpetrator.clone(),
    }
}

/// The incident as one phrase: what, by whom, against what — e.g. «غارة جوية منسوبة إلى
/// RUS استهدفت مدنيين». `unknown`: no perpetrator is named.
pub(crate) fn act(inc: &CheckedIncident, unknown: bool) -> String {
    let a = act_of(inc.kind);
    let by = if unknown {
        if a.feminine {
            "مجهولة المنفِّذ".to_string()
        } else {
            "مجهول المنفِّذ".to_string()
        }
    } else {
        format!(
            "{} إلى {}",
            if a.feminine {
                "منسوبة"
            } else {
                "منسوب"
            },
            perpetrator(inc)
        )
    };
    let verb = if a.feminine {
        "استهدفت"
    } else {
        "استهدف"
    };
    format!("{} {by} {verb} {}", a.noun, target_text(inc))
}

/// An air strike whose aircraft nobody has named (the no-fly rule's unattributed case).
pub(crate) fn unknown_aircraft(inc: &CheckedIncident) -> String {
    format!(
        "غارة جوية نفّذتها طائرة مجهولة واستهدفت {}",
        target_text(inc)
    )
}

/// The months as UN Arabic documents write them: the Levantine name, then the other.
const MONTHS: [&str; 12] = [
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيو",
    "تموز/يوليو",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
];

/// When the incident happened, with its preposition («في 2016-09-19»), as precisely as the
/// record knows it.
pub(crate) fn when(inc: &CheckedIncident) -> String {
    let Some(d) = inc.date else {
        return "دون تاريخ".into();
    };
    match (inc.date_precision, inc.time) {
        (DatePrecision::Time, Some(t)) => format!("في {d} الساعة {}", t.format("%H:%M")),
        (DatePrecision::Week, _) => format!("خلال الأسبوع المحيط بيوم {d}"),
        (DatePrecision::Month, _) => {
            let m = MONTHS[d.month0() as usize % 12];
            format!("في {m} {}", d.year())
        }
        (DatePrecision::Reported, _) => match d.checked_sub_days(chrono::Days::new(3)) {
            Some(from) => format!("في يوم ما بين {from} و{d} (تاريخه غير محدد، وأُبلغ عنه في {d})"),
            None => format!("في يوم ما حتى {d} (تاريخه غير محدد، وأُبلغ عنه في {d})"),
        },
        _ => format!("في {d}"),
    }
}

/// A distance in km, with the precision the English line uses.
pub(crate) fn km(d: f64) -> String {
    if d < 1.0 {
        format!("{d:.2} كم")
    } else {
        format!("{d:.1} كم")
    }
}

/// How far inside an area; "more than" only for a boundary that could not be measured.
pub(crate) fn depth(d: f64, cap: f64) -> String {
    if d.is_finite() {
        km(d)
    } else {
        format!("أكثر من {cap:.0} كم")
    }
}

/// Where the incident lies against the covered area `zone`, `depth` inside it.
pub(crate) fn inside_covered(depth: &str, zone: &str) -> String {
    format!("داخل المنطقة المشمولة {zone} على بعد {depth} من أقرب حدودها")
}

/// Where the incident lies when the truce sets no covered area.
pub(crate) const EVERYWHERE: &str = "في نطاق الهدنة (لم تُحدَّد لها منطقة مشمولة)";

/// The share of the incident's possible time inside a window, when it is not all of it.
pub(crate) fn partial(f: f64) -> String {
    if f < 0.995 {
        format!("، ويقع {:.0}% من المدى الزمني للحادث ضمنها", f * 100.0)
    } else {
        String::new()
    }
}

/// The end of a window: midnight reads as the end of the day before.
fn until(t: DateTime<FixedOffset>) -> String {
    if t.time() == NaiveTime::MIN {
        format!("نهاية يوم {}", (t - days(1)).format("%Y-%m-%d"))
    } else {
        show(t)
    }
}

/// A time window, as the English `show_window` gives it.
pub(crate) fn window(
    from: Option<DateTime<FixedOffset>>,
    to: Option<DateTime<FixedOffset>>,
) -> String {
    match (from, to) {
        (Some(f), Some(u)) => format!("من {} حتى {}", show(f), until(u)),
        (Some(f), None) => format!("اعتبارًا من {}", show(f)),
        (None, Some(u)) => format!("حتى {}", until(u)),
        (None, None) => "دون قيد زمني".to_string(),
    }
}

/// The actors a zone restricts, joined; empty means every actor.
pub(crate) fn restricted(list: &[String]) -> String {
    if list.is_empty() {
        "جميع الأطراف".to_string()
    } else {
        list.join("، ")
    }
}

/// One notice: who was told, and when.
pub(crate) fn notice(party: &str, at: DateTime<FixedOffset>) -> String {
    format!("{party} في {}", show(at))
}

/// The notices a finding cites, joined.
pub(crate) fn notices(told: &[&str]) -> String {
    told.join("، ")
}

fn zone_kind(k: ZoneKind) -> &'static str {
    match k {
        ZoneKind::CoveredArea => "المنطقة المشمولة",
        ZoneKind::Demilitarised => "المنطقة المنزوعة السلاح",
        ZoneKind::NoFly => "منطقة حظر الطيران",
        ZoneKind::ControlArea => "منطقة السيطرة",
    }
}

fn facility(f: Facility) -> &'static str {
    match f {
        Facility::Hospital => "مستشفى",
        Facility::School => "مدرسة",
        Facility::Warehouse => "مستودع",
        Facility::Camp => "مخيم",
        Facility::Other => "موقع",
    }
}

/// A designation's status as the adjective of «تصنيف».
fn status(s: Status) -> &'static str {
    match s {
        Status::InForce => "نافذ",
        Status::Proposed => "مقترح",
    }
}

/// A designation's status in the accusative («تصنيفًا نافذًا»).
fn status_acc(s: Status) -> &'static str {
    match s {
        Status::InForce => "نافذًا",
        Status::Proposed => "مقترحًا",
    }
}

/// The facts of a designation a finding cites.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Listing<'a> {
    /// In force or proposed.
    pub(crate) status: Status,
    /// The group, or the actor code when it covers the whole actor.
    pub(crate) label: &'a str,
    /// Who listed it.
    pub(crate) listed_by: &'a str,
    /// Since when (as `show` prints it).
    pub(crate) from: &'a str,
}

impl Listing<'_> {
    fn text(&self) -> String {
        format!(
            "تصنيف {} يشمل {}، صادر عن {} اعتبارًا من {}",
            status(self.status),
            self.label,
            self.listed_by,
            self.from
        )
    }
}

/// What happened, when and where: the opening shared by the scope rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scene<'a> {
    /// [`act`].
    pub(crate) act: &'a str,
    /// [`when`].
    pub(crate) when: &'a str,
    /// [`inside_covered`] or [`EVERYWHERE`].
    pub(crate) place: &'a str,
}

/// Why an excluded incident is recorded, and that it is not scored.
const OUTSIDE: &str = "ولذلك يقع الحادث خارج نطاق الهدنة";
const RECORDED: &str = "يُسجَّل للعلم ولا يُعدّ خرقًا";

/// `excluded_perpetrator`: the attacker is designated.
pub(crate) fn excluded_perpetrator(inc: &CheckedIncident, d: Listing<'_>, s: Scene<'_>) -> String {
    cat(&[
        &perpetrator(inc),
        " جهة مُصنَّفة (",
        &d.text(),
        ")، ",
        OUTSIDE,
        ": ",
        s.act,
        " ",
        s.when,
        "، ",
        s.place,
        "؛ ",
        RECORDED,
    ])
}

/// `excluded_target`: the side attacked is designated.
pub(crate) fn excluded_target(side: &str, d: Listing<'_>, s: Scene<'_>) -> String {
    cat(&[
        "الطرف المستهدَف، ",
        side,
        "، جهة مُصنَّفة (",
        &d.text(),
        ")، ",
        OUTSIDE,
        ": ",
        s.act,
        " ",
        s.when,
        "، ",
        s.place,
        "؛ ",
        RECORDED,
    ])
}

/// Which side of the incident a caveat is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The attacker.
    Perpetrator,
    /// The side attacked.
    Target,
}

/// A caveat: the side might be a designated group, which would put the incident outside.
pub(crate) fn caveat(side: Side, label: &str, st: Status, listed_by: &str) -> String {
    let side = match side {
        Side::Perpetrator => "المنفِّذ",
        Side::Target => "الطرف المستهدَف",
    };
    format!(
        "؛ وقد يكون {side} هو {label} (المُصنَّف تصنيفًا {} من قِبَل {listed_by})، وإن صحّ ذلك فالحادث خارج نطاق الهدنة",
        status_acc(st)
    )
}

/// The period a scope finding falls in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InPeriod<'a> {
    /// Its id.
    pub(crate) id: &'a str,
    /// Its window, from [`window`].
    pub(crate) window: &'a str,
    /// [`partial`].
    pub(crate) partial: &'a str,
    /// [`caveat`]s, joined.
    pub(crate) caveat: &'a str,
}

/// `unattributed`: nobody named, inside the period and the area.
pub(crate) fn unattributed(s: Scene<'_>, p: InPeriod<'_>) -> String {
    cat(&[
        s.act,
        " ",
        s.when,
        "، ",
        s.place,
        "، خلال الفترة ",
        p.id,
        " (",
        p.window,
        ")",
        p.partial,
        ": يستدعي التحقيق",
        p.caveat,
    ])
}

/// `party_attack`: a party's incident inside the period and the area.
pub(crate) fn party_attack(s: Scene<'_>, p: InPeriod<'_>, party: &str, since: &str) -> String {
    cat(&[
        s.act,
        " ",
        s.when,
        "، ",
        s.place,
        "، خلال الفترة ",
        p.id,
        " (",
        p.window,
        ")",
        p.partial,
        "؛ علمًا بأن ",
        party,
        " طرف في الهدنة منذ ",
        since,
        p.caveat,
    ])
}

/// Why a zone restriction binds whoever did it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Restricted<'a> {
    /// The perpetrator is one of the restricted actors (listed).
    Named(&'a str),
    /// Nobody is named; these actors are restricted there.
    Unknown(&'a str),
    /// Nobody is named in a no-fly zone; these restricted actors fly there.
    UnknownFlying(&'a str),
}

/// The zone a breach happened in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InZone<'a> {
    /// What kind of zone.
    pub(crate) kind: ZoneKind,
    /// Its id.
    pub(crate) id: &'a str,
    /// Its readable name, if any.
    pub(crate) name: Option<&'a str>,
    /// [`depth`].
    pub(crate) depth: &'a str,
    /// Its window, from [`window`].
    pub(crate) window: &'a str,
    /// [`partial`].
    pub(crate) partial: &'a str,
}

/// `zone_breach` and `no_fly_breach`: `who` is [`act`] or [`unknown_aircraft`].
pub(crate) fn zone_breach(who: &str, when: &str, z: InZone<'_>, r: Restricted<'_>) -> String {
    let (open, close, name) = match z.name {
        Some(n) => (" (", ")", n),
        None => ("", "", ""),
    };
    let (tail, list) = match r {
        Restricted::Named(l) => ("؛ الأطراف المقيَّدة فيها: ", l),
        Restricted::Unknown(l) => ("؛ المنفِّذ مجهول — الأطراف المقيَّدة فيها: ", l),
        Restricted::UnknownFlying(l) => (
            "؛ المنفِّذ مجهول — الأطراف المقيَّدة التي يحلّق طيرانها هناك: ",
            l,
        ),
    };
    cat(&[
        who,
        " ",
        when,
        "، داخل ",
        zone_kind(z.kind),
        " ",
        z.id,
        open,
        name,
        close,
        " على بعد ",
        z.depth,
        " من أقرب حدودها، ضمن فترة سريانها (",
        z.window,
        ")",
        z.partial,
        tail,
        list,
    ])
}

/// What a notification protects.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Protected {
    /// A site and its protected radius.
    Site {
        /// What the site is.
        facility: Facility,
        /// Its radius.
        radius_km: f64,
    },
    /// A movement and its corridor's full width.
    Movement {
        /// The corridor's full width.
        corridor_km: f64,
    },
}

/// The notification a hit concerns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Notified<'a> {
    /// The site or the movement.
    pub(crate) what: Protected,
    /// Its name.
    pub(crate) name: &'a str,
    /// Who notified it.
    pub(crate) organisation: &'a str,
    /// Its window, from [`window`].
    pub(crate) window: &'a str,
    /// [`partial`].
    pub(crate) partial: &'a str,
    /// [`notices`] given before the incident.
    pub(crate) told: &'a str,
    /// Whether it is only illustrative.
    pub(crate) illustrative: bool,
}

/// `notified_site_hit` and `notified_movement_hit`, `d` km from the site or route.
pub(crate) fn notified_hit(act: &str, when: &str, d: f64, n: Notified<'_>) -> String {
    let (what, size_is, size) = match n.what {
        Protected::Site {
            facility: f,
            radius_km,
        } => (facility(f), "؛ نطاق الحماية ", km(radius_km)),
        Protected::Movement { corridor_km } => ("مسار", "؛ عرض الممر ", km(corridor_km)),
    };
    let basis = if n.illustrative {
        " (إخطار توضيحي، غير موثَّق في السجل العام)"
    } else {
        ""
    };
    cat(&[
        "إخفاق في تجنّب الاستهداف رغم الإخطار: ",
        act,
        " ",
        when,
        "، على بعد ",
        &km(d),
        " من ",
        what,
        " ",
        n.name,
        " (",
        n.organisation,
        size_is,
        &size,
        ")، أثناء سريان الإخطار (",
        n.window,
        ")",
        n.partial,
        "؛ الأطراف المُخطَرة: ",
        n.told,
        basis,
    ])
}

/// The opening of a finding that a proposed term would add or change: «لو كان البند
/// المقترح X (باقتراح من Y) نافذًا: …».
pub(crate) fn if_proposed(term: &str, by: Option<&str>, explanation: &str) -> String {
    let (open, by, close) = whose(by);
    cat(&[
        "لو كان البند المقترح ",
        term,
        open,
        by,
        close,
        " نافذًا: ",
        explanation,
    ])
}

/// The opening of a finding that a proposed term would remove.
pub(crate) fn no_longer_if_proposed(term: &str, by: Option<&str>, explanation: &str) -> String {
    let (open, by, close) = whose(by);
    cat(&[
        "يسقط هذا الاستنتاج لو أصبح البند المقترح ",
        term,
        open,
        by,
        close,
        " نافذًا: ",
        explanation,
    ])
}

/// Who proposed a term, as « (باقتراح من X)» in three pieces, all empty when no one is
/// named.
fn whose(by: Option<&str>) -> (&'static str, &str, &'static str) {
    match by {
        Some(b) => (" (باقتراح من ", b, ")"),
        None => ("", "", ""),
    }
}
