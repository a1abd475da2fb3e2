//! Swapped sides (`kombat host --teams N --break`): each team breaks the cloud for another team.
//! Team k responds in room k and sits as the customer team of room k+1 (the last team's customers
//! sit in room 1), where it composes that room's incident in the lobby ([`breaks_for`]). A team's
//! row on the board is then its fix, read off its own room as in any tournament, and its break
//! ([`BreakPart`]), read off the room it broke: how that incident came about ([`BreakOrigin`])
//! and how long the other team needed ([`break_points`]). The round ranks teams by the two added
//! up (`TeamRow::total`), then as any round (`compare`).
//!
//! Pure: the server says which room's incident came about how, and what each room's game stands
//! at; nothing here reads the composition, so a board shows no card, target or verdict detail.

use serde::{Deserialize, Serialize};

use super::{Standing, Status, TeamRow};

/// The most a break earns: the full amount, for a fair break the other team did not resolve.
/// About half of what a fix earns at best (the debrief's points), so a good fix and a hard break
/// weigh alike and neither wins alone.
pub const BREAK_MAX: u32 = 50;

/// How the incident of a room with a break phase came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BreakOrigin {
    /// In the lobby: the customer team is composing (not proven fair yet).
    Composing,
    /// In the lobby: the composition is proven fair; the game has not started.
    Proven,
    /// The game plays the customer team's own composition, proven fair.
    Composed,
    /// The game plays an incident the scripted customer drew: no human customer sat in the room.
    Drawn,
}

impl BreakOrigin {
    /// `being composed`, `proven fair`, `composed and proven fair`, `drawn by the scripted customer`.
    pub fn words(self) -> &'static str {
        match self {
            BreakOrigin::Composing => "being composed",
            BreakOrigin::Proven => "proven fair, waiting for the start",
            BreakOrigin::Composed => "composed and proven fair",
            BreakOrigin::Drawn => "drawn by the scripted customer",
        }
    }
}

/// What a team earns for the break it composed in another team's room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakPart {
    /// The team whose room it broke (`team 2`).
    pub for_team: String,
    pub origin: BreakOrigin,
    /// How the other team's game stands (over: won, lost or stopped, at that turn).
    pub status: Status,
    pub turn: u32,
    /// The other team's incident's turn limit.
    pub turn_limit: u32,
    /// The points, once they are known (the other team's game is over, or the break was drawn).
    pub points: Option<u32>,
}

impl BreakPart {
    /// The break of a room whose incident came about as `origin`, its game standing at `broken`.
    pub fn new(for_team: &str, origin: BreakOrigin, broken: &Standing) -> BreakPart {
        BreakPart {
            for_team: for_team.to_owned(),
            origin,
            status: broken.status,
            turn: broken.turn,
            turn_limit: broken.turn_limit,
            points: break_points(origin, broken),
        }
    }

    /// `team 1 breaks for team 2: composed and proven fair; team 2 won at turn 7 of 15: 24 of 50
    /// points`. Team names are the caller's to sanitize.
    pub fn text(&self, team: &str) -> String {
        let head = format!("{team} breaks for {}: {}", self.for_team, self.origin.words());
        match (self.origin, self.status, self.points) {
            (BreakOrigin::Drawn, _, _) => format!("{head}: no points (the team did not compose it)"),
            (BreakOrigin::Composing | BreakOrigin::Proven, _, _) => head,
            (BreakOrigin::Composed, status, Some(points)) => {
                let how = match status {
                    Status::Won => {
                        format!("{} resolved it at turn {} of {}", self.for_team, self.turn, self.turn_limit)
                    }
                    _ => format!("{} did not resolve it ({} at turn {})", self.for_team, status.as_str(), self.turn),
                };
                format!("{head}; {how}: {points} of {BREAK_MAX} points")
            }
            (BreakOrigin::Composed, _, None) => {
                format!("{head}; {} at turn {}: points once its game is over", self.for_team, self.turn)
            }
        }
    }
}

/// Which room team `team` breaks, of `teams` (both from 0): the next one, the last team's the
/// first one's.
pub fn breaks_for(team: usize, teams: usize) -> usize {
    if teams == 0 { 0 } else { (team + 1) % teams }
}

/// Which team breaks room `room`, of `teams` (both from 0): the one before it.
pub fn broken_by(room: usize, teams: usize) -> usize {
    if teams == 0 { 0 } else { (room + teams - 1) % teams }
}

/// What a break earns, by how the room's incident came about and how its game stands: a
/// composed break earns more the longer the other team needed, [`BREAK_MAX`] times the turns it
/// took over the turn limit (1 at least), and the full amount when the other team did not resolve
/// it (lost, or stopped by the game master); a drawn break earns nothing; unknown (none) until
/// the other team's game is over.
pub fn break_points(origin: BreakOrigin, broken: &Standing) -> Option<u32> {
    match origin {
        BreakOrigin::Drawn => Some(0),
        BreakOrigin::Composing | BreakOrigin::Proven => None,
        BreakOrigin::Composed => match broken.status {
            Status::Won => {
                let limit = u64::from(broken.turn_limit.max(1));
                let turn = u64::from(broken.turn).min(limit);
                let points = (u64::from(BREAK_MAX) * turn).div_ceil(limit);
                Some(u32::try_from(points).unwrap_or(BREAK_MAX).clamp(1, BREAK_MAX))
            }
            Status::Lost | Status::Stopped => Some(BREAK_MAX),
            Status::Lobby | Status::Playing => None,
        },
    }
}

/// The board's rows of a swapped-sides round from each room, in team order: `teams[k]` responds
/// in `rooms[k]` and breaks room [`breaks_for`]`(k)`, whose incident came about as that room's
/// origin (a room not heard from yet is still being composed).
pub fn swapped_rows(teams: &[String], rooms: &[(Standing, Option<BreakOrigin>)]) -> Vec<TeamRow> {
    teams
        .iter()
        .zip(rooms)
        .enumerate()
        .map(|(k, (team, (standing, _)))| {
            let other = breaks_for(k, teams.len().min(rooms.len()));
            let broke = match (teams.get(other), rooms.get(other)) {
                (Some(name), Some((broken, origin))) => {
                    Some(BreakPart::new(name, origin.unwrap_or(BreakOrigin::Composing), broken))
                }
                _ => None,
            };
            TeamRow { team: team.clone(), standing: standing.clone(), broke }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{Leaderboard, rank};
    use super::*;
    use crate::game::score::Grade;

    fn standing(status: Status, turn: u32, points: Option<u32>) -> Standing {
        Standing {
            status,
            turn,
            turn_limit: 10,
            second: i64::from(turn) * 300,
            budget_left: 0.5,
            mood: Some(50),
            grade: points.map(|_| Grade::B),
            points,
        }
    }

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|k| format!("team {k}")).collect()
    }

    #[test]
    fn each_team_breaks_the_next_room_and_the_last_the_first() {
        assert_eq!((0..3).map(|k| breaks_for(k, 3)).collect::<Vec<_>>(), [1, 2, 0]);
        assert_eq!((0..3).map(|r| broken_by(r, 3)).collect::<Vec<_>>(), [2, 0, 1]);
        for n in 1..6 {
            for k in 0..n {
                assert_eq!(broken_by(breaks_for(k, n), n), k);
            }
        }
    }

    #[test]
    fn a_composed_break_earns_more_the_longer_it_took_and_all_when_unresolved() {
        let composed = |s: Status, turn: u32| break_points(BreakOrigin::Composed, &standing(s, turn, Some(60)));
        assert_eq!(composed(Status::Won, 1), Some(5));
        assert_eq!(composed(Status::Won, 3), Some(15));
        assert_eq!(composed(Status::Won, 7), Some(35));
        assert_eq!(composed(Status::Won, 10), Some(BREAK_MAX));
        assert_eq!(composed(Status::Lost, 4), Some(BREAK_MAX), "lost early: not resolved");
        assert_eq!(composed(Status::Stopped, 2), Some(BREAK_MAX));
        assert_eq!(composed(Status::Playing, 9), None, "not known while the other team plays");
        let drawn = break_points(BreakOrigin::Drawn, &standing(Status::Lost, 10, Some(10)));
        assert_eq!(drawn, Some(0), "a drawn break earns nothing");
        assert_eq!(break_points(BreakOrigin::Proven, &standing(Status::Lobby, 1, None)), None);
        // A turn past the limit (the closing turn) or a zero limit cannot overflow the scale.
        let odd = Standing { turn_limit: 0, ..standing(Status::Won, 40, Some(1)) };
        assert_eq!(break_points(BreakOrigin::Composed, &odd), Some(BREAK_MAX));
    }

    #[test]
    fn fix_and_break_add_up_and_rank_the_round() {
        // Fixes: team 1 80, team 2 70, team 3 30 (it lost).
        let rooms = vec![
            (standing(Status::Won, 4, Some(80)), Some(BreakOrigin::Drawn)),
            (standing(Status::Won, 9, Some(70)), Some(BreakOrigin::Composed)),
            (standing(Status::Lost, 10, Some(30)), Some(BreakOrigin::Composed)),
        ];
        let mut rows = swapped_rows(&names(3), &rooms);
        let parts: Vec<(u32, Option<u32>)> =
            rows.iter().map(|r| (r.fix_points(), r.broke.as_ref().and_then(|b| b.points))).collect();
        // Team 1 broke room 2 (won at 9 of 10: 45); team 2 broke room 3 (lost: 50); team 3
        // broke room 1, which played a drawn incident: nothing.
        assert_eq!(parts, [(80, Some(45)), (70, Some(50)), (30, Some(0))]);
        rank(&mut rows);
        let order: Vec<(&str, u32)> = rows.iter().map(|r| (r.team.as_str(), r.total())).collect();
        assert_eq!(order, [("team 1", 125), ("team 2", 120), ("team 3", 30)]);
    }

    #[test]
    fn equal_totals_fall_back_to_the_fix_ranking_and_unresolved_breaks_wait() {
        // Both total 100: team 2 resolved faster, so it ranks first.
        let rooms = vec![
            (standing(Status::Won, 6, Some(50)), Some(BreakOrigin::Composed)),
            (standing(Status::Won, 5, Some(75)), Some(BreakOrigin::Composed)),
        ];
        let mut rows = swapped_rows(&names(2), &rooms);
        assert_eq!((rows[0].total(), rows[1].total()), (50 + 25, 75 + 30));
        let rooms = vec![
            (standing(Status::Won, 6, Some(70)), Some(BreakOrigin::Composed)),
            (standing(Status::Won, 6, Some(70)), Some(BreakOrigin::Composed)),
        ];
        rows = swapped_rows(&names(2), &rooms);
        rows[0].standing.second = 2000;
        rank(&mut rows);
        assert_eq!(rows[0].team, "team 2", "equal totals: the shorter time to resolve first");
        // A team still playing: its breaker's points wait, and its own fix counts nothing yet.
        let rooms = vec![
            (standing(Status::Won, 3, Some(60)), Some(BreakOrigin::Composed)),
            (standing(Status::Playing, 3, None), Some(BreakOrigin::Composed)),
        ];
        let rows = swapped_rows(&names(2), &rooms);
        assert_eq!(rows[0].broke.as_ref().and_then(|b| b.points), None);
        assert_eq!(rows[1].broke.as_ref().and_then(|b| b.points), Some(15));
        let board = Leaderboard::new(1, "Shop", rows, Vec::new());
        assert_eq!(board.rows[0].team, "team 1", "60 + pending before 0 + 15");
        assert!(board.totals.iter().all(|t| t.rounds == 0), "a round counts once every team is over");
    }

    #[test]
    fn the_board_shows_both_parts_and_the_break_in_words() {
        let rooms = vec![
            (standing(Status::Won, 4, Some(80)), Some(BreakOrigin::Drawn)),
            (standing(Status::Lost, 10, Some(30)), Some(BreakOrigin::Composed)),
        ];
        let board = Leaderboard::new(1, "Shop", swapped_rows(&names(2), &rooms), Vec::new());
        let text = board.public().lines().join("\n");
        assert_eq!(
            text,
            "round 1: Shop (swapped sides: each team breaks the cloud for the next)\n \
             #  team       status                 time  budget   mood grade   fix break total\n \
             1  team 1     won at turn 4           20m   50.0%     50     B    80    50   130\n \
             2  team 2     lost at turn 10         50m   50.0%     50     B    30     0    30\n\
             breaks:\n  \
             team 1 breaks for team 2: composed and proven fair; team 2 did not resolve it (lost at turn 10): 50 of 50 points\n  \
             team 2 breaks for team 1: drawn by the scripted customer: no points (the team did not compose it)\n\
             totals:\n \
             1  team 1      130 points (80 fix + 50 break), 1 of 1 resolved\n \
             2  team 2       30 points (30 fix + 0 break), 0 of 1 resolved"
        );
    }

    fn any_status() -> impl Strategy<Value = Status> {
        prop_oneof![
            Just(Status::Lobby),
            Just(Status::Playing),
            Just(Status::Won),
            Just(Status::Lost),
            Just(Status::Stopped)
        ]
    }

    fn any_origin() -> impl Strategy<Value = BreakOrigin> {
        prop_oneof![
            Just(BreakOrigin::Composing),
            Just(BreakOrigin::Proven),
            Just(BreakOrigin::Composed),
            Just(BreakOrigin::Drawn)
        ]
    }

    proptest! {
        #[test]
        fn a_break_that_took_longer_never_scores_less(
            limit in 1u32..40, a in 1u32..60, b in 1u32..60, lost in any_status(),
        ) {
            let won = |turn| Standing { turn_limit: limit, ..standing(Status::Won, turn, Some(1)) };
            let (pa, pb) = (
                break_points(BreakOrigin::Composed, &won(a)).unwrap_or(0),
                break_points(BreakOrigin::Composed, &won(b)).unwrap_or(0),
            );
            prop_assert!((1..=BREAK_MAX).contains(&pa));
            if a <= b {
                prop_assert!(pa <= pb, "turn {a} scored {pa}, turn {b} scored {pb}");
            }
            // Not resolving is worth at least as much as any resolution.
            if let Some(p) = break_points(BreakOrigin::Composed, &standing(lost, 1, None)) {
                prop_assert!(p >= pa || lost == Status::Won);
            }
        }

        #[test]
        fn the_ranking_is_by_total_and_every_team_breaks_exactly_one_room(
            rooms in prop::collection::vec(
                (any_status(), 1u32..12, prop::option::of(0u32..120), prop::option::of(any_origin())),
                2..7,
            ),
        ) {
            let rooms: Vec<(Standing, Option<BreakOrigin>)> = rooms
                .into_iter()
                .map(|(status, turn, points, origin)| (standing(status, turn, points), origin))
                .collect();
            let teams = names(rooms.len());
            let rows = swapped_rows(&teams, &rooms);
            let mut broken: Vec<&str> =
                rows.iter().filter_map(|r| r.broke.as_ref()).map(|b| b.for_team.as_str()).collect();
            broken.sort_unstable();
            let mut all: Vec<&str> = teams.iter().map(String::as_str).collect();
            all.sort_unstable();
            prop_assert_eq!(broken, all, "every room is broken by exactly one team");
            prop_assert!(rows.iter().all(|r| r.broke.as_ref().is_some_and(|b| b.for_team != r.team)));
            let board = Leaderboard::new(1, "t", rows, Vec::new());
            for pair in board.rows.windows(2) {
                prop_assert!(pair[0].total() >= pair[1].total(), "{:?}", board.rows);
            }
            let drawn_earn_nothing = board.rows.iter().filter_map(|r| r.broke.as_ref())
                .filter(|b| b.origin == BreakOrigin::Drawn)
                .all(|b| b.points == Some(0));
            prop_assert!(drawn_earn_nothing);
        }
    }
}
