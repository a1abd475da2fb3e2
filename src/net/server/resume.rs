//! A restarted server opens again what an earlier one left in the data directory
//! ([`Server::resume_rooms`]): each tournament (`<data>/tournaments/`) under its code, and each
//! room (`<data>/rooms/`) under its own, a team's room linked back to its tournament so that its
//! news flows. A team's room whose game was over when the host stopped comes back as a lobby with
//! its players, waiting for the next round (the round's result is the tournament's record); a
//! team's room whose record is missing comes back empty under its code, and is reported.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::persist::tournament::TournamentRecord;
use super::persist::{self, RecordPhase, ReviveError, RoomDir, RoomRecord};
use super::scenarios::Shared;
use super::table::{Opening, Start, TableHandle};
use super::tournament::{self, Incident, TeamLink, TeamNews};
use super::{BreakPhase, NewRoom, NewTournament, Resumption, Rooms, Server, TournamentHandle};
use crate::game::tournament::broken_by;
use crate::room::RoomConfig;
use crate::scenario;

/// A tournament read back, waiting for its rooms.
struct Pending {
    record: TournamentRecord,
    incident: Incident,
    news: mpsc::UnboundedSender<TeamNews>,
    heard: mpsc::UnboundedReceiver<TeamNews>,
    /// Each team's room, once open again.
    tables: Vec<Option<TableHandle>>,
    /// Each team's room's title, once open again.
    titles: Vec<Option<String>>,
}

impl Pending {
    /// Whether team `k`'s game of the current round was over, as the record says.
    fn over(&self, k: usize) -> bool {
        self.record.teams.get(k).and_then(|t| t.standing.as_ref()).is_some_and(|s| s.status.is_over())
    }

    /// What team `k`'s room reports to. A room whose game of this round is over but came back as
    /// a lobby (`current` false) waits for the next round: its news are not this round's.
    fn link(&self, k: usize, current: bool) -> TeamLink {
        let names = &self.record.teams;
        let name = |k: usize| names.get(k).map(|t| t.name.clone()).unwrap_or_default();
        let sides = self
            .record
            .swapped
            .as_ref()
            .map(|_| tournament::Sides { responders: name(k), breakers: name(broken_by(k, names.len())) });
        let round = if current { self.record.round } else { tournament::WAITING };
        TeamLink { team: k, round, news: self.news.clone(), sides }
    }
}

impl Server {
    /// Keeps a record of every room and tournament from now on in the data directory's `rooms/`
    /// and `tournaments/` (locked against another server using them), and opens again each one an
    /// earlier server left there: a tournament under its code, with its round, past results and
    /// each team's standing ([`Server::resumed_tournaments`] hands it to the host's console); a
    /// lobby with its players, a started game replayed from its journal. Their players are all
    /// away until they resume their seats. A record that cannot be resumed is logged, left on disk
    /// and reported; rooms whose game ended are forgotten, unless they are a tournament's. Call it
    /// before creating rooms: rooms made before, or through a [`Rooms`] handle taken before, keep
    /// no record.
    pub async fn resume_rooms(&mut self) -> anyhow::Result<Vec<Resumption>> {
        let Some(data) = self.rooms.config.data_dir.clone() else {
            anyhow::bail!("there is no data directory to keep them in (set {})", crate::room::files::DATA_DIR_ENV);
        };
        let dir = Arc::new(RoomDir::open(&data)?);
        let mut outcomes = Vec::new();
        // Tournaments first: their rooms come back linked to their teams.
        let mut pending = self.read_tournaments(&dir, &mut outcomes)?;
        let mut teams: HashMap<String, (usize, usize)> = HashMap::new();
        for (t, tournament) in pending.iter().enumerate() {
            for (k, team) in tournament.record.teams.iter().enumerate() {
                teams.insert(team.code.clone(), (t, k));
            }
        }
        for (name, record) in dir.records()? {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    tracing::warn!("room {name} not resumed: {e}");
                    outcomes.push(Resumption::NotResumed { code: name, why: e.to_string() });
                    continue;
                }
            };
            let code = record.code.clone();
            let team = teams.get(&code).copied();
            // The team's game of this round was over: its room (in a lobby, or over) waits for the
            // next round. A game being played is this round's, whatever the record last heard.
            let over = team.is_some_and(|(t, k)| pending.get(t).is_some_and(|p| p.over(k)));
            let (revived, current) = match persist::revive(&record, &data, &self.rooms.scenarios) {
                Ok(revived) => (revived, !over || matches!(record.phase, RecordPhase::Playing { .. })),
                Err(ReviveError::Ended) if team.is_some() => {
                    // A team's game is over: its room waits for the next round, its players kept.
                    let lobby =
                        RoomRecord { phase: RecordPhase::Lobby, breaking: None, origin: None, ..record.clone() };
                    match persist::revive(&lobby, &data, &self.rooms.scenarios) {
                        Ok(revived) => (revived, !over),
                        Err(e) => {
                            tracing::warn!("room {code} not resumed: {e}");
                            outcomes.push(Resumption::NotResumed { code, why: e.to_string() });
                            continue;
                        }
                    }
                }
                Err(ReviveError::Ended) => {
                    tracing::info!(code = %code, "the room's game had ended; its record is removed");
                    if let Err(e) = dir.remove(&code) {
                        tracing::warn!(code = %code, "{e}");
                    }
                    continue;
                }
                Err(e) => {
                    tracing::warn!("room {code} not resumed: {e}");
                    outcomes.push(Resumption::NotResumed { code, why: e.to_string() });
                    continue;
                }
            };
            let mut title = revived.game.scenario().title.clone();
            let breaking = match record.breaking.as_ref().map(|kept| restore_break(&record, kept)).transpose() {
                Ok(breaking) => breaking,
                Err(e) => {
                    tracing::warn!("room {code} not resumed: {e:#}");
                    outcomes.push(Resumption::NotResumed { code, why: format!("its break phase: {e:#}") });
                    continue;
                }
            };
            if let Some(breaking) = &breaking {
                title.clone_from(&breaking.business().title);
            }
            let config = RoomConfig {
                seed: record.seed,
                turn_timer: record.turn_timer(),
                scenario_text: Arc::clone(&revived.scenario_text),
                data_dir: Some(data.clone()),
                keep_result: false,
            };
            let breaking = breaking.map(Box::new);
            let origin = if current { record.origin } else { None };
            let start = Start::Restored { revived, members: record.members, breaking, origin };
            let link = team.and_then(|(t, k)| pending.get(t).map(|p| p.link(k, current)));
            let opening =
                Opening { config, keep: Some(Arc::clone(&dir)), start, ends: self.rooms.ends.clone(), team: link };
            match self.rooms.registry.adopt(code.clone(), opening).await {
                Ok(()) => {
                    tracing::info!(code = %code, scenario = %record.scenario, "room resumed");
                    if let Some((t, k)) = team
                        && let Some(tournament) = pending.get_mut(t)
                    {
                        tournament.tables[k] = self.rooms.registry.find(&code).await;
                        tournament.titles[k] = Some(title.clone());
                    }
                    outcomes.push(Resumption::Resumed(NewRoom { code, scenario: record.scenario, title }));
                }
                Err(e) => outcomes.push(Resumption::NotResumed { code, why: e.to_string() }),
            }
        }
        for tournament in pending {
            self.reopen_tournament(tournament, &dir, &data, &mut outcomes).await;
        }
        self.rooms.keep = Some(dir);
        Ok(outcomes)
    }

    /// The tournaments restored by [`Server::resume_rooms`], each once, in the order of their codes.
    pub fn resumed_tournaments(&mut self) -> Vec<NewTournament> {
        std::mem::take(&mut self.resumed)
    }

    /// Every tournament record that reads and whose incident parses; the others are reported.
    fn read_tournaments(&self, dir: &RoomDir, outcomes: &mut Vec<Resumption>) -> anyhow::Result<Vec<Pending>> {
        let mut pending: Vec<Pending> = Vec::new();
        for (name, record) in dir.tournament_records()? {
            let mut refuse = |code: String, why: String| {
                tracing::warn!("tournament {code} not resumed: {why}");
                outcomes.push(Resumption::TournamentNotResumed { code, why });
            };
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    refuse(name, e.to_string());
                    continue;
                }
            };
            let claimed =
                pending.iter().flat_map(|p| &p.record.teams).find(|t| record.teams.iter().any(|u| u.code == t.code));
            if let Some(team) = claimed {
                refuse(record.code.clone(), format!("its room {} is another tournament's", team.code));
                continue;
            }
            let file = format!("{}.ron", record.scenario);
            let shared = self.rooms.scenarios.share(&record.scenario_text, |text| scenario::parse(&file, text));
            let Shared { text, scenario } = match shared {
                Ok(shared) => shared,
                Err(e) => {
                    refuse(record.code.clone(), format!("its scenario does not build: {e}"));
                    continue;
                }
            };
            let incident = Incident { scenario, text, seed: record.seed, difficulty: record.difficulty };
            let (news, heard) = mpsc::unbounded_channel();
            let teams = record.teams.len();
            pending.push(Pending {
                record,
                incident,
                news,
                heard,
                tables: vec![None; teams],
                titles: vec![None; teams],
            });
        }
        Ok(pending)
    }

    /// Opens a tournament again around its rooms, under its code. A team whose room did not come
    /// back gets an empty one under its code (its players join again with it), kept on disk unless
    /// a record that did not resume is there; a tournament that cannot be opened is reported.
    async fn reopen_tournament(
        &mut self,
        mut tournament: Pending,
        dir: &Arc<RoomDir>,
        data: &Path,
        outcomes: &mut Vec<Resumption>,
    ) {
        let code = tournament.record.code.clone();
        for k in 0..tournament.tables.len() {
            if tournament.tables[k].is_some() {
                continue;
            }
            let Some(team) = tournament.record.teams.get(k).cloned() else { continue };
            match self.reopen_team(&tournament, k, dir, data).await {
                Ok((table, title, missing)) => {
                    tournament.tables[k] = Some(table);
                    tournament.titles[k] = Some(title);
                    if missing {
                        let why = format!(
                            "its record is missing: {} of tournament {code} gets an empty room under its code \
                             (its players join again with it)",
                            team.name
                        );
                        tracing::warn!(code = %team.code, "{why}");
                        outcomes.push(Resumption::NotResumed { code: team.code.clone(), why });
                    }
                }
                Err(e) => {
                    let why = format!("{}'s room {} does not open: {e:#}", team.name, team.code);
                    tracing::warn!("tournament {code} not resumed: {why}");
                    outcomes.push(Resumption::TournamentNotResumed { code, why });
                    return;
                }
            }
        }
        let Pending { record, incident, heard, tables, titles, .. } = tournament;
        let mut teams = Vec::new();
        let mut opened = Vec::new();
        for ((team, table), title) in record.teams.iter().zip(tables).zip(titles) {
            let Some(table) = table else {
                // Every team got its room above, or the tournament was reported and left.
                let why = format!("{}'s room {} did not open", team.name, team.code);
                outcomes.push(Resumption::TournamentNotResumed { code, why });
                return;
            };
            teams.push(tournament::Team { name: team.name.clone(), code: team.code.clone(), table });
            let title = title.unwrap_or_else(|| incident.scenario.title.clone());
            let room = NewRoom { code: team.code.clone(), scenario: incident.scenario.id.clone(), title };
            opened.push((team.name.clone(), room));
        }
        let (lines_tx, lines) = mpsc::unbounded_channel();
        let swapped = record.swapped.as_ref().map(|s| s.title.clone());
        let baseline = record.swapped.as_ref().and_then(|s| s.baseline.clone());
        let kept = tournament::Kept {
            dir: Arc::clone(dir),
            next_scenario: record.next_scenario.clone(),
            baseline: baseline.clone(),
            round_baseline: record.swapped.as_ref().map(|s| s.round_baseline.clone()),
        };
        let standings = record.teams.iter().map(|t| (t.standing.clone(), t.origin)).collect();
        let resumed = tournament::Resumed { round: record.round, past: record.past.clone(), standings };
        let (scenario_id, seed, difficulty) = (incident.scenario.id.clone(), incident.seed, incident.difficulty);
        let title = swapped.clone().unwrap_or_else(|| incident.scenario.title.clone());
        let handle = TournamentHandle::spawn(tournament::Opening {
            code: code.clone(),
            teams,
            incident,
            swapped: swapped.clone(),
            news: heard,
            lines: lines_tx,
            keep: Some(kept),
            resumed: Some(resumed),
        });
        if let Err(e) = self.rooms.registry.adopt_tournament(code.clone(), handle.clone()).await {
            outcomes.push(Resumption::TournamentNotResumed { code, why: e.to_string() });
            return;
        }
        tracing::info!(code = %code, scenario = %scenario_id, round = record.round, "tournament resumed");
        self.resumed.push(NewTournament {
            code,
            scenario: record.next_scenario,
            title,
            seed,
            teams: opened,
            swapped,
            handle,
            lines,
            difficulty,
            baseline,
            round: record.round,
        });
    }

    /// An empty room for team `k` under its old code, in the lobby of the round's incident (with
    /// swapped sides, its break phase): its table, its title, and whether its record was missing
    /// (else a record that did not resume is there, and is left as it is: the room keeps none).
    async fn reopen_team(
        &self,
        tournament: &Pending,
        k: usize,
        dir: &Arc<RoomDir>,
        data: &Path,
    ) -> anyhow::Result<(TableHandle, String, bool)> {
        let team = tournament.record.teams.get(k).ok_or_else(|| anyhow::anyhow!("no team {k}"))?;
        let incident = &tournament.incident;
        let (game, config) = incident.team_room(Some(data.to_path_buf()), self.rooms.config.turn_timer)?;
        let missing = !dir.path_of(&team.code).exists();
        let current = !tournament.over(k);
        let keep = missing.then(|| Arc::clone(dir));
        let link = tournament.link(k, current);
        let opening =
            Opening { config, keep, start: Start::Fresh(game), ends: self.rooms.ends.clone(), team: Some(link) };
        self.rooms.registry.adopt(team.code.clone(), opening).await?;
        let table = self.rooms.registry.find(&team.code).await.ok_or_else(|| anyhow::anyhow!("it closed at once"))?;
        let mut title = incident.scenario.title.clone();
        if current && let Some(swapped) = &tournament.record.swapped {
            // The round's own baseline, whatever the restarted host's `--baseline`.
            let phase = BreakPhase { baseline: Some(swapped.round_baseline.clone()) };
            if let Some(breaking) = Rooms::breaking_for(incident.seed, incident.difficulty, Some(&phase))? {
                title.clone_from(&breaking.business().title);
                table.open_break(breaking).await.map_err(|_| anyhow::anyhow!("the room closed"))?;
            }
        }
        Ok((table, title, missing))
    }
}

/// A lobby's break phase as its record kept it: the same baseline, budget and seed, the picks
/// made again and, if they had been proven, proven again (`Breaking::restore`). A pick the deck
/// or the baseline no longer takes is left out, and said in the log.
fn restore_break(record: &RoomRecord, kept: &persist::BreakRecord) -> anyhow::Result<crate::game::breaking::Breaking> {
    let phase = BreakPhase { baseline: Some(kept.baseline.clone()) };
    let Some(mut breaking) = Rooms::breaking_for(record.seed, record.difficulty, Some(&phase))? else {
        anyhow::bail!("no break phase");
    };
    let picks: Vec<(String, String)> = kept.picks.iter().map(|p| (p.card.clone(), p.target.clone())).collect();
    for refused in breaking.restore(&picks, kept.fairness.is_some()) {
        tracing::warn!(code = %record.code, "a pick of the kept break phase is left out: {refused}");
    }
    let now = breaking.composition().1.cloned();
    if now != kept.fairness {
        tracing::warn!(code = %record.code, "the kept break was proven again with another verdict: {now:?}");
    }
    Ok(breaking)
}
