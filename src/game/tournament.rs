//! A tournament's leaderboard: teams race on the same incident (the same scenario, seed and
//! difficulty), each in a room of its own, over one or more rounds. Each team's [`Standing`] is
//! read off its game; [`rank`] orders them by the documented rule (resolved before unresolved,
//! then grade, time to resolve and budget left); finished rounds add up to a total. Pure like the
//! rest of `game`: the server gathers the standings and sends the board (ARCHITECTURE.md,
//! "`net`").
//!
//! What a board shows beyond the public board is only what the debrief makes public at the end:
//! a team's grade and its customer's mood are blank while it plays ([`Standing::public`]); the
//! host, who runs the night, sees the mood live.
//!
//! With swapped sides (`swap`) each team also breaks the cloud for another team, and its row adds
//! what that break earned to what its fix did.

mod swap;

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::event::Outcome;
use super::score::{self, Grade};
use super::seat::Seat;
use super::state::{Game, Phase};
use super::text::sanitize;
use super::view::{self, RoleView};
use super::words;

pub use swap::{BREAK_MAX, BreakOrigin, BreakPart, break_points, breaks_for, broken_by, swapped_rows};

/// Where a team's game is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Not started yet (the round's lobby).
    Lobby,
    /// Being played (paused and the closing turn count as playing).
    Playing,
    Won,
    Lost,
    /// Ended by the game master before it was won or lost.
    Stopped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Lobby => "lobby",
            Status::Playing => "playing",
            Status::Won => "won",
            Status::Lost => "lost",
            Status::Stopped => "stopped",
        }
    }

    /// Whether the team's game is over.
    pub fn is_over(self) -> bool {
        matches!(self, Status::Won | Status::Lost | Status::Stopped)
    }
}

/// Where one team stands in its game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub status: Status,
    /// The turn of play, as every screen numbers turns (the turn it ended in, once over).
    pub turn: u32,
    /// The incident's turn limit.
    pub turn_limit: u32,
    /// The incident clock in seconds: now, or when the game ended (the time to resolve, when won).
    pub second: i64,
    /// Fraction of the error budget left (0–1), as the public board shows it.
    pub budget_left: f64,
    /// The customer's mood out of 100; blank on a public board until the game is over.
    pub mood: Option<u32>,
    /// The debrief's grade, once the game is over.
    pub grade: Option<Grade>,
    /// The debrief's points, once the game is over.
    pub points: Option<u32>,
}

impl Standing {
    /// Where `game` stands, with everything the host may see (the mood while it plays).
    pub fn of(game: &Game) -> Standing {
        let ending = score::ending(game);
        let (status, turn) = match ending.map(|(_, outcome)| outcome) {
            Some(outcome) => ended(outcome),
            None if matches!(game.phase, Phase::Lobby) => (Status::Lobby, words::turn_of_play(game.turn())),
            None => (Status::Playing, words::turn_of_play(game.turn())),
        };
        let (grade, points) = if ending.is_some() {
            let score = score::score(game);
            (Some(score.grade), Some(score.total))
        } else {
            (None, None)
        };
        Standing {
            status,
            turn,
            turn_limit: game.scenario().turn_limit,
            second: score::end_second(game),
            budget_left: game.world.cluster.traffic().budget_remaining(),
            mood: Some(game.mood.min(100)),
            grade,
            points,
        }
    }

    /// What anyone may see: the mood only once the game is over (the debrief tells it then).
    #[must_use]
    pub fn public(&self) -> Standing {
        let mood = if self.status.is_over() { self.mood } else { None };
        Standing { mood, ..self.clone() }
    }

    /// `won at turn 5`, `playing, turn 3`, `lobby`.
    pub fn status_text(&self) -> String {
        match self.status {
            Status::Lobby => "lobby".to_owned(),
            Status::Playing => format!("playing, turn {}", self.turn),
            status => format!("{} at turn {}", status.as_str(), self.turn),
        }
    }
}

/// How an ended game stands: won, lost or stopped, at the turn its outcome names (the turn the
/// incident was resolved in, before the closing turn).
pub fn ended(outcome: &Outcome) -> (Status, u32) {
    match outcome {
        Outcome::Won { turn } => (Status::Won, *turn),
        Outcome::Lost { turn, .. } => (Status::Lost, *turn),
        Outcome::Stopped { turn } => (Status::Stopped, *turn),
    }
}

/// `won at turn 2`: an ended game as the leaderboard words it, for every screen that says it.
pub fn ended_text(outcome: &Outcome) -> String {
    let (status, turn) = ended(outcome);
    format!("{} at turn {turn}", status.as_str())
}

/// What a team's room tells its tournament after a batch: the game's standing (the host's, with
/// the mood) and its public board, the view a spectator of the room has (bounded as a hosted view).
pub fn team_report(game: &Game) -> (Standing, RoleView) {
    (Standing::of(game), view::for_seat_within(game, Seat::Spectator(0), view::Limits::HOSTED))
}

/// One team on the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    /// `team 1`, `team 2`, …
    pub team: String,
    /// Its fix: its game in its own room.
    pub standing: Standing,
    /// With swapped sides, the break it composed for another team's room.
    pub broke: Option<BreakPart>,
}

impl TeamRow {
    /// A row of a round without swapped sides.
    pub fn fix(team: &str, standing: Standing) -> TeamRow {
        TeamRow { team: team.to_owned(), standing, broke: None }
    }

    /// The fix's points: the debrief's, once the team's game is over (0 before).
    pub fn fix_points(&self) -> u32 {
        self.standing.points.unwrap_or(0)
    }

    /// The break's points, once known (0 before, and without swapped sides).
    pub fn break_points(&self) -> u32 {
        self.broke.as_ref().and_then(|b| b.points).unwrap_or(0)
    }

    /// The fix's and the break's points added up.
    pub fn total(&self) -> u32 {
        self.fix_points() + self.break_points()
    }
}

/// A finished round: its scenario and the teams' final standings, ranked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundResult {
    /// From 1.
    pub round: u32,
    pub title: String,
    pub rows: Vec<TeamRow>,
}

/// A team's total over the rounds finished so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    pub team: String,
    /// The debrief's points and the breaks' points, added up.
    pub points: u32,
    /// Of which the breaks earned (swapped sides).
    pub break_points: u32,
    /// Rounds the team resolved.
    pub resolved: u32,
    pub rounds: u32,
}

/// The whole board: this round ranked, the rounds before it, and the totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// This round, from 1.
    pub round: u32,
    /// This round's scenario title.
    pub title: String,
    /// This round's teams, ranked by [`rank`].
    pub rows: Vec<TeamRow>,
    /// The rounds before this one.
    pub past: Vec<RoundResult>,
    /// Every team's total over the finished rounds (this one counts once every team is over),
    /// most points first.
    pub totals: Vec<Total>,
}

/// What the projector shows: every team's public board beside the leaderboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TournamentView {
    pub leaderboard: Leaderboard,
    /// In team order (not ranked), so that each team keeps its place on the wall.
    pub teams: Vec<TeamBoard>,
}

/// One team's room as a spectator of it sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamBoard {
    pub team: String,
    /// With swapped sides, the team whose room this team breaks.
    pub breaks_for: Option<String>,
    /// The spectator's view of the team's game (none before the room has sent one).
    pub view: Option<Box<RoleView>>,
}

/// Orders two standings, better first: a resolved incident before one that is not; then the
/// better grade (a graded game before one still going); then, between resolved ones, the shorter
/// time to resolve; then the more error budget left.
pub fn compare(a: &Standing, b: &Standing) -> Ordering {
    let won = |s: &Standing| s.status != Status::Won;
    let grade = |s: &Standing| s.grade.map_or(u8::MAX, |g| g as u8);
    let time = |s: &Standing| if s.status == Status::Won { s.second } else { 0 };
    won(a)
        .cmp(&won(b))
        .then(grade(a).cmp(&grade(b)))
        .then(time(a).cmp(&time(b)))
        .then(b.budget_left.total_cmp(&a.budget_left))
}

/// Orders two rows, better first: with swapped sides, the higher total of fix and break points
/// first ([`TeamRow::total`]); then (and without swapped sides, only) by [`compare`].
pub fn compare_rows(a: &TeamRow, b: &TeamRow) -> Ordering {
    let swapped_total = |r: &TeamRow| if r.broke.is_some() { r.total() } else { 0 };
    swapped_total(b).cmp(&swapped_total(a)).then_with(|| compare(&a.standing, &b.standing))
}

/// Ranks `rows` by [`compare_rows`]; teams that stand equal keep their order.
pub fn rank(rows: &mut [TeamRow]) {
    rows.sort_by(compare_rows);
}

/// The totals over `past` and, when every team in it is over, the round `now`; most points
/// first, then most rounds resolved, then in the order teams were first named.
pub fn totals(past: &[RoundResult], now: &[TeamRow]) -> Vec<Total> {
    let mut totals: Vec<Total> = Vec::new();
    let finished = !now.is_empty() && now.iter().all(|r| r.standing.status.is_over());
    let rounds = past.iter().map(|r| r.rows.as_slice()).chain(finished.then_some(now));
    for rows in rounds {
        for row in rows {
            let at = if let Some(at) = totals.iter().position(|t| t.team == row.team) {
                at
            } else {
                totals.push(Total { team: row.team.clone(), points: 0, break_points: 0, resolved: 0, rounds: 0 });
                totals.len() - 1
            };
            let total = &mut totals[at];
            total.points += row.total();
            total.break_points += row.break_points();
            total.resolved += u32::from(row.standing.status == Status::Won);
            total.rounds += 1;
        }
    }
    // Teams named in this round and in no finished one yet still show, with nothing.
    for row in now {
        if !totals.iter().any(|t| t.team == row.team) {
            totals.push(Total { team: row.team.clone(), points: 0, break_points: 0, resolved: 0, rounds: 0 });
        }
    }
    totals.sort_by(|a, b| b.points.cmp(&a.points).then(b.resolved.cmp(&a.resolved)));
    totals
}

impl Leaderboard {
    /// The board for round `round` of `title` from each team's standing (in team order),
    /// ranked, with the totals worked out.
    pub fn new(round: u32, title: &str, mut rows: Vec<TeamRow>, past: Vec<RoundResult>) -> Leaderboard {
        rank(&mut rows);
        let totals = totals(&past, &rows);
        Leaderboard { round, title: title.to_owned(), rows, past, totals }
    }

    /// The board as anyone may see it ([`Standing::public`]).
    #[must_use]
    pub fn public(&self) -> Leaderboard {
        let rows = self
            .rows
            .iter()
            .map(|r| TeamRow { team: r.team.clone(), standing: r.standing.public(), broke: r.broke.clone() })
            .collect();
        Leaderboard { rows, ..self.clone() }
    }

    /// Whether this round is played with swapped sides (every team also breaks for another).
    pub fn swapped(&self) -> bool {
        self.rows.iter().any(|r| r.broke.is_some())
    }

    /// The board as text: this round's table (with swapped sides, its fix, break and total
    /// columns, then each team's break in words), then the totals when there is more than one
    /// round or a finished one. Team names and the title are sanitized here (they may come from
    /// a peer or a scenario file); the columns' spacing is kept.
    pub fn lines(&self) -> Vec<String> {
        let swapped = self.swapped();
        let sides = if swapped { " (swapped sides: each team breaks the cloud for the next)" } else { "" };
        let mut lines = vec![format!("round {}: {}{sides}", self.round, sanitize(&self.title))];
        let mut header = format!(
            "{:>2}  {:<10} {:<20} {:>6} {:>7} {:>6} {:>5}",
            "#", "team", "status", "time", "budget", "mood", "grade"
        );
        if swapped {
            let _ = write!(header, " {:>5} {:>5} {:>5}", "fix", "break", "total");
        }
        lines.push(header);
        for (place, row) in self.rows.iter().enumerate() {
            let mut line = row_line(place + 1, row);
            if swapped {
                let fix = row.standing.points.map_or_else(|| "-".to_owned(), |p| p.to_string());
                let broke = row.broke.as_ref().and_then(|b| b.points).map_or_else(|| "-".to_owned(), |p| p.to_string());
                let _ = write!(line, " {fix:>5} {broke:>5} {:>5}", row.total());
            }
            lines.push(line);
        }
        if swapped {
            lines.push("breaks:".to_owned());
            for row in &self.rows {
                if let Some(broke) = &row.broke {
                    lines.push(format!("  {}", sanitize(&broke.text(&row.team))));
                }
            }
        }
        let any_finished = !self.past.is_empty() || self.totals.iter().any(|t| t.rounds > 0);
        let split = swapped || self.totals.iter().any(|t| t.break_points > 0);
        if any_finished {
            lines.push("totals:".to_owned());
            for (place, total) in self.totals.iter().enumerate() {
                let parts = if split {
                    format!(" ({} fix + {} break)", total.points.saturating_sub(total.break_points), total.break_points)
                } else {
                    String::new()
                };
                lines.push(format!(
                    "{:>2}  {:<10} {:>4} points{parts}, {} of {} resolved",
                    place + 1,
                    sanitize(&total.team),
                    total.points,
                    total.resolved,
                    total.rounds
                ));
            }
        }
        lines
    }
}

/// One ranked row: place, team, status, time to resolve (or so far), budget, mood, grade.
pub fn row_line(place: usize, row: &TeamRow) -> String {
    let s = &row.standing;
    let mood = s.mood.map_or_else(|| "-".to_owned(), |m| m.to_string());
    let grade = s.grade.map_or("-", Grade::as_str);
    format!(
        "{place:>2}  {:<10} {:<20} {:>6} {:>6.1}% {:>6} {:>5}",
        sanitize(&row.team),
        s.status_text(),
        minutes(s.second),
        s.budget_left * 100.0,
        mood,
        grade
    )
}

/// Incident time as game minutes, `25m`.
pub fn minutes(second: i64) -> String {
    format!("{}m", second.max(0) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(status: Status, grade: Option<Grade>, second: i64, budget: f64) -> Standing {
        Standing {
            status,
            turn: 3,
            turn_limit: 15,
            second,
            budget_left: budget,
            mood: Some(50),
            grade,
            points: grade.map(|g| 100 - 10 * g as u32),
        }
    }

    fn row(team: &str, standing: Standing) -> TeamRow {
        TeamRow::fix(team, standing)
    }

    #[test]
    fn resolved_ranks_before_unresolved_then_grade_time_and_budget() {
        let mut rows = vec![
            row("playing", standing(Status::Playing, None, 900, 0.9)),
            row("lost", standing(Status::Lost, Some(Grade::D), 3000, 0.0)),
            row("won-slow", standing(Status::Won, Some(Grade::B), 1800, 0.8)),
            row("won-fast", standing(Status::Won, Some(Grade::B), 1200, 0.5)),
            row("won-a", standing(Status::Won, Some(Grade::A), 2400, 0.2)),
            row("playing-low", standing(Status::Playing, None, 900, 0.4)),
        ];
        rank(&mut rows);
        let order: Vec<&str> = rows.iter().map(|r| r.team.as_str()).collect();
        assert_eq!(order, ["won-a", "won-fast", "won-slow", "lost", "playing", "playing-low"]);
    }

    #[test]
    fn the_public_board_hides_the_mood_until_the_game_is_over() {
        let playing = standing(Status::Playing, None, 600, 0.7);
        assert_eq!(playing.public().mood, None);
        assert_eq!(playing.mood, Some(50));
        let won = standing(Status::Won, Some(Grade::A), 600, 0.7);
        assert_eq!(won.public().mood, Some(50));
    }

    #[test]
    fn totals_count_a_round_once_every_team_is_over() {
        let first = RoundResult {
            round: 1,
            title: "one".into(),
            rows: vec![
                row("team 1", standing(Status::Won, Some(Grade::A), 600, 0.9)),
                row("team 2", standing(Status::Lost, Some(Grade::D), 900, 0.1)),
            ],
        };
        let going = vec![
            row("team 2", standing(Status::Won, Some(Grade::A), 600, 0.9)),
            row("team 1", standing(Status::Playing, None, 600, 0.9)),
        ];
        let board = Leaderboard::new(2, "two", going.clone(), vec![first.clone()]);
        assert_eq!(
            board.totals[0],
            Total { team: "team 1".into(), points: 100, break_points: 0, resolved: 1, rounds: 1 }
        );
        assert_eq!(
            board.totals[1],
            Total { team: "team 2".into(), points: 70, break_points: 0, resolved: 0, rounds: 1 }
        );
        let mut over = going;
        over[1].standing = standing(Status::Lost, Some(Grade::F), 900, 0.0);
        let board = Leaderboard::new(2, "two", over, vec![first]);
        assert_eq!(
            board.totals[0],
            Total { team: "team 2".into(), points: 170, break_points: 0, resolved: 1, rounds: 2 }
        );
        assert_eq!(
            board.totals[1],
            Total { team: "team 1".into(), points: 160, break_points: 0, resolved: 1, rounds: 2 }
        );
    }

    #[test]
    fn the_board_as_text_lists_teams_in_rank_order() {
        let board = Leaderboard::new(
            1,
            "Friday afternoon release",
            vec![
                row("team 1", standing(Status::Playing, None, 900, 0.62)),
                row("team 2", standing(Status::Won, Some(Grade::B), 1500, 0.875)),
            ],
            Vec::new(),
        );
        let text = board.public().lines().join("\n");
        assert_eq!(
            text,
            "round 1: Friday afternoon release\n \
             #  team       status                 time  budget   mood grade\n \
             1  team 2     won at turn 3           25m   87.5%     50     B\n \
             2  team 1     playing, turn 3         15m   62.0%      -     -"
        );
    }
}
