//! The whole vocabulary of the TUI: every key binding names one of these, and the help overlay
//! and the footer hints are generated from the keymap and these descriptions, never written
//! twice. The game's own `game::Action` is what a seat does; this is what a key asks the
//! screen to do, which may become a game action.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Leave the current screen (at the title: quit the program).
    Quit,
    /// Show or hide the keys and how to play.
    Help,
    /// Close an overlay or go back.
    Back,
    /// Move the selection up (in a menu or a list).
    Up,
    /// Move the selection down.
    Down,
    /// Choose the selection; at the prompt, send the line.
    Select,
    /// Switch to the next seat you hold (liaison, troubleshooter).
    NextSeat,
    /// Complete the word at the prompt.
    Complete,
    /// The previous line from the history.
    HistoryPrev,
    /// The next line from the history.
    HistoryNext,
    /// Cycle where the prompt sends: console or team chat; customer or team chat.
    SwitchTarget,
    /// Scroll the main pane up a page.
    PageUp,
    /// Scroll the main pane down a page.
    PageDown,
    /// End the turn for every seat you hold.
    EndTurn,
    /// Declare the root cause from the scenario's options.
    Declare,
    /// Ask for a hint (it costs points).
    Hint,
    /// Status update, severity, asking the customer to hold off.
    Incident,
    /// Switch between the dark, light and high-contrast themes.
    Theme,
    /// After a game: play the same scenario again.
    PlayAgain,
    /// After a game: go on to the next scenario.
    NextScenario,
    /// In a hosted game's lobby: ready to start, or not.
    Ready,
    /// In a hosted game's lobby: start the game (the game master, or the room's creator).
    StartGame,
    /// In a hosted game's lobby: the game master removes the selected player.
    Kick,
    /// The customer: rate a status update from 1 to 5 stars.
    Rate,
    /// The customer: play one of their mishap cards (it changes the cluster).
    Mishap,
    /// The customer: answer the team's request to hold off changes.
    AnswerHoldOff,
    /// The game master: pause or resume, fire an inject, grant a hint, end the game.
    Master,
    /// The game master: show the next tab of the main pane.
    NextPane,
    /// On the scenario list: cycle the difficulty (easy, normal, hard).
    Difficulty,
    /// In the status-update editor: post the update (Enter starts a new line there).
    PostUpdate,
    /// In the manifest editor (`kubectl edit`, `apply -f -`): send the text with its command.
    SaveManifest,
    /// Replaying a game: one step back.
    StepBack,
    /// Replaying a game: one step forward.
    StepForward,
    /// Replaying a game: back to the start of the turn (or the one before).
    PrevTurn,
    /// Replaying a game: on to the next turn.
    NextTurn,
    /// Replaying a game: back to the previous moment of the timeline.
    PrevMoment,
    /// Replaying a game: on to the next moment (a turn, a change, the cause declared, the end).
    NextMoment,
    /// In a hosted game's lobby: the game master moves the selected player to the next seat
    /// (swapping with whoever sits there).
    MoveSeat,
    /// In a break phase's lobby: play the selected card on its target, or take a picked one back.
    PickCard,
    /// In a break phase's lobby: compose the picks and prove the incident fair.
    Prove,
}

impl Action {
    pub const ALL: [Action; 40] = [
        Action::Help,
        Action::Quit,
        Action::Back,
        Action::Up,
        Action::Down,
        Action::Select,
        // Before NextSeat: Tab completes while a command is typed and switches seats otherwise.
        Action::Complete,
        Action::NextSeat,
        Action::HistoryPrev,
        Action::HistoryNext,
        Action::SwitchTarget,
        Action::PageUp,
        Action::PageDown,
        Action::EndTurn,
        Action::Declare,
        Action::Hint,
        Action::Incident,
        Action::Theme,
        Action::PlayAgain,
        Action::NextScenario,
        Action::Ready,
        Action::StartGame,
        Action::Kick,
        Action::Rate,
        Action::Mishap,
        Action::AnswerHoldOff,
        Action::Master,
        // After Complete: Tab completes while the game master types a command.
        Action::NextPane,
        Action::Difficulty,
        Action::PostUpdate,
        Action::SaveManifest,
        Action::StepBack,
        Action::StepForward,
        Action::PrevTurn,
        Action::NextTurn,
        Action::PrevMoment,
        Action::NextMoment,
        Action::MoveSeat,
        Action::PickCard,
        Action::Prove,
    ];

    /// The keys of a break phase's card table, which mean nothing elsewhere.
    pub const BREAK: [Action; 2] = [Action::PickCard, Action::Prove];

    /// The keys of the replay screen (`kombat replay --screen`, "Replay a game"), which mean
    /// nothing elsewhere.
    pub const REPLAY: [Action; 6] = [
        Action::StepBack,
        Action::StepForward,
        Action::PrevTurn,
        Action::NextTurn,
        Action::PrevMoment,
        Action::NextMoment,
    ];

    /// One or two words for the footer.
    pub fn short(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Back => "back",
            Action::Up => "up",
            Action::Down => "down",
            Action::Select => "select",
            Action::NextSeat => "switch seat",
            Action::Complete => "complete",
            Action::HistoryPrev => "history",
            Action::HistoryNext => "history",
            Action::SwitchTarget => "send to",
            Action::PageUp => "scroll up",
            Action::PageDown => "scroll down",
            Action::EndTurn => "end turn",
            Action::Declare => "root cause",
            Action::Hint => "hint",
            Action::Incident => "status update",
            Action::Theme => "theme",
            Action::PlayAgain => "play again",
            Action::NextScenario => "next scenario",
            Action::Ready => "ready",
            Action::StartGame => "start",
            Action::Kick => "kick",
            Action::Rate => "rate update",
            Action::Mishap => "mishap",
            Action::AnswerHoldOff => "hold off?",
            Action::Master => "controls",
            Action::NextPane => "next tab",
            Action::Difficulty => "difficulty",
            Action::PostUpdate => "post update",
            Action::SaveManifest => "save",
            Action::StepBack => "back",
            Action::StepForward => "step",
            Action::PrevTurn => "prev turn",
            Action::NextTurn => "next turn",
            Action::PrevMoment => "prev moment",
            Action::NextMoment => "next moment",
            Action::MoveSeat => "move",
            Action::PickCard => "pick/drop",
            Action::Prove => "prove",
        }
    }

    /// A sentence for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "Leave this screen; at the title, quit kombat",
            Action::Help => "Show or hide this help",
            Action::Back => "Close a window or go back",
            Action::Up => "Move the selection up",
            Action::Down => "Move the selection down",
            Action::Select => "Choose; at the prompt, send the line",
            Action::NextSeat => "Switch seat: liaison or troubleshooter (Tab completes while you type a command)",
            Action::Complete => "Complete the verb, resource type, name or flag at the prompt",
            Action::HistoryPrev => "Previous command from your history",
            Action::HistoryNext => "Next command from your history",
            Action::SwitchTarget => "Send the prompt to the console, the team chat or the customer",
            Action::PageUp => "Scroll back (the mouse wheel works too)",
            Action::PageDown => "Scroll forward",
            Action::EndTurn => "End the turn for the seats you hold; the cluster moves on",
            Action::Declare => "Declare the root cause: the broken objects, the failure class, who changed it",
            Action::Hint => "Ask for a hint (the debrief counts them)",
            Action::Incident => "Post a status update, set the severity, ask the customer to hold off changes",
            Action::Theme => "Switch between the dark, light and high-contrast themes",
            Action::PlayAgain => "After a game: play the same scenario again",
            Action::NextScenario => "After a game: go on to the next scenario",
            Action::Ready => "In a hosted game's lobby: say you are ready to start (again: not ready)",
            Action::StartGame => "In a hosted game's lobby: start the game (game master or the room's creator)",
            Action::Kick => "In a hosted game's lobby: remove the selected player (game master)",
            Action::Rate => "Rate one of the team's status updates from 1 to 5 stars",
            Action::Mishap => "Play a mishap card: change something yourself (it breaks the cluster further)",
            Action::AnswerHoldOff => "Answer the team's request to hold off changes: accept or refuse",
            Action::Master => {
                "Game controls: pause or resume, fire an inject, grant a hint, speak as the customer, end"
            }
            Action::NextPane => "Show the next tab: overview, console, chats, script, event log",
            Action::Difficulty => {
                "On the scenario list: easy (hints, multiple choice), normal, or hard (no hints, fewer points)"
            }
            Action::PostUpdate => "In the status-update editor: post the update (Enter starts a new line)",
            Action::SaveManifest => "In the kubectl edit / apply -f - editor: send it (Esc cancels)",
            Action::StepBack => "Replaying a game: one step back",
            Action::StepForward => "Replaying a game: one step forward (a command, a message, a turn's end)",
            Action::PrevTurn => "Replaying a game: back to the start of this turn, or of the one before",
            Action::NextTurn => "Replaying a game: on to the start of the next turn",
            Action::PrevMoment => {
                "Replaying a game: back to the previous moment (a turn, a change, the cause, the end)"
            }
            Action::NextMoment => "Replaying a game: on to the next moment (a turn, a change, the cause, the end)",
            Action::MoveSeat => {
                "Move a player to another seat, swapping with whoever sits there (game master): in the \
                 lobby the selected one to the next seat; during the game, choose the player and the seat"
            }
            Action::PickCard => {
                "Break phase (customer team): play the selected card on its target (←/→ choose), or take a \
                 picked card back"
            }
            Action::Prove => "Break phase (customer team): compose the picks and prove the incident fair",
        }
    }
}
