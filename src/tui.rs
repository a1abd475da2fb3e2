//! The terminal UI: a title menu, a scenario picker, the game screen drawn from the held seats'
//! role views, and the debrief. The model and its update function live in [`app`] (no I/O),
//! drawing in [`render`] (`impl Widget for &App`), and the shell that owns the terminal, the
//! room and the files in [`driver`] and [`terminal`]. The driver draws to any ratatui backend
//! and reads input from any channel, so a front door other than the local terminal can reuse it.

pub mod action;
pub mod app;
pub mod catalog;
pub mod complete;
pub mod driver;
pub mod history;
pub mod journals;
pub mod keymap;
pub mod launch;
pub mod render;
pub mod terminal;
pub mod theme;
