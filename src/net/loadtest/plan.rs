//! What a load room does next, as a pure rotation: the troubleshooters run cheap read commands
//! (one action point each) in turn until their points are spent, then every responder ends the
//! turn, and the next turn starts over. Every act of the rotation is one the rules accept and
//! one that changes someone's view. Without a troubleshooter, the game master runs the commands
//! (they cost the game master nothing).

use crate::game::{Action, Seat};

/// Read commands that work on every scenario's cluster, taken in rotation.
pub const COMMANDS: [&str; 4] =
    ["kubectl get pods -A", "kubectl get deployments -A", "kubectl get services -A", "kubectl get nodes"];

/// What kind of act the plan chose, so a refusal can be understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Command,
    EndTurn,
}

/// The rotation of one room. Clients are named by their index in the room.
#[derive(Clone, Debug)]
pub struct Plan {
    troubleshooters: Vec<usize>,
    /// Who ends the turn, in order: the liaison, then the troubleshooters.
    responders: Vec<usize>,
    game_master: Option<usize>,
    points: u32,
    /// Commands run this turn, by every troubleshooter together.
    spent: u32,
    /// While ending the turn: the next responder to end it.
    ending: Option<usize>,
    commands: usize,
}

impl Plan {
    /// A plan for clients sitting in `seats` (index = client), with `points` action points per
    /// troubleshooter and turn.
    pub fn new(seats: &[Seat], points: u32) -> Plan {
        let of = |want: fn(&Seat) -> bool| seats.iter().enumerate().filter(move |(_, s)| want(s)).map(|(i, _)| i);
        let troubleshooters: Vec<usize> = of(|s| matches!(s, Seat::Troubleshooter(_))).collect();
        let mut responders: Vec<usize> = of(|s| *s == Seat::Liaison).collect();
        responders.extend(&troubleshooters);
        Plan {
            troubleshooters,
            responders,
            game_master: of(|s| *s == Seat::GameMaster).next(),
            points,
            spent: 0,
            ending: None,
            commands: 0,
        }
    }

    fn budget(&self) -> u32 {
        self.points.saturating_mul(u32::try_from(self.troubleshooters.len()).unwrap_or(u32::MAX))
    }

    /// The next act: which client sends it, what it is, and what kind of step it is. None when
    /// nobody in the room can act.
    pub fn next(&mut self) -> Option<(usize, Action, Step)> {
        if let Some(i) = self.ending {
            if let Some(&client) = self.responders.get(i) {
                self.ending = (i + 1 < self.responders.len()).then_some(i + 1);
                if self.ending.is_none() {
                    self.spent = 0;
                }
                return Some((client, Action::EndTurn, Step::EndTurn));
            }
            self.ending = None;
            self.spent = 0;
        }
        let client = if self.troubleshooters.is_empty() {
            self.game_master?
        } else {
            if self.spent >= self.budget() {
                self.ending = Some(0);
                return self.next();
            }
            let client = self.troubleshooters[self.spent as usize % self.troubleshooters.len()];
            self.spent += 1;
            client
        };
        let line = COMMANDS[self.commands % COMMANDS.len()];
        self.commands += 1;
        Some((client, Action::Command(line.to_owned()), Step::Command))
    }

    /// A command was refused (the points ran out earlier than the plan thought): end the turn next.
    pub fn command_refused(&mut self) {
        if !self.responders.is_empty() && self.ending.is_none() && !self.troubleshooters.is_empty() {
            self.ending = Some(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: [Seat; 6] = [
        Seat::GameMaster,
        Seat::Liaison,
        Seat::Troubleshooter(0),
        Seat::Troubleshooter(1),
        Seat::Troubleshooter(2),
        Seat::Customer(0),
    ];

    fn take(plan: &mut Plan, n: usize) -> Vec<(usize, Step)> {
        (0..n).map(|_| plan.next().map(|(c, _, s)| (c, s)).expect("an act")).collect()
    }

    #[test]
    fn troubleshooters_spend_their_points_then_every_responder_ends_the_turn() {
        let mut plan = Plan::new(&ROOM, 2);
        let turn = take(&mut plan, 10);
        let expected = vec![
            (2, Step::Command),
            (3, Step::Command),
            (4, Step::Command),
            (2, Step::Command),
            (3, Step::Command),
            (4, Step::Command),
            (1, Step::EndTurn),
            (2, Step::EndTurn),
            (3, Step::EndTurn),
            (4, Step::EndTurn),
        ];
        assert_eq!(turn, expected);
        assert_eq!(take(&mut plan, 10), expected, "the next turn is the same");
    }

    #[test]
    fn commands_rotate_through_the_list() {
        let mut plan = Plan::new(&ROOM, 4);
        let lines: Vec<String> = (0..5)
            .map(|_| match plan.next() {
                Some((_, Action::Command(line), _)) => line,
                other => panic!("a command, not {other:?}"),
            })
            .collect();
        assert_eq!(lines[0], COMMANDS[0]);
        assert_eq!(lines[3], COMMANDS[3]);
        assert_eq!(lines[4], COMMANDS[0]);
    }

    #[test]
    fn a_refused_command_ends_the_turn_early() {
        let mut plan = Plan::new(&ROOM, 4);
        take(&mut plan, 2);
        plan.command_refused();
        assert_eq!(
            take(&mut plan, 5),
            vec![(1, Step::EndTurn), (2, Step::EndTurn), (3, Step::EndTurn), (4, Step::EndTurn), (2, Step::Command),]
        );
    }

    #[test]
    fn without_troubleshooters_the_game_master_runs_commands() {
        let mut plan = Plan::new(&[Seat::GameMaster, Seat::Liaison], 4);
        assert_eq!(take(&mut plan, 3), vec![(0, Step::Command); 3]);
        plan.command_refused();
        assert_eq!(take(&mut plan, 1), vec![(0, Step::Command)]);
        assert!(Plan::new(&[Seat::Spectator(0)], 4).next().is_none(), "a spectator cannot act");
    }
}
