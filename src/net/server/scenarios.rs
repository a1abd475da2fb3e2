//! Scenarios shared by a server's rooms. A room never changes its scenario, so every room opened
//! on the same scenario text holds the same parse and the same text (one `Arc` each) instead of
//! its own copies: with a thousand rooms of one scenario, that is a thousand parses and two
//! thousand texts less. Entries are weak, so a scenario no open room uses is freed; an edited
//! scenario file is new text, and so a new entry.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::scenario::Scenario;

/// A scenario's text and its parse, as rooms share them.
#[derive(Clone, Debug)]
pub struct Shared {
    pub text: Arc<str>,
    pub scenario: Arc<Scenario>,
}

#[derive(Debug)]
struct Entry {
    text: Weak<str>,
    scenario: Weak<Scenario>,
}

/// The parsed scenarios that open rooms use, by their text. Cheap to share behind an `Arc`.
#[derive(Debug, Default)]
pub struct Scenarios {
    by_text: Mutex<HashMap<u64, Entry>>,
}

impl Scenarios {
    /// The shared parse of `text`; the first room with this text parses it with `parse`. A
    /// parse that fails is not kept.
    pub fn share<E>(&self, text: &str, parse: impl FnOnce(&str) -> Result<Scenario, E>) -> Result<Shared, E> {
        let key = hash_of(text);
        // Nothing below panics while the lock is held; a poisoned map is still a good cache.
        if let Some(shared) = self.lock().get(&key).and_then(|entry| entry.upgrade(text)) {
            return Ok(shared);
        }
        // Parsed outside the lock: another room's creation need not wait for it.
        let shared = Shared { text: Arc::from(text), scenario: Arc::new(parse(text)?) };
        let mut by_text = self.lock();
        if let Some(theirs) = by_text.get(&key).and_then(|entry| entry.upgrade(text)) {
            // Another room parsed the same text meanwhile: share theirs.
            return Ok(theirs);
        }
        by_text.retain(|_, entry| entry.scenario.strong_count() > 0);
        by_text.insert(key, Entry { text: Arc::downgrade(&shared.text), scenario: Arc::downgrade(&shared.scenario) });
        Ok(shared)
    }

    /// How many scenarios are shared now (tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().values().filter(|entry| entry.scenario.strong_count() > 0).count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
        self.by_text.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Entry {
    /// The entry's scenario if some room still holds it and its text is `text` (not merely a
    /// text with the same hash).
    fn upgrade(&self, text: &str) -> Option<Shared> {
        let shared = Shared { text: self.text.upgrade()?, scenario: self.scenario.upgrade()? };
        (*shared.text == *text).then_some(shared)
    }
}

fn hash_of(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(id: &str) -> &'static str {
        crate::scenario::builtin_sources().find(|(i, _)| *i == id).map(|(_, t)| t).expect("a built-in")
    }

    fn parse(text: &str) -> Result<Scenario, crate::scenario::LoadError> {
        crate::scenario::parse("test.ron", text)
    }

    #[test]
    fn rooms_of_one_text_share_one_parse_and_one_text() {
        let scenarios = Scenarios::default();
        let first = scenarios.share(text("first-deploy"), parse).expect("parses");
        let mut parses = 0;
        // Another copy of the same text: shared by content, not by where the text lives.
        let copy = String::from(text("first-deploy"));
        let second = scenarios
            .share(&copy, |t| {
                parses += 1;
                parse(t)
            })
            .expect("shared");
        assert_eq!(parses, 0, "the second room does not parse again");
        assert!(Arc::ptr_eq(&first.scenario, &second.scenario));
        assert!(Arc::ptr_eq(&first.text, &second.text));
        let other = scenarios.share(text("config-drift"), parse).expect("parses");
        assert!(!Arc::ptr_eq(&first.scenario, &other.scenario));
        assert_eq!(other.scenario.id, "config-drift");
        assert_eq!(scenarios.len(), 2);
    }

    #[test]
    fn a_scenario_no_room_holds_is_freed_and_parsed_again() {
        let scenarios = Scenarios::default();
        let first = scenarios.share(text("first-deploy"), parse).expect("parses");
        let weak = Arc::downgrade(&first.scenario);
        drop(first);
        assert!(weak.upgrade().is_none(), "the cache alone does not keep it");
        assert_eq!(scenarios.len(), 0);
        let mut parses = 0;
        scenarios
            .share(text("first-deploy"), |t| {
                parses += 1;
                parse(t)
            })
            .expect("parses");
        assert_eq!(parses, 1);
    }

    #[test]
    fn a_failed_parse_is_not_kept_and_an_edited_text_is_new() {
        let scenarios = Scenarios::default();
        assert!(scenarios.share("(id: ", parse).is_err());
        assert_eq!(scenarios.len(), 0);
        let first = scenarios.share(text("first-deploy"), parse).expect("parses");
        let edited = format!("{}\n", text("first-deploy"));
        let second = scenarios.share(&edited, parse).expect("parses");
        assert!(!Arc::ptr_eq(&first.scenario, &second.scenario));
        assert_eq!(*first.scenario, *second.scenario, "same content, its own text");
    }
}
