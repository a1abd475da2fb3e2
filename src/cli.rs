//! The command line: `kombat scenario list|show|validate|test|generate|cards|baselines`, `kombat console` (a solo game
//! through a room) and `kombat replay`. This is the imperative shell: it reads files and stdin,
//! runs the clock and prints; everything it runs is pure.

mod console;
mod install;
mod join;
mod line;
mod logging;
pub mod random;
mod replay;
mod safe;
pub mod ssh;
pub mod transcript;

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use self::safe::{eprint_safe, print_safe};
use crate::game::Difficulty;
use crate::{scenario, tui};

#[derive(Parser, Debug)]
#[command(name = "kombat", version = install::VERSION, about = "Practise Kubernetes incident response as a team, in your terminal.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The game screen's colours: dark, light or high-contrast (`NO_COLOR` turns colour off).
    #[arg(long, value_name = "THEME")]
    pub theme: Option<String>,
    /// Seed for every solo game's cluster (default: a fresh one per game).
    #[arg(long)]
    pub seed: Option<u64>,
    /// How much help solo and hosted games get: easy (hints, multiple-choice root causes, a
    /// patient customer), normal, or hard (no hints, an action point fewer, an impatient
    /// customer). The scenario list's key changes it too.
    #[arg(long, value_name = "LEVEL", default_value_t = Difficulty::Normal)]
    pub difficulty: Difficulty,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Host multiplayer games: a server with rooms behind join codes.
    Host(crate::net::server::HostOptions),
    /// Join a hosted game with its code.
    Join(join::JoinOptions),
    /// Load a server with many rooms of headless clients and report latency, CPU and memory.
    Loadtest(crate::net::loadtest::LoadtestOptions),
    /// Show the key bindings of the game screen and where to change them.
    Keys {
        /// Print the default keymap file (with its comments) instead.
        #[arg(long)]
        defaults: bool,
    },
    /// List, show, validate and test scenarios.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Where the game screen keeps your command history (per player name), or clear it.
    History {
        /// Forget every command line kept under the name.
        #[arg(long)]
        clear: bool,
        /// The player name (default: yours on this machine; a hosted game keeps the history
        /// under the name you joined with).
        #[arg(long)]
        name: Option<String>,
    },
    /// Play a scenario solo in line mode, as liaison and troubleshooter: kubectl commands and
    /// /commands on stdin (/help lists them).
    Console {
        /// A built-in scenario id or a path to a .ron file (default: the first incident).
        #[arg(conflicts_with = "random")]
        scenario: Option<String>,
        /// Play a random incident: fault cards drawn at the difficulty on a baseline and proven
        /// fair, the same incident for the same seed.
        #[arg(long)]
        random: bool,
        /// Seed for the cluster's randomness, and with --random for the draw (same seed and
        /// input, same transcript; default 1, or a fresh one with --random).
        #[arg(long)]
        seed: Option<u64>,
        /// End every turn after this many seconds of real time (default: turns end with /end).
        #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
        turn_seconds: Option<u64>,
        /// easy (hints, multiple-choice root causes, a patient customer), normal, or hard (no
        /// hints, an action point fewer, an impatient customer).
        #[arg(long, value_name = "LEVEL", default_value_t = Difficulty::Normal)]
        difficulty: Difficulty,
    },
    /// Print a shell completion script, e.g. `kombat completions bash > ~/.local/share/bash-completion/completions/kombat`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print kombat's manual page (roff), e.g. `kombat man | man -l -`; with --out, one page per
    /// command into a directory.
    Man {
        /// Write kombat.1, kombat-host.1, … into this directory instead.
        #[arg(long, value_name = "DIR")]
        out: Option<std::path::PathBuf>,
    },
    /// Play a game's journal again: the same transcript, the same postmortem.
    Replay {
        /// A journal file (kombat keeps them under its data directory, in journals/).
        file: String,
        /// The scenario file the game was played on, when it is not a built-in one.
        #[arg(long, value_name = "FILE")]
        scenario: Option<String>,
        /// Step through the game on the game screen instead (the debrief on the projector):
        /// forward, back, turn by turn, any seat's view as it was then.
        #[arg(long)]
        screen: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// List the built-in scenarios.
    List,
    /// Show a scenario's briefing.
    Show {
        /// A built-in id or a .ron file.
        scenario: String,
        /// Also print the reference solution, one command per line.
        #[arg(long)]
        solution: bool,
    },
    /// Check scenario files and report every problem with its position. A file in a `cards/`
    /// folder is checked as a fault card (it reads, and composed alone on each of its targets in
    /// every built-in baseline it validates and proves fair), one in `baselines/` as a baseline.
    Validate {
        /// Scenario, card or baseline files (.ron).
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Prove scenarios fair: not won at start or by waiting, won by the solution, not by wrong fixes.
    Test {
        /// Built-in ids or files (default: every built-in scenario).
        scenarios: Vec<String>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the RON of a random incident, proven fair: fault cards drawn on a baseline at a
    /// difficulty (or the cards named), the same text for the same seed. What was drawn goes to
    /// stderr.
    Generate {
        /// A baseline id (default: drawn; `kombat scenario baselines` lists them).
        #[arg(long)]
        baseline: Option<String>,
        /// easy (one card), normal (one or two), hard (two or three, a larger budget).
        #[arg(long, value_name = "LEVEL", default_value_t = Difficulty::Normal)]
        difficulty: Difficulty,
        /// These cards, in order, each on a drawn target (`kombat scenario cards` lists them).
        #[arg(long, value_delimiter = ',')]
        cards: Vec<String>,
        #[arg(long)]
        seed: u64,
    },
    /// List the fault cards and how many targets each has per baseline.
    Cards {
        /// Only this baseline, with every target listed.
        #[arg(long)]
        baseline: Option<String>,
    },
    /// List the baselines random incidents are composed on.
    Baselines,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(crate::room::files::data_dir().as_deref());
    let result = match cli.command {
        None => tui::launch::run(tui::launch::Options {
            theme: cli.theme,
            seed: cli.seed,
            difficulty: cli.difficulty,
            join: None,
            replay: None,
        }),
        Some(Command::Host(options)) => ssh::host(options),
        Some(Command::Join(options)) => join::run(options),
        Some(Command::Loadtest(options)) => crate::net::loadtest::run(&options),
        Some(Command::Keys { defaults: true }) => {
            print!("{}", tui::keymap::DEFAULT_KEYMAP);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Keys { defaults: false }) => keys(),
        Some(Command::Console { random: true, seed, turn_seconds, difficulty, .. }) => {
            console::run_random(seed.unwrap_or_else(random::fresh_seed), turn_seconds, difficulty)
        }
        Some(Command::Console { scenario, seed, turn_seconds, difficulty, random: false }) => console::run(
            scenario.as_deref().unwrap_or(scenario::DEFAULT_ID),
            seed.unwrap_or(1),
            turn_seconds,
            difficulty,
        ),
        Some(Command::Replay { file, scenario, screen: false }) => replay::run(&file, scenario.as_deref()),
        Some(Command::Replay { file, scenario, screen: true }) => replay::screen(&file, scenario.as_deref(), cli.theme),
        Some(Command::Completions { shell }) => install::completions(shell, &mut std::io::stdout().lock()),
        Some(Command::Man { out }) => install::man(out.as_deref(), &mut std::io::stdout().lock()),
        Some(Command::Scenario(cmd)) => run_scenario_command(cmd),
        Some(Command::History { clear, name }) => history(clear, name.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // Errors quote file names and what a file or a peer said.
            eprint_safe(&format!("kombat: {e:#}"));
            ExitCode::FAILURE
        }
    }
}

/// `kombat history`: where a player's command history is kept; with `--clear`, forgets it.
fn history(clear: bool, name: Option<&str>) -> anyhow::Result<ExitCode> {
    let profile = name.map_or_else(tui::launch::profile_name, crate::net::client::allowed_name);
    let Some(dir) = crate::room::files::data_dir() else {
        print_safe("No data directory is known here, so no command history is kept.");
        return Ok(ExitCode::SUCCESS);
    };
    let kept = tui::history::profile_dir(&dir, &profile);
    if clear {
        tui::history::clear(&dir, &profile)?;
        print_safe(&format!("The command history of {profile} is cleared ({}).", kept.display()));
    } else {
        let flag = name.map_or_else(String::new, |_| format!(" --name {profile}"));
        print_safe(&format!(
            "The command history of {profile} is kept in {}; `kombat history{flag} --clear` forgets it.",
            kept.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `kombat keys`: every binding, and the file that changes them.
fn keys() -> anyhow::Result<ExitCode> {
    let path = tui::launch::keymap_path();
    let keymap = tui::keymap::Keymap::load(path.as_deref())?;
    let width = tui::action::Action::ALL.iter().map(|a| keymap.labels(*a).chars().count()).max().unwrap_or(0);
    // The labels come from the user's keymap file.
    for action in tui::action::Action::ALL {
        print_safe(&format!("{:<width$}  {}", keymap.labels(action), action.describe()));
    }
    match path {
        Some(p) => print_safe(&format!(
            "\nTo change them, write {} naming only the actions to rebind, e.g. {{ EndTurn: [\"ctrl-n\"] }}.\nThe defaults with their comments: kombat keys --defaults",
            p.display()
        )),
        None => {
            print_safe(&format!(
                "\nNo config directory is known here; set {} to use one.",
                tui::launch::CONFIG_DIR_ENV
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_scenario_command(cmd: ScenarioCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ScenarioCommand::List => {
            let mut library = Vec::new();
            for (id, _) in scenario::builtin_sources() {
                library.push(scenario::builtin(id).ok_or_else(|| anyhow::anyhow!("missing built-in {id}"))??);
            }
            scenario::library_order(&mut library);
            let rows: Vec<Vec<String>> = library
                .into_iter()
                .map(|s| vec![s.id, s.title, s.difficulty.as_str().to_owned(), s.tags.join(",")])
                .collect();
            print_safe(&crate::sim::kubectl::table::render(&["ID", "TITLE", "DIFFICULTY", "TAGS"], &rows, false));
            Ok(ExitCode::SUCCESS)
        }
        ScenarioCommand::Show { scenario: arg, solution } => {
            let (_, s) = crate::room::files::resolve_scenario(&arg)?;
            let mut text = format!("{} ({})\n", s.title, s.id);
            let _ = writeln!(text, "Difficulty: {}   Tags: {}", s.difficulty.as_str(), s.tags.join(", "));
            let _ =
                writeln!(text, "Turns: {} of {} minutes   SLO: {}%", s.turn_limit, s.minutes_per_turn, s.slo.objective);
            if let Some(m) = s.expected_minutes {
                let _ = writeln!(text, "Expected time: about {m} minutes");
            }
            let _ = write!(text, "\n{}", s.summary);
            if solution {
                // The twist is no spoiler for whoever asked for the solution.
                let _ = write!(text, "\n\nLessons: {}", s.lessons.join(", "));
                text.push_str("\n\nReference solution:");
                for line in &s.solution {
                    let _ = write!(text, "\n{line}");
                }
            }
            print_safe(&text);
            Ok(ExitCode::SUCCESS)
        }
        ScenarioCommand::Validate { files } => {
            let mut failed = false;
            for file in files {
                let text = match crate::room::files::scenario_file_text(std::path::Path::new(&file)) {
                    Ok(t) => t,
                    Err(e) => {
                        print_safe(&e.to_string());
                        failed = true;
                        continue;
                    }
                };
                let extra = match random::file_kind(&file) {
                    random::FileKind::Card => Some(random::card_problems(&file, &text)?),
                    random::FileKind::Baseline => Some(random::baseline_problems(&file, &text)?),
                    random::FileKind::Scenario => None,
                };
                if let Some(problems) = extra {
                    if problems.is_empty() {
                        print_safe(&format!("{file}: ok"));
                    }
                    for p in &problems {
                        print_safe(p);
                    }
                    failed |= !problems.is_empty();
                    continue;
                }
                match scenario::parse(&file, &text) {
                    Err(e) => {
                        print_safe(&e.to_string());
                        failed = true;
                    }
                    Ok(s) => {
                        let problems = safe::scenario_problems(&s);
                        if problems.is_empty() {
                            print_safe(&format!("{file}: ok"));
                        }
                        for p in problems {
                            print_safe(&format!("{file}: {p}"));
                            failed = true;
                        }
                    }
                }
            }
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        ScenarioCommand::Generate { baseline, difficulty, cards, seed } => {
            random::run_generate(baseline.as_deref(), difficulty, &cards, seed)
        }
        ScenarioCommand::Cards { baseline } => random::list_cards(baseline.as_deref()),
        ScenarioCommand::Baselines => random::list_baselines(),
        ScenarioCommand::Test { scenarios, seed } => {
            let targets: Vec<String> = if scenarios.is_empty() {
                scenario::builtin_sources().map(|(id, _)| id.to_owned()).collect()
            } else {
                scenarios
            };
            let mut rows = Vec::new();
            let mut failed = false;
            for arg in targets {
                let s = match crate::room::files::resolve_scenario(&arg) {
                    Ok((_, s)) => s,
                    Err(e) => {
                        rows.push(vec![arg.clone(), "loads".to_owned(), "FAIL".to_owned(), e.to_string()]);
                        failed = true;
                        continue;
                    }
                };
                for step in crate::game::prove::prove_with(&s, seed, &crate::room::proof::SideBySide).steps {
                    failed |= !step.passed;
                    rows.push(vec![
                        s.id.clone(),
                        step.name,
                        if step.passed { "ok" } else { "FAIL" }.to_owned(),
                        step.detail,
                    ]);
                }
            }
            print_safe(&crate::sim::kubectl::table::render(&["SCENARIO", "CHECK", "RESULT", "DETAIL"], &rows, false));
            Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
    }
}
