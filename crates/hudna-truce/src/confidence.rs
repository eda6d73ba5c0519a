//! How certain a finding is.
//!
//! Confidence is the product of three chances, each stated so that an analyst can redo it:
//! - **place**: the incident's coordinates stand for a disc (a point is ±0.5 km, a village
//!   ±2 km, a governorate ±50 km: [`hudna_core::GeoPrecision::radius_km`]). Treating the
//!   boundary as straight near the incident, the chance that the event lies inside is the
//!   share of that disc on the inside ([`inside_probability`]). A rule fires only when the
//!   reported point is inside (chance ≥ ½); near the boundary it fires with less confidence.
//! - **time**: the incident is a span (a day, a week, an hour); the chance is the share of
//!   that span inside the term's window. A rule fires when the share is above zero.
//! - **attribution**: 1 for a named perpetrator; [`UNATTRIBUTED_FACTOR`] when a zone rule
//!   fires on an unattributed act (the finding names the restricted actors instead);
//!   [`UNCERTAIN_GROUP_FACTOR`] when the perpetrator or the target might belong to a
//!   designated group (the actor code matches but the group is not named), so the act might
//!   be outside the truce after all.

/// Weight of a zone or no-fly finding whose perpetrator is unknown: the breach is certain
/// to have happened, its author is not.
pub const UNATTRIBUTED_FACTOR: f64 = 0.5;

/// Weight of a party finding when the perpetrator or the target may be a designated group
/// coded under the same actor.
pub const UNCERTAIN_GROUP_FACTOR: f64 = 0.5;

/// The chance that an event whose location is a disc of radius `radius_km` around the
/// reported point lies inside an area, given the signed distance from the point to the
/// area's boundary (`inside_km` > 0 inside, < 0 outside). The boundary is taken as straight
/// across the disc, so the chance is the area of a circular segment over the area of the
/// disc: ½ on the boundary, 1 (or 0) once the boundary is a radius away.
pub fn inside_probability(inside_km: f64, radius_km: f64) -> f64 {
    if radius_km <= 0.0 {
        return if inside_km >= 0.0 { 1.0 } else { 0.0 };
    }
    let x = (inside_km.abs() / radius_km).min(1.0);
    // Share of the disc beyond a chord at distance x·r from the centre.
    let beyond = (x.acos() - x * (1.0 - x * x).sqrt()) / std::f64::consts::PI;
    if inside_km >= 0.0 {
        1.0 - beyond
    } else {
        beyond
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_probability_is_a_share_of_the_disc() {
        assert!((inside_probability(0.0, 2.0) - 0.5).abs() < 1e-12);
        assert_eq!(inside_probability(5.0, 2.0), 1.0);
        assert_eq!(inside_probability(-5.0, 2.0), 0.0);
        let a = inside_probability(1.0, 2.0);
        assert!(a > 0.75 && a < 0.85, "{a}");
        assert!((inside_probability(-1.0, 2.0) + a - 1.0).abs() < 1e-12);
        assert_eq!(inside_probability(0.1, 0.0), 1.0);
    }
}
