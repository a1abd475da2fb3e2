//! How hard a game is played, chosen when it is set up (`--difficulty`, the picker, a hosted
//! room's default) and recorded in the journal's header: the aids the team gets (hints, the
//! scenario's multiple-choice root causes), the action points per turn and the customer's
//! patience. The scenario's own rating (`scenario::Difficulty`) says how hard the incident is;
//! this says how much help the team gets with it.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    /// Hints, the multiple-choice root causes, and a patient customer.
    Easy,
    /// Hints; the root cause is declared in the taxonomy's terms.
    #[default]
    Normal,
    /// No hints, no multiple choice, an action point fewer and an impatient customer.
    Hard,
}

/// Why a difficulty name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown difficulty {0:?}: choose easy, normal or hard")]
pub struct UnknownDifficulty(pub String);

impl Difficulty {
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Normal, Difficulty::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Normal => "normal",
            Difficulty::Hard => "hard",
        }
    }

    pub fn parse(text: &str) -> Result<Difficulty, UnknownDifficulty> {
        Difficulty::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownDifficulty(text.to_owned()))
    }

    /// The next one, for a key that cycles through them.
    #[must_use]
    pub fn next(self) -> Difficulty {
        match self {
            Difficulty::Easy => Difficulty::Normal,
            Difficulty::Normal => Difficulty::Hard,
            Difficulty::Hard => Difficulty::Easy,
        }
    }

    /// Whether the team may ask for hints.
    pub fn hints(self) -> bool {
        self != Difficulty::Hard
    }

    /// Whether the scenario's multiple-choice root causes are offered.
    pub fn multiple_choice(self) -> bool {
        self == Difficulty::Easy
    }

    /// Action points per turn from the scenario's: one fewer on hard, but never below 2, so a
    /// read and a change still fit in a turn.
    pub fn action_points(self, scenario: u32) -> u32 {
        match self {
            Difficulty::Hard => scenario.saturating_sub(1).max(2).min(scenario),
            Difficulty::Easy | Difficulty::Normal => scenario,
        }
    }

    /// The customer's starting patience from the scenario's: a fifth more on easy (at most
    /// 100), a quarter less on hard.
    pub fn starting_patience(self, scenario: u32) -> u32 {
        match self {
            Difficulty::Easy => (scenario + scenario / 5).min(100),
            Difficulty::Normal => scenario,
            Difficulty::Hard => scenario - scenario / 4,
        }
    }
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Difficulty {
    type Err = UnknownDifficulty;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Difficulty::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for d in Difficulty::ALL {
            assert_eq!(Difficulty::parse(d.as_str()), Ok(d));
            assert_eq!(d.next().next().next(), d);
        }
        assert_eq!(Difficulty::parse("HARD"), Ok(Difficulty::Hard));
        assert!(Difficulty::parse("nightmare").is_err());
    }

    #[test]
    fn hard_takes_a_point_but_leaves_at_least_two() {
        assert_eq!(Difficulty::Hard.action_points(4), 3);
        assert_eq!(Difficulty::Hard.action_points(3), 2);
        assert_eq!(Difficulty::Hard.action_points(2), 2);
        assert_eq!(Difficulty::Hard.action_points(1), 1);
        assert_eq!(Difficulty::Normal.action_points(4), 4);
        assert_eq!(Difficulty::Easy.action_points(4), 4);
    }

    #[test]
    fn patience_grows_on_easy_and_shrinks_on_hard() {
        assert_eq!(Difficulty::Easy.starting_patience(70), 84);
        assert_eq!(Difficulty::Easy.starting_patience(100), 100);
        assert_eq!(Difficulty::Normal.starting_patience(70), 70);
        assert_eq!(Difficulty::Hard.starting_patience(70), 53);
    }

    #[test]
    fn aids_follow_the_difficulty() {
        assert!(Difficulty::Easy.hints() && Difficulty::Easy.multiple_choice());
        assert!(Difficulty::Normal.hints() && !Difficulty::Normal.multiple_choice());
        assert!(!Difficulty::Hard.hints() && !Difficulty::Hard.multiple_choice());
    }

    #[test]
    fn the_default_is_normal() {
        assert_eq!(Difficulty::default(), Difficulty::Normal);
    }
}
