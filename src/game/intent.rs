//! Hearing what the liaison asks: a message in, the [`Intent`]s it asks about out. The customer
//! answers questions, not keywords, so a paraphrase ("Did your team roll anything out in the past
//! hour?") is heard as the same question as "What changed?". Words are reduced to their stems
//! (Snowball English, `rust-stemmers`) and matched against one fixed lexicon (`lexicon`); a
//! statement ("We are aware of the errors.") asks nothing and is heard as no question. Pure: no
//! I/O, nothing downloaded, the same message always heard the same way.

mod lexicon;
mod replies;

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

pub use crate::scenario::layer::Intent;
pub use replies::{acknowledgements, default_reply, not_understood, recovered_nags, sample_question};

/// What the game heard in one message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heard {
    /// The questions and requests in it, each once, in [`Intent::ALL`] order. A greeting is
    /// listed only when nothing else was heard.
    pub intents: Vec<Intent>,
    /// Whether any sentence asks or requests something (a question, "please …", "could you …").
    pub asks: bool,
    /// The message's words as stems, in order, for topic matching.
    stems: Vec<String>,
}

impl Heard {
    /// Whether the message names `topic` (a word or a phrase, compared stem by stem).
    pub fn names(&self, topic: &str) -> bool {
        let wanted: Vec<String> = words(topic).iter().map(|w| stem(w)).collect();
        !wanted.is_empty() && self.stems.windows(wanted.len()).any(|w| w == wanted.as_slice())
    }

    pub fn asked(&self, intent: Intent) -> bool {
        self.intents.contains(&intent)
    }
}

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

fn stem(word: &str) -> String {
    STEMMER.stem(word).into_owned()
}

/// What the liaison's message asks.
pub fn hear(message: &str) -> Heard {
    let mut found = Vec::new();
    let mut asks = false;
    let mut stems = Vec::new();
    for sentence in sentences(message) {
        let tokens = Tokens::of(&sentence.words, sentence.clauses);
        stems.extend(tokens.stems.iter().cloned());
        let sentence_asks = sentence.question || lexicon::asks(&tokens);
        asks |= sentence_asks;
        if sentence_asks {
            found.extend(lexicon::intents(&tokens));
        } else if lexicon::greets(&tokens) {
            found.push(Intent::Greeting);
        }
    }
    if found.iter().any(|i| *i != Intent::Greeting) {
        found.retain(|i| *i != Intent::Greeting);
    }
    let intents = Intent::ALL.into_iter().filter(|i| found.contains(i)).collect();
    Heard { intents, asks, stems }
}

/// One sentence of a message: its words (contractions spelled out), where its clauses start
/// (after a comma or colon: "Hi Dana, did you …"), and whether it ends in a question mark.
struct Sentence {
    words: Vec<String>,
    clauses: Vec<usize>,
    question: bool,
}

impl Sentence {
    fn of(text: &str, question: bool) -> Option<Sentence> {
        let mut words_so_far = Vec::new();
        let mut clauses = Vec::new();
        for clause in text.split([',', ':', '(', ')', '-']) {
            let clause_words = words(clause);
            if !clause_words.is_empty() {
                clauses.push(words_so_far.len());
                words_so_far.extend(clause_words);
            }
        }
        (!words_so_far.is_empty()).then_some(Sentence { words: words_so_far, clauses, question })
    }
}

/// Splits on `.`, `!`, `?`, `;` and line breaks; a dot inside a word ("1.4.2") does not end a
/// sentence.
fn sentences(message: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = message.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_is_word = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        let ends = match c {
            '?' | '!' | ';' | '\n' => true,
            '.' => !next_is_word,
            _ => false,
        };
        if ends {
            if let Some(sentence) = Sentence::of(&current, c == '?') {
                out.push(sentence);
            } else if c == '?'
                && let Some(last) = out.last_mut()
            {
                // "what changed??" or "…?!": the mark still belongs to the sentence before.
                last.question = true;
            }
            current.clear();
        } else {
            current.push(c);
        }
    }
    out.extend(Sentence::of(&current, false));
    out
}

/// Lower-case words with contractions spelled out ("didn't" → "did not", "what's" → "what is").
fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['\u{2019}', '\u{2018}', '`'], "'");
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let raw = raw.trim_matches('\'');
        if raw.is_empty() {
            continue;
        }
        out.extend(expand(raw));
    }
    out
}

fn expand(word: &str) -> Vec<String> {
    let whole = match word {
        "won't" => Some("will not"),
        "can't" | "cannot" => Some("can not"),
        "shan't" => Some("shall not"),
        "let's" => Some("let us"),
        _ => None,
    };
    if let Some(whole) = whole {
        return whole.split(' ').map(str::to_owned).collect();
    }
    for (suffix, spelled) in
        [("n't", "not"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'d", "would"), ("'m", "am"), ("'s", "is")]
    {
        if let Some(stem) = word.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return vec![stem.replace('\'', ""), spelled.to_owned()];
        }
    }
    vec![word.replace('\'', "")]
}

/// A sentence as the lexicon reads it: each word as typed (lower case) and as its stem.
struct Tokens {
    raw: Vec<String>,
    stems: Vec<String>,
    /// Where each clause starts.
    clauses: Vec<usize>,
}

impl Tokens {
    fn of(words: &[String], clauses: Vec<usize>) -> Tokens {
        Tokens { raw: words.to_vec(), stems: words.iter().map(|w| stem(w)).collect(), clauses }
    }

    /// The first word of each clause, as typed.
    fn clause_openers(&self) -> impl Iterator<Item = &str> {
        self.clauses.iter().filter_map(|&i| self.raw.get(i).map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(message: &str) -> Vec<Intent> {
        hear(message).intents
    }

    #[test]
    fn the_three_questions_from_the_issue_ask_what_changed() {
        for q in [
            "Has someone on your side changed something?",
            "Did your team roll anything out in the past hour?",
            "Were there any edits to your setup?",
        ] {
            assert_eq!(heard(q), vec![Intent::WhatChanged], "{q}");
        }
    }

    #[test]
    fn stems_and_contractions_make_forms_alike() {
        assert_eq!(heard("What's been deployed?"), vec![Intent::WhatChanged]);
        assert_eq!(heard("Did anybody deploy?"), vec![Intent::WhatChanged]);
        assert_eq!(heard("Please don't change anything for now."), vec![Intent::HoldOff]);
        assert_eq!(heard("Please do not change anything for now."), vec![Intent::HoldOff]);
    }

    #[test]
    fn word_order_does_not_matter() {
        assert_eq!(heard("Rolling back: would that be OK with you?"), vec![Intent::Rollback]);
        assert_eq!(heard("Would it be OK with you if we rolled the release back?"), vec![Intent::Rollback]);
    }

    #[test]
    fn statements_ask_nothing() {
        for s in [
            "We are aware of the errors.",
            "We're looking at the recent changes now.",
            "We rolled back to the previous version",
            "I will post an update in a few minutes.",
        ] {
            let h = hear(s);
            assert!(h.intents.is_empty() && !h.asks, "{s}: {h:?}");
        }
    }

    #[test]
    fn a_statement_that_requests_is_heard() {
        assert_eq!(heard("We need you to hold off on any deploys."), vec![Intent::HoldOff]);
        assert!(hear("Let me know which version you deployed.").asks);
    }

    #[test]
    fn one_message_may_ask_several_things() {
        assert_eq!(
            heard("Hi Dana, what changed this morning? And how many users are affected?"),
            vec![Intent::WhatChanged, Intent::Impact]
        );
    }

    #[test]
    fn a_greeting_alone_is_a_greeting() {
        assert_eq!(heard("Hi Dana, thanks for reaching out."), vec![Intent::Greeting]);
        assert_eq!(heard("Hello!"), vec![Intent::Greeting]);
    }

    #[test]
    fn a_version_number_is_one_sentence() {
        let h = hear("Is 1.4.2 the version you deployed?");
        assert!(h.asked(Intent::WhatChanged));
        assert!(h.names("1.4.2"));
        assert!(!h.names("1.4.1"));
    }

    #[test]
    fn topics_match_on_stems_and_phrases() {
        let h = hear("Tell me about the janitors and the keep-alive labels.");
        assert!(h.names("janitor"));
        assert!(h.names("label"));
        assert!(h.names("keep-alive"));
        assert!(!h.names("alive keep"));
        assert!(!h.names(""));
    }

    #[test]
    fn nothing_panics_on_odd_text() {
        for s in ["", "?", "??!", "'", "n't", "'s", "...", "\u{2019}\u{2019}", "日本語？", "a.b.c.", "\n\n?"] {
            let _ = hear(s);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_heard_without_panicking(text in "\\PC{0,300}") {
            let heard = hear(&text);
            proptest::prop_assert!(heard.intents.len() <= Intent::ALL.len());
        }
    }

    #[test]
    fn every_sample_question_is_heard_as_its_intent() {
        for intent in Intent::ALL {
            assert_eq!(heard(sample_question(intent)), vec![intent], "{:?}", sample_question(intent));
        }
    }
}
