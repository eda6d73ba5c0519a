//! Query strings: every parameter known, every value checked, every refusal naming the
//! parameter.
//!
//! The API and the dashboard take the same filters, read here once. A parameter the endpoint
//! does not know is an error (a misspelt `admin_1` must not silently return everything), and
//! so is a parameter given twice. An empty value counts as absent, because an HTML form sends
//! its blank fields.

use chrono::NaiveDate;
use hudna_core::{Grade, IncidentType};

use crate::error::ApiError;

/// The parameters of one request.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parses `raw` (the part after `?`) and refuses names outside `allowed` or repeated.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let (k, v) = (k.into_owned(), v.into_owned());
            if !allowed.contains(&k.as_str()) {
                let takes = if allowed.is_empty() {
                    "no query parameters".to_string()
                } else {
                    allowed.join(", ")
                };
                return Err(ApiError::bad_field(
                    &k,
                    format!("unknown query parameter `{k}`; this endpoint takes {takes}"),
                ));
            }
            if pairs.iter().any(|(p, _)| *p == k) {
                return Err(ApiError::bad_field(
                    &k,
                    format!("query parameter `{k}` is given more than once"),
                ));
            }
            pairs.push((k, v));
        }
        Ok(Params { pairs })
    }

    /// A parameter's value; empty values count as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The parameters as given (to rebuild links).
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// The filters of an incident listing, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentFilters {
    /// `since`.
    pub since: Option<NaiveDate>,
    /// `until`.
    pub until: Option<NaiveDate>,
    /// `admin1`, as the basemap spells it.
    pub admin1: Option<String>,
    /// `type`.
    pub kind: Option<IncidentType>,
    /// `perpetrator`.
    pub perpetrator: Option<String>,
    /// `grade`.
    pub grade: Option<Grade>,
    /// `rule`: incidents with at least one finding of this rule.
    pub rule: Option<hudna_truce::Rule>,
    /// `bbox`: west, south, east, north.
    pub bbox: Option<[f64; 4]>,
}

/// The filter parameter names, shared by the API and the dashboard.
pub const FILTER_PARAMS: &[&str] = &[
    "since",
    "until",
    "admin1",
    "type",
    "perpetrator",
    "grade",
    "rule",
    "bbox",
];

fn date(p: &Params, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    p.get(name)
        .map(|v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_field(
                    name,
                    format!("{name} `{v}` is not a date of the form YYYY-MM-DD"),
                )
            })
        })
        .transpose()
}

/// Reads `west,south,east,north` in degrees.
pub fn parse_bbox(v: &str) -> Result<[f64; 4], String> {
    let parts: Vec<&str> = v.split(',').map(str::trim).collect();
    if parts.len() != 4 {
        return Err(format!(
            "bbox `{v}` must be four numbers west,south,east,north (degrees)"
        ));
    }
    let mut out = [0.0; 4];
    for (i, (p, name)) in parts
        .iter()
        .zip(["west", "south", "east", "north"])
        .enumerate()
    {
        let x: f64 = p
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| format!("bbox {name} `{p}` is not a number"))?;
        let lim = if i % 2 == 0 { 180.0 } else { 90.0 };
        if x.abs() > lim {
            return Err(format!("bbox {name} {x} is outside ±{lim}°"));
        }
        out[i] = x;
    }
    if out[0] >= out[2] {
        return Err("bbox west must be less than east".into());
    }
    if out[1] >= out[3] {
        return Err("bbox south must be less than north".into());
    }
    Ok(out)
}

impl IncidentFilters {
    /// Reads the filters; `admin1` names must be governorates of the basemap and
    /// `perpetrator` an actor code of the theatre (both matched without regard to case, and
    /// returned as the theatre spells them), as `hudna incidents` checks them: a filter that
    /// can match nothing is a mistake to report, not an empty page.
    pub fn from_params(
        p: &Params,
        basemap: &hudna_map::Basemap,
        actors: &hudna_truce::ActorCodes,
    ) -> Result<Self, ApiError> {
        let since = date(p, "since")?;
        let until = date(p, "until")?;
        if let (Some(a), Some(b)) = (since, until) {
            if b < a {
                return Err(ApiError::bad_field(
                    "until",
                    format!("until {b} is before since {a}"),
                ));
            }
        }
        let admin1 = p
            .get("admin1")
            .map(|v| {
                basemap
                    .admin1_areas()
                    .iter()
                    .find(|a| a.admin1.eq_ignore_ascii_case(v))
                    .map(|a| a.admin1.clone())
                    .ok_or_else(|| {
                        let names: Vec<&str> = basemap
                            .admin1_areas()
                            .iter()
                            .map(|a| a.admin1.as_str())
                            .collect();
                        ApiError::bad_field(
                            "admin1",
                            format!(
                                "admin1 `{v}` is not a governorate; expected one of {}",
                                names.join(", ")
                            ),
                        )
                    })
            })
            .transpose()?;
        let kind = p
            .get("type")
            .map(|v| v.parse::<IncidentType>())
            .transpose()
            .map_err(|e| ApiError::bad_field("type", format!("type: {e}")))?;
        let grade = p
            .get("grade")
            .map(|v| v.parse::<Grade>())
            .transpose()
            .map_err(|e| ApiError::bad_field("grade", format!("grade: {e}")))?;
        let perpetrator = p
            .get("perpetrator")
            .map(|v| perpetrator_code(v, actors))
            .transpose()?;
        let rule = p
            .get("rule")
            .map(|v| {
                hudna_truce::Rule::parse(v).ok_or_else(|| {
                    let all: Vec<&str> =
                        hudna_truce::Rule::ALL.iter().map(|r| r.as_str()).collect();
                    ApiError::bad_field(
                        "rule",
                        format!(
                            "rule `{v}` is not a rule; expected one of {}",
                            all.join(", ")
                        ),
                    )
                })
            })
            .transpose()?;
        let bbox = p
            .get("bbox")
            .map(|v| parse_bbox(v).map_err(|e| ApiError::bad_field("bbox", e)))
            .transpose()?;
        Ok(IncidentFilters {
            since,
            until,
            admin1,
            kind,
            perpetrator,
            grade,
            rule,
            bbox,
        })
    }

    /// The store's query for these filters.
    pub fn to_query(
        &self,
        scope: hudna_access::ReadScope,
        limit: usize,
    ) -> hudna_store::IncidentQuery {
        let mut q = hudna_store::IncidentQuery::new(scope, limit);
        q.since = self.since;
        q.until = self.until;
        q.admin1 = self.admin1.clone();
        q.kind = self.kind;
        q.perpetrator = self.perpetrator.clone();
        q.grade = self.grade;
        q.bbox = self.bbox;
        q
    }
}

/// An actor code of the theatre, matched without regard to case. With no theatre list (a
/// server configured without one), any well-formed code is taken.
pub fn perpetrator_code(v: &str, actors: &hudna_truce::ActorCodes) -> Result<String, ApiError> {
    if actors.iter().next().is_none() {
        return hudna_access::validate_actor_code(v)
            .map(|_| v.to_string())
            .map_err(|e| ApiError::bad_field("perpetrator", format!("perpetrator: {e}")));
    }
    actors
        .iter()
        .find(|c| c.eq_ignore_ascii_case(v))
        .map(str::to_string)
        .ok_or_else(|| {
            let known: Vec<&str> = actors.iter().collect();
            ApiError::bad_field(
                "perpetrator",
                format!(
                    "perpetrator `{v}` is not an actor code of the theatre; expected one of {}",
                    known.join(", ")
                ),
            )
        })
}

/// `limit`: 1 to `max`, default `default`.
pub fn limit(p: &Params, default: usize, max: usize) -> Result<usize, ApiError> {
    match p.get("limit") {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::bad_field(
                    "limit",
                    format!("limit `{v}` must be a whole number from 1 to {max}"),
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_repeated_and_blank_parameters() {
        assert_eq!(
            Params::parse(Some("admin_1=x"), &["admin1"])
                .unwrap_err()
                .field
                .as_deref(),
            Some("admin_1")
        );
        assert_eq!(
            Params::parse(Some("a=1&a=2"), &["a"])
                .unwrap_err()
                .field
                .as_deref(),
            Some("a")
        );
        let p = Params::parse(Some("a=&b=%20x%20"), &["a", "b"]).unwrap();
        assert_eq!(p.get("a"), None);
        assert_eq!(p.get("b"), Some("x"));
    }

    #[test]
    fn an_endpoint_without_parameters_says_so() {
        let e = Params::parse(Some("x=1"), &[]).unwrap_err();
        assert!(
            e.error.ends_with("takes no query parameters"),
            "{}",
            e.error
        );
        let e = Params::parse(Some("x=1"), &["since", "limit"]).unwrap_err();
        assert!(e.error.ends_with("takes since, limit"), "{}", e.error);
    }

    #[test]
    fn perpetrators_are_the_theatre_s_actor_codes() {
        let actors = hudna_truce::ActorCodes::new(["SYR_GOV", "RUS"]);
        assert_eq!(perpetrator_code("syr_gov", &actors).unwrap(), "SYR_GOV");
        let e = perpetrator_code("XYZ", &actors).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("perpetrator"));
        assert!(e.error.contains("RUS, SYR_GOV"), "{}", e.error);
    }

    #[test]
    fn bboxes() {
        assert_eq!(
            parse_bbox("35.5, 32, 42.5,37.5").unwrap(),
            [35.5, 32.0, 42.5, 37.5]
        );
        for bad in [
            "1,2,3",
            "a,1,2,3",
            "1,2,1,3",
            "1,3,2,2",
            "-181,0,1,1",
            "0,-91,1,1",
            "NaN,0,1,1",
        ] {
            assert!(parse_bbox(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits() {
        let p = |q: &str| Params::parse(Some(q), &["limit"]).unwrap();
        assert_eq!(limit(&p(""), 100, 1000).unwrap(), 100);
        assert_eq!(limit(&p("limit=1000"), 100, 1000).unwrap(), 1000);
        assert!(limit(&p("limit=1001"), 100, 1000).is_err());
        assert!(limit(&p("limit=-1"), 100, 1000).is_err());
    }
}
