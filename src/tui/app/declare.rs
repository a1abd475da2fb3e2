//! The "declare the root cause" window: a small form of the broken objects (typed as
//! `kind/namespace/name`, or picked from the names the seat's view lists), the failure class
//! (from the one taxonomy) and who changed it; at easy difficulty also the scenario's multiple
//! choice. It sends `DeclareCause` (or `DeclareRootCause` for an option) and says only what was
//! declared: whether it is right is the debrief's.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Effect, Overlay, Screen};
use crate::game::text::MAX_TEXT;
use crate::game::view::{OptionView, Panel};
use crate::game::{Action as GameAction, Declaration, FailureClass, ObjectRef};
use crate::sim::kind::Kind;

/// One row of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclareField {
    Objects,
    Class,
    ChangedBy,
    /// The multiple choice, offered at easy difficulty.
    Option,
}

/// What the form holds while it is filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclareForm {
    pub field: DeclareField,
    /// `kind/namespace/name`, several separated by commas.
    pub objects: String,
    /// Which of the matching seen names ←/→ put in the objects field last.
    pub suggestion: Option<usize>,
    /// What was typed when ←/→ began: the names cycled through contain it.
    pub filter: String,
    /// An index into `FailureClass::ALL`.
    pub class: usize,
    pub changed_by: String,
    /// An index into the offered options.
    pub option: usize,
}

impl DeclareForm {
    pub fn new() -> DeclareForm {
        DeclareForm {
            field: DeclareField::Objects,
            objects: String::new(),
            suggestion: None,
            filter: String::new(),
            class: 0,
            changed_by: String::new(),
            option: 0,
        }
    }

    pub fn class(&self) -> FailureClass {
        FailureClass::ALL.get(self.class).copied().unwrap_or(FailureClass::WrongImage)
    }

    /// The objects typed so far, read; the first malformed one is the error.
    pub fn parsed_objects(&self) -> Result<Vec<ObjectRef>, String> {
        let texts: Vec<&str> = self.objects.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
        if texts.is_empty() {
            return Err("name the broken object(s) as kind/namespace/name".to_owned());
        }
        texts.into_iter().map(|t| ObjectRef::parse(t).map_err(|e| e.to_string())).collect()
    }

    /// The declaration the form makes, or what is wrong with it.
    pub fn declaration(&self) -> Result<Declaration, String> {
        let by = self.changed_by.trim();
        Ok(Declaration {
            objects: self.parsed_objects()?,
            class: self.class(),
            changed_by: (!by.is_empty()).then(|| by.to_owned()),
        })
    }

    /// The fragment being typed: what follows the last comma.
    fn fragment(&self) -> &str {
        self.objects.rsplit(',').next().unwrap_or("").trim()
    }
}

impl Default for DeclareForm {
    fn default() -> Self {
        DeclareForm::new()
    }
}

/// The rows the form has: the option row only when options are offered.
pub fn fields(options: usize) -> Vec<DeclareField> {
    let mut fields = vec![DeclareField::Objects, DeclareField::Class, DeclareField::ChangedBy];
    if options > 0 {
        fields.push(DeclareField::Option);
    }
    fields
}

/// The names the player's views list (what the team has seen), as `kind/namespace/name`, that
/// contain `fragment`; events and the names of the pods' own replica sets are left out.
pub fn suggestions(app: &App, fragment: &str) -> Vec<String> {
    let Screen::Game(game) = &app.screen else { return Vec::new() };
    let fragment = fragment.to_ascii_lowercase();
    let mut out: Vec<String> = game
        .views
        .iter()
        .filter_map(|v| match &v.panel {
            Panel::Troubleshooter(t) => Some(&t.names),
            _ => None,
        })
        .flatten()
        .filter(|n| !matches!(n.kind, Kind::Event | Kind::ReplicaSet))
        .map(|n| ObjectRef { kind: n.kind, namespace: n.namespace.clone(), name: n.name.clone() }.to_string())
        .filter(|text| text.contains(&fragment))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The multiple-choice options the player's views offer (easy difficulty only).
pub fn options(app: &App) -> Vec<OptionView> {
    let Screen::Game(game) = &app.screen else { return Vec::new() };
    game.views
        .iter()
        .find_map(|v| match &v.panel {
            Panel::Liaison(l) => Some(l.findings.root_causes.clone()),
            Panel::Troubleshooter(t) => Some(t.findings.root_causes.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// A key while the form is open.
pub fn on_key(app: &mut App, event: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::Declare(form)) = &app.overlay else { return Vec::new() };
    let mut form = (**form).clone();
    let options = options(app);
    let rows = fields(options.len());
    let at = rows.iter().position(|f| *f == form.field).unwrap_or(0);
    let step = |by: isize, len: usize, from: usize| -> usize {
        let len = isize::try_from(len.max(1)).unwrap_or(1);
        usize::try_from((isize::try_from(from).unwrap_or(0) + by).rem_euclid(len)).unwrap_or(0)
    };
    match event.code {
        KeyCode::Esc => {
            app.overlay = None;
            return Vec::new();
        }
        KeyCode::Enter => return submit(app, &form, &options),
        KeyCode::Tab | KeyCode::Down => form.field = rows[step(1, rows.len(), at)],
        KeyCode::BackTab | KeyCode::Up => form.field = rows[step(-1, rows.len(), at)],
        KeyCode::Left | KeyCode::Right => {
            let by = if event.code == KeyCode::Left { -1 } else { 1 };
            match form.field {
                DeclareField::Class => form.class = step(by, FailureClass::ALL.len(), form.class),
                DeclareField::Option => form.option = step(by, options.len(), form.option),
                DeclareField::Objects => pick_suggestion(app, &mut form, by),
                DeclareField::ChangedBy => {}
            }
        }
        KeyCode::Backspace => {
            if let Some(text) = text_of(&mut form) {
                text.pop();
            }
            form.suggestion = None;
        }
        KeyCode::Char(c) if !event.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            if let Some(text) = text_of(&mut form)
                && text.chars().count() < MAX_TEXT
                && !c.is_control()
            {
                text.push(c);
            }
            form.suggestion = None;
        }
        _ => {}
    }
    app.overlay = Some(Overlay::Declare(Box::new(form)));
    Vec::new()
}

fn text_of(form: &mut DeclareForm) -> Option<&mut String> {
    match form.field {
        DeclareField::Objects => Some(&mut form.objects),
        DeclareField::ChangedBy => Some(&mut form.changed_by),
        DeclareField::Class | DeclareField::Option => None,
    }
}

/// ←/→ in the objects field: the previous or next seen name that matches what is typed, in
/// place of the fragment after the last comma.
fn pick_suggestion(app: &App, form: &mut DeclareForm, by: isize) {
    // While cycling, the fragment is the previous suggestion itself: match on what was typed.
    if form.suggestion.is_none() {
        form.filter = form.fragment().to_owned();
    }
    let found = suggestions(app, &form.filter);
    if found.is_empty() {
        return;
    }
    let len = isize::try_from(found.len()).unwrap_or(1);
    let next = match form.suggestion {
        Some(at) => (isize::try_from(at).unwrap_or(0) + by).rem_euclid(len),
        None if by < 0 => len - 1,
        None => 0,
    };
    let next = usize::try_from(next).unwrap_or(0);
    let head = match form.objects.rfind(',') {
        Some(comma) => format!("{}, ", form.objects[..comma].trim_end()),
        None => String::new(),
    };
    form.objects = format!("{head}{}", found[next]);
    form.suggestion = Some(next);
}

fn submit(app: &mut App, form: &DeclareForm, options: &[OptionView]) -> Vec<Effect> {
    let Screen::Game(game) = &app.screen else { return Vec::new() };
    let seat = game.seat();
    let action = if form.field == DeclareField::Option {
        match options.get(form.option) {
            Some(option) => GameAction::DeclareRootCause(option.id.clone()),
            None => return Vec::new(),
        }
    } else {
        match form.declaration() {
            Ok(declaration) => GameAction::DeclareCause(declaration),
            Err(why) => {
                // The form stays open with what was typed, so it can be corrected.
                app.show(why, true);
                return Vec::new();
            }
        }
    };
    app.overlay = None;
    vec![Effect::Act { seat, action }]
}
