//! Who sits where at a table: one [`Member`] per seat (name, resume token, readiness, the
//! sequence number of its updates, the act ids it sent lately, its rate budgets, its
//! connection if it has one), as a room's record keeps it and back, and the pure choice of a
//! seat for a player's wish within the scenario's limits.

use std::collections::{BTreeMap, VecDeque};

use tokio::time::Instant;

use super::super::Limits;
use super::super::bucket::Bucket;
use super::super::outbox::Outbox;
use super::super::persist::MemberRecord;
use crate::game::Seat;
use crate::net::protocol::RoleWish;
use crate::scenario::Scenario;

/// How many seats of each numbered role a room has (one liaison, one game master).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeatLimits {
    pub troubleshooters: u8,
    pub customers: u8,
    pub spectators: u16,
}

impl SeatLimits {
    pub fn of(scenario: &Scenario) -> SeatLimits {
        let p = &scenario.players;
        SeatLimits::of_counts(p.troubleshooters, p.customers, p.spectators)
    }

    /// The seats these player counts allow (a baseline's, in a break phase's lobby).
    pub fn of_counts(troubleshooters: u32, customers: u32, spectators: u32) -> SeatLimits {
        SeatLimits {
            troubleshooters: u8::try_from(troubleshooters.max(1)).unwrap_or(u8::MAX),
            customers: u8::try_from(customers).unwrap_or(u8::MAX),
            spectators: u16::try_from(spectators).unwrap_or(u16::MAX),
        }
    }

    /// As the lobby shows them.
    pub fn listed(self) -> Vec<(RoleWish, u8)> {
        vec![
            (RoleWish::Liaison, 1),
            (RoleWish::Troubleshooter, self.troubleshooters),
            (RoleWish::Customer, self.customers),
            (RoleWish::GameMaster, 1),
            (RoleWish::Spectator, u8::try_from(self.spectators).unwrap_or(u8::MAX)),
        ]
    }
}

/// The last act ids of a seat and what each got, so a resent act is answered, not redone.
#[derive(Clone, Debug)]
pub struct Recent {
    capacity: usize,
    entries: VecDeque<(u64, Result<(), String>)>,
}

impl Recent {
    pub fn new(capacity: usize) -> Recent {
        Recent { capacity, entries: VecDeque::new() }
    }

    pub fn get(&self, id: u64) -> Option<&Result<(), String>> {
        self.entries.iter().find(|(i, _)| *i == id).map(|(_, r)| r)
    }

    pub fn put(&mut self, id: u64, result: Result<(), String>) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back((id, result));
    }
}

/// A player in a seat.
#[derive(Debug)]
pub struct Member {
    pub name: String,
    /// Resumes the seat; none once the player left or was removed during a game (the seat
    /// stays theirs in the game, and nobody can take it back).
    pub token: Option<String>,
    pub ready: bool,
    /// The room's creator: may take the game master's seat, and starts the game without one.
    pub creator: bool,
    /// When they joined, among the room's players (the creator's role passes on in this order).
    pub order: u64,
    /// The `seq` of the last update queued for this seat.
    pub seq: u64,
    pub outbox: Option<Outbox>,
    /// The id of the seat's latest connection (its outbox may be gone already).
    pub conn: u64,
    pub recent: Recent,
    pub chat: Bucket,
    pub acts: Bucket,
    /// Lobby changes (ready toggles), each of which is sent to every member.
    pub lobby: Bucket,
    /// Requests refused in a row for going too fast.
    pub strikes: u32,
}

impl Member {
    pub fn new(name: String, token: String, creator: bool, order: u64, outbox: Outbox, limits: &Limits) -> Member {
        let now = Instant::now();
        Member {
            name,
            token: Some(token),
            ready: false,
            creator,
            order,
            seq: 0,
            conn: outbox.id,
            outbox: Some(outbox),
            recent: Recent::new(limits.dedupe),
            chat: Bucket::new(limits.chat, now),
            acts: Bucket::new(limits.acts, now),
            lobby: Bucket::new(limits.lobby, now),
            strikes: 0,
        }
    }

    /// A player as a room's record left them before a restart: not connected until they resume,
    /// and the acts the journal holds from their seat already answered (those were accepted).
    pub fn restored(record: &MemberRecord, acted: &[u64], limits: &Limits) -> Member {
        let now = Instant::now();
        let mut recent = Recent::new(limits.dedupe);
        for id in &acted[acted.len().saturating_sub(limits.dedupe)..] {
            recent.put(*id, Ok(()));
        }
        Member {
            name: record.name.clone(),
            token: record.token.clone(),
            ready: record.ready,
            creator: record.creator,
            order: record.order,
            seq: 0,
            outbox: None,
            // Connection ids start from 1.
            conn: 0,
            recent,
            chat: Bucket::new(limits.chat, now),
            acts: Bucket::new(limits.acts, now),
            lobby: Bucket::new(limits.lobby, now),
            strikes: 0,
        }
    }

    /// The player as the room's record keeps them: nothing about their connection.
    pub fn record(&self, seat: Seat) -> MemberRecord {
        MemberRecord {
            seat,
            name: self.name.clone(),
            token: self.token.clone(),
            creator: self.creator,
            order: self.order,
            ready: self.ready,
        }
    }
}

/// The seat for a player who wishes for `wish`, or why there is none.
pub fn choose<T>(taken: &BTreeMap<Seat, T>, limits: SeatLimits, wish: RoleWish, started: bool) -> Result<Seat, String> {
    let free = |seat: Seat| !taken.contains_key(&seat);
    let troubleshooter = || (0..limits.troubleshooters).map(Seat::Troubleshooter).find(|s| free(*s));
    let spectator = || {
        let watching = taken.keys().filter(|s| matches!(s, Seat::Spectator(_))).count();
        if watching >= usize::from(limits.spectators) {
            return None;
        }
        (0..=u16::MAX).map(Seat::Spectator).find(|s| free(*s))
    };
    // During a game a latecomer takes a responder's seat nobody holds (never taken, or left
    // empty), or watches; the customer's and game master's seats are settled at the start.
    if started && matches!(wish, RoleWish::Customer | RoleWish::GameMaster) {
        return Err("the game has already started: join as the liaison, a troubleshooter or a spectator, \
                    or resume your seat"
            .to_owned());
    }
    match wish {
        RoleWish::Liaison => {
            if free(Seat::Liaison) {
                Ok(Seat::Liaison)
            } else {
                Err("the liaison's seat is taken".to_owned())
            }
        }
        RoleWish::Troubleshooter => {
            troubleshooter().ok_or_else(|| format!("all {} troubleshooter seats are taken", limits.troubleshooters))
        }
        RoleWish::Customer => {
            if limits.customers == 0 {
                return Err("this scenario has no customer seats: the scripted customer plays".to_owned());
            }
            (0..limits.customers)
                .map(Seat::Customer)
                .find(|s| free(*s))
                .ok_or_else(|| format!("all {} customer seats are taken", limits.customers))
        }
        RoleWish::GameMaster => {
            if taken.is_empty() {
                Ok(Seat::GameMaster)
            } else {
                Err("only the room's creator (the first to join) may take the game master's seat".to_owned())
            }
        }
        RoleWish::Spectator => {
            spectator().ok_or_else(|| format!("the room has no spectator seats left (at most {})", limits.spectators))
        }
        RoleWish::Any => Some(Seat::Liaison)
            .filter(|s| free(*s))
            .or_else(troubleshooter)
            .or_else(spectator)
            .ok_or_else(|| "the room is full".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: SeatLimits = SeatLimits { troubleshooters: 2, customers: 1, spectators: 2 };

    fn seated(seats: &[Seat]) -> BTreeMap<Seat, &'static str> {
        seats.iter().map(|s| (*s, "someone")).collect()
    }

    #[test]
    fn wishes_get_the_first_free_seat_of_their_role() {
        let empty = seated(&[]);
        assert_eq!(choose(&empty, LIMITS, RoleWish::Liaison, false), Ok(Seat::Liaison));
        assert_eq!(choose(&empty, LIMITS, RoleWish::GameMaster, false), Ok(Seat::GameMaster));
        let some = seated(&[Seat::Liaison, Seat::Troubleshooter(0)]);
        assert_eq!(choose(&some, LIMITS, RoleWish::Troubleshooter, false), Ok(Seat::Troubleshooter(1)));
        assert_eq!(choose(&some, LIMITS, RoleWish::Any, false), Ok(Seat::Troubleshooter(1)));
        assert_eq!(choose(&some, LIMITS, RoleWish::Customer, false), Ok(Seat::Customer(0)));
        assert_eq!(choose(&some, LIMITS, RoleWish::Spectator, false), Ok(Seat::Spectator(0)));
        assert_eq!(choose(&empty, LIMITS, RoleWish::Any, false), Ok(Seat::Liaison));
    }

    #[test]
    fn full_roles_and_late_joins_are_refused_with_a_reason() {
        let full = seated(&[
            Seat::Liaison,
            Seat::Troubleshooter(0),
            Seat::Troubleshooter(1),
            Seat::Customer(0),
            Seat::Spectator(0),
            Seat::Spectator(1),
        ]);
        let refused = |wish, started| choose(&full, LIMITS, wish, started).expect_err("refused");
        assert_eq!(refused(RoleWish::Liaison, false), "the liaison's seat is taken");
        assert_eq!(refused(RoleWish::Troubleshooter, false), "all 2 troubleshooter seats are taken");
        assert_eq!(refused(RoleWish::Customer, false), "all 1 customer seats are taken");
        assert_eq!(refused(RoleWish::Spectator, false), "the room has no spectator seats left (at most 2)");
        assert_eq!(refused(RoleWish::Any, false), "the room is full");
        assert!(refused(RoleWish::GameMaster, false).starts_with("only the room's creator"));
        assert_eq!(refused(RoleWish::Troubleshooter, true), "all 2 troubleshooter seats are taken");
        assert!(refused(RoleWish::Customer, true).starts_with("the game has already started"));
        assert!(refused(RoleWish::GameMaster, true).starts_with("the game has already started"));
        let none = SeatLimits { customers: 0, ..LIMITS };
        assert!(choose(&seated(&[]), none, RoleWish::Customer, false).expect_err("none").contains("scripted customer"));
    }

    #[test]
    fn after_the_start_latecomers_take_an_empty_responder_seat_or_watch() {
        let playing = seated(&[Seat::Liaison, Seat::Troubleshooter(0), Seat::Spectator(0)]);
        assert_eq!(choose(&playing, LIMITS, RoleWish::Spectator, true), Ok(Seat::Spectator(1)));
        assert_eq!(choose(&playing, LIMITS, RoleWish::Any, true), Ok(Seat::Troubleshooter(1)));
        assert_eq!(choose(&playing, LIMITS, RoleWish::Troubleshooter, true), Ok(Seat::Troubleshooter(1)));
        let full = seated(&[Seat::Liaison, Seat::Troubleshooter(0), Seat::Troubleshooter(1)]);
        assert_eq!(choose(&full, LIMITS, RoleWish::Any, true), Ok(Seat::Spectator(0)));
        let liaison_left = seated(&[Seat::Troubleshooter(0)]);
        assert_eq!(choose(&liaison_left, LIMITS, RoleWish::Liaison, true), Ok(Seat::Liaison));
    }

    #[test]
    fn a_restored_member_knows_the_last_acts_of_the_journal_and_no_connection() {
        let record = MemberRecord {
            seat: Seat::Troubleshooter(1),
            name: "Tam".into(),
            token: Some("T".into()),
            creator: false,
            order: 3,
            ready: true,
        };
        let limits = Limits { dedupe: 2, ..Limits::default() };
        let member = Member::restored(&record, &[5, 6, 7], &limits);
        assert_eq!(member.recent.get(5), None, "only the last two are kept");
        assert_eq!(member.recent.get(6), Some(&Ok(())));
        assert_eq!(member.recent.get(7), Some(&Ok(())));
        assert!(member.outbox.is_none());
        assert_eq!(member.conn, 0);
        assert_eq!(member.record(Seat::Troubleshooter(1)), record);
    }

    #[test]
    fn recent_acts_are_remembered_up_to_a_bound() {
        let mut recent = Recent::new(2);
        recent.put(1, Ok(()));
        recent.put(2, Err("no".into()));
        assert_eq!(recent.get(2), Some(&Err("no".to_owned())));
        recent.put(3, Ok(()));
        assert_eq!(recent.get(1), None);
        assert_eq!(recent.get(3), Some(&Ok(())));
    }
}
