//! Counting the dead and wounded: numbers in digits and words, and which toll they are.

use crate::lexicon::{CasualtyKind, NumberKind, Role};

/// A toll stated in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Toll {
    /// Killed or injured.
    pub kind: TollKind,
    /// The number; `None` for a vague count ("dozens").
    pub value: Option<u32>,
    /// Token index of the number (or of the cue for vague counts).
    pub at: u32,
}

/// Which toll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TollKind {
    Killed,
    Injured,
    /// Explicitly nobody hurt.
    Nobody,
}

/// A number read from one or more consecutive items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Number {
    pub value: u32,
    /// Token index of the first token.
    pub first: u32,
    /// Token index after the last token.
    pub end: u32,
}

/// Accumulates number words: "خمسة وعشرون" = 25, "ثلاثة آلاف" = 3000, "2" = 2.
#[derive(Default)]
pub(crate) struct NumberReader {
    total: u64,
    current: u64,
    first: Option<u32>,
    end: u32,
    /// The last word read was a singular noun: another one adds to it ("امرأة ورجل").
    after_single: bool,
}

impl NumberReader {
    /// Feeds a number item; returns false if the item is not part of a number.
    pub fn feed<'a>(
        &mut self,
        mut roles: impl Iterator<Item = &'a Role>,
        digits: Option<u32>,
        first: u32,
        end: u32,
    ) -> bool {
        let (kind, value) = match digits {
            Some(v) => (NumberKind::Unit, v),
            None => match roles.find_map(|r| match r {
                Role::Number { kind, value } => Some((*kind, *value)),
                _ => None,
            }) {
                Some(kv) => kv,
                None => return false,
            },
        };
        match kind {
            NumberKind::About => return true,
            NumberKind::Unit | NumberKind::Dual => {
                self.current += value as u64;
            }
            // "15 امرأة": the counted noun of the number before it.
            NumberKind::Single if self.first.is_some() && !self.after_single => {}
            NumberKind::Single => self.current += value as u64,
            NumberKind::Scale => {
                let base = if self.current == 0 { 1 } else { self.current };
                self.total += base * value as u64;
                self.current = 0;
            }
        }
        self.after_single = kind == NumberKind::Single;
        self.first.get_or_insert(first);
        self.end = end;
        true
    }

    /// The number read so far, if any.
    pub fn finish(&mut self) -> Option<Number> {
        let first = self.first.take()?;
        let value = (self.total + self.current).min(u32::MAX as u64) as u32;
        self.total = 0;
        self.current = 0;
        self.after_single = false;
        Some(Number {
            value,
            first,
            end: self.end,
        })
    }
}

/// The casualty kind of an item's roles, if it is a casualty cue.
pub(crate) fn casualty_kind<'a>(mut roles: impl Iterator<Item = &'a Role>) -> Option<CasualtyKind> {
    roles.find_map(|r| match r {
        Role::Casualty(k) => Some(*k),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: u32) -> Vec<Role> {
        vec![Role::Number {
            kind: NumberKind::Unit,
            value: v,
        }]
    }

    #[test]
    fn words_add_up_and_scale() {
        let mut r = NumberReader::default();
        assert!(r.feed(unit(5).iter(), None, 0, 1));
        assert!(r.feed(unit(20).iter(), None, 1, 2));
        assert_eq!(r.finish().unwrap().value, 25);
        let scale = [Role::Number {
            kind: NumberKind::Scale,
            value: 1000,
        }];
        assert!(r.feed(unit(3).iter(), None, 4, 5));
        assert!(r.feed(scale.iter(), None, 5, 6));
        assert_eq!(r.finish().unwrap().value, 3000);
        assert!(r.feed([].iter(), Some(50), 7, 8));
        let n = r.finish().unwrap();
        assert_eq!((n.value, n.first, n.end), (50, 7, 8));
        assert!(r.finish().is_none());
    }
}
