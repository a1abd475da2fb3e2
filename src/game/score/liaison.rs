//! The liaison rubric's text checks, from incident-response practice: never promise when a fix
//! will land (promising the next update is fine), state the impact in the customer's terms (a
//! statement of what users experience, never a question that merely names a service), and offer a
//! workaround where one exists.
//!
//! The ETA detector works clause by clause. It finds time phrases (`in 10 minutes`, `within the
//! hour`, `by 3pm`, `ETA 10:30`, `shortly`) and asks what they are attached to: the nearest
//! keyword before the phrase (else after it) is either about the fix (`fixed`, `back up`,
//! `resolved`) or about communication (`update`, `check back`, `let you know`). A fix-time
//! promise counts; an update-time promise does not.

/// Words that make a time phrase a promise about the fix.
const FIX_WORDS: &[&str] = &[
    "fix",
    "fixed",
    "resolve",
    "resolved",
    "back",
    "up",
    "restored",
    "restore",
    "done",
    "working",
    "online",
    "running",
    "recovered",
    "recover",
    "operational",
    "normal",
    "solved",
    "sorted",
    "finished",
    "complete",
    "completed",
    "live",
    "available",
    "mitigated",
    "healthy",
    "repaired",
    "stable",
    "green",
];

/// Words that make a time phrase a promise about the next message, which is good practice.
const UPDATE_WORDS: &[&str] = &[
    "update",
    "updates",
    "updated",
    "updating",
    "news",
    "report",
    "status",
    "post",
    "posting",
    "message",
    "info",
    "information",
    "details",
    "hear",
    "touch",
    "notify",
    "inform",
    "ping",
    "call",
    "follow",
    "follow-up",
    "followup",
    "let",
    "know",
    "more",
    "check",
    "contact",
];

/// Words that mark a sentence as about the future, so a bare time phrase is a promise.
const FUTURE_WORDS: &[&str] =
    &["will", "'ll", "should", "expect", "expected", "hope", "going", "gonna", "aim", "plan", "promise", "estimate"];

const UNITS: &[&str] = &[
    "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour",
    "hours", "day", "days", "moment",
];

const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "forty-five",
    "fifty",
    "sixty",
    "ninety",
    "half",
    "couple",
    "few",
    "several",
];

/// Words between `in`/`within` and the unit that keep a duration a duration.
const QUALIFIERS: &[&str] = &[
    "the",
    "next",
    "about",
    "around",
    "approximately",
    "roughly",
    "under",
    "less",
    "than",
    "a",
    "an",
    "of",
    "another",
    "~",
    "just",
    "maybe",
    "max",
];

const DEADLINES: &[&str] = &[
    "noon",
    "midnight",
    "tonight",
    "today",
    "tomorrow",
    "lunch",
    "lunchtime",
    "eod",
    "cob",
    "morning",
    "afternoon",
    "evening",
    "end",
    "close",
];

/// How firmly a phrase names a time.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strength {
    /// A duration or a deadline: a promise unless it is about the next update.
    Strong,
    /// `soon`, `shortly`, `at 10:30`: a promise only when tied to the fix.
    Weak,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Fix,
    Update,
}

/// Whether a message promises when the fix will land ("fixed in 10 minutes", "ETA 10:30", "back
/// up by 3pm", "resolved shortly"). Promising the next update ("next update in 15 minutes") is
/// fine and returns false.
pub fn promises_eta(text: &str) -> bool {
    clauses(text).iter().any(|clause| clause_promises(clause))
}

/// Splits text into lowercase clauses of words; punctuation at a word's end closes a clause.
fn clauses(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let lower = raw.to_lowercase().replace('’', "'");
        let trimmed = lower.trim_start_matches(|c: char| "\"'([{“".contains(c));
        let ends = trimmed.ends_with(|c: char| ".!?;,".contains(c)) || matches!(trimmed, "-" | "–" | "—");
        let word = trimmed.trim_end_matches(|c: char| ".!?;,:\"')]}”".contains(c));
        if !word.is_empty() && !matches!(word, "-" | "–" | "—") {
            current.push(word.to_owned());
        }
        if ends && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn clause_promises(words: &[String]) -> bool {
    if eta_given(words) {
        return true;
    }
    let mut i = 0;
    while i < words.len() {
        if let Some((strength, len)) = time_phrase(words, i) {
            let keyword = nearest_keyword(words, i, i + len);
            let promise = match (strength, keyword) {
                (_, Some(Keyword::Fix)) => true,
                (_, Some(Keyword::Update)) | (Strength::Weak, None) => false,
                (Strength::Strong, None) => words.len() <= 4 || words.iter().any(|w| is_future(w)),
            };
            if promise {
                return true;
            }
            i += len;
        } else {
            i += 1;
        }
    }
    false
}

/// `ETA 10:30`, `our ETA is 20 minutes`; not `no ETA yet` or `we can't give an ETA`.
fn eta_given(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        if w != "eta" {
            return false;
        }
        let negated = words[..i].iter().any(|p| {
            matches!(p.as_str(), "no" | "not" | "without" | "cannot") || p.ends_with("n't") || p.ends_with("'t")
        });
        let timed = words
            .iter()
            .skip(i + 1)
            .take(4)
            .any(|n| is_number(n) || is_clock(n) || UNITS.contains(&n.as_str()) || DEADLINES.contains(&n.as_str()));
        timed && !negated
    })
}

/// A time phrase starting at `i`: its strength and its length in words.
fn time_phrase(words: &[String], i: usize) -> Option<(Strength, usize)> {
    let word = words[i].as_str();
    let next = |k: usize| words.get(i + k).map(String::as_str);
    match word {
        "in" | "within" => {
            if next(1) == Some("no") && next(2) == Some("time") {
                return Some((Strength::Weak, 3));
            }
            duration(words, i + 1).map(|len| (Strength::Strong, len + 1))
        }
        "by" => {
            let mut k = 1;
            while next(k).is_some_and(|w| matches!(w, "the" | "this")) {
                k += 1;
            }
            let w = next(k)?;
            if is_clock(w) || DEADLINES.contains(&w) {
                Some((Strength::Strong, k + 1))
            } else if is_number(w) && next(k + 1).is_some_and(|m| matches!(m, "am" | "pm" | "a.m" | "p.m" | "o'clock"))
            {
                Some((Strength::Strong, k + 2))
            } else {
                None
            }
        }
        "at" => next(1).filter(|w| is_clock(w)).map(|_| (Strength::Weak, 2)),
        "soon" | "shortly" | "momentarily" | "asap" | "imminently" => Some((Strength::Weak, 1)),
        "any" if next(1).is_some_and(|w| matches!(w, "minute" | "moment" | "second")) => Some((Strength::Weak, 2)),
        _ => None,
    }
}

/// The length of a duration starting at `from` (`10 minutes`, `a few minutes`, `the hour`, `5min`).
fn duration(words: &[String], from: usize) -> Option<usize> {
    let mut k = 0;
    while let Some(w) = words.get(from + k) {
        k += 1;
        if UNITS.contains(&w.as_str()) || number_with_unit(w) {
            return Some(k);
        }
        if !(QUALIFIERS.contains(&w.as_str()) || is_number(w)) || k > 6 {
            return None;
        }
    }
    None
}

fn is_number(word: &str) -> bool {
    NUMBER_WORDS.contains(&word)
        || (word.starts_with(|c: char| c.is_ascii_digit())
            && word.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '–' | '.' | '/')))
}

/// `5min`, `10m`, `2h`, `30mins`, `10-15min`.
fn number_with_unit(word: &str) -> bool {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &word[digits.len()..];
    !digits.is_empty() && !unit.is_empty() && is_number(digits) && UNITS.contains(&unit)
}

/// `10:30`, `3pm`, `3:30pm`, `15:00`, `10.30`.
fn is_clock(word: &str) -> bool {
    let base = word.trim_end_matches("utc").trim_end_matches("am").trim_end_matches("pm");
    let has_suffix = base.len() < word.len();
    let parts: Vec<&str> = base.split([':', '.']).collect();
    let digits = |p: &&str| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [h] => has_suffix && digits(h),
        [h, m] => digits(h) && digits(m) && m.len() == 2,
        _ => false,
    }
}

fn is_future(word: &str) -> bool {
    FUTURE_WORDS.iter().any(|f| word == *f || (f.starts_with('\'') && word.ends_with(f)))
}

/// The nearest fix or update keyword before the phrase `[start, end)`, else the nearest after.
fn nearest_keyword(words: &[String], start: usize, end: usize) -> Option<Keyword> {
    (0..start).rev().find_map(|j| keyword(words, j)).or_else(|| (end..words.len()).find_map(|j| keyword(words, j)))
}

fn keyword(words: &[String], j: usize) -> Option<Keyword> {
    let word = words[j].as_str();
    let prev = j.checked_sub(1).and_then(|p| words.get(p)).map(String::as_str);
    let next = words.get(j + 1).map(String::as_str);
    match word {
        // "check back", "get back to you", "follow up": about talking, not the fix.
        "back"
            if next == Some("to")
                || prev.is_some_and(|p| matches!(p, "check" | "get" | "come" | "report" | "circle" | "write")) =>
        {
            Some(Keyword::Update)
        }
        "up" if prev == Some("follow") => Some(Keyword::Update),
        _ if UPDATE_WORDS.contains(&word) => Some(Keyword::Update),
        _ if FIX_WORDS.contains(&word) => Some(Keyword::Fix),
        _ => None,
    }
}

/// Who or what the customer's users are, or the services they use.
const USER_TERMS: &[&str] = &[
    "users",
    "user",
    "customers",
    "visitors",
    "visitor",
    "shoppers",
    "buyers",
    "people",
    "everyone",
    "everybody",
    "orders",
    "order",
    "checkout",
    "checkouts",
    "check out",
    "payments",
    "payment",
    "login",
    "log in",
    "sign in",
    "bookings",
    "booking",
    "site",
    "website",
    "shop",
    "storefront",
    "pages",
    "page",
    "app",
    "requests",
    "purchases",
    "sales",
];

/// What users experience: failure, slowness, or that it works again.
const EXPERIENCE_TERMS: &[&str] = &[
    "error",
    "errors",
    "error page",
    "fail",
    "fails",
    "failing",
    "failed",
    "failure",
    "failures",
    "down",
    "slow",
    "slowness",
    "timeout",
    "timeouts",
    "time out",
    "timing out",
    "unavailable",
    "outage",
    "degraded",
    "offline",
    "broken",
    "can't",
    "cannot",
    "unable",
    "not working",
    "hangs",
    "hanging",
    "500",
    "502",
    "503",
    "504",
    "affected",
    "impacted",
    "impact",
    "losing",
    "seeing",
    "sees",
    "experiencing",
    "succeeding",
    "working again",
    "normally",
    "back up",
    "back online",
    "back to normal",
    "recovered",
    "restored",
];

/// Words that open a question when a sentence starts with them.
const QUESTION_WORDS: &[&str] = &[
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was", "were", "do", "does",
    "did", "can", "could", "would", "will", "shall", "should", "has", "have", "had", "may", "might", "any",
];

/// Greetings that may come before a question ("Hi, is checkout down?").
const GREETINGS: &[&str] =
    &["hi", "hello", "hey", "thanks", "thank", "you", "ok", "okay", "so", "quick", "question", "sorry"];

/// Whether a message states the impact in the customer's terms: a statement (not a question) that
/// says what users experience or that a service of theirs is affected, naming one of their
/// entrypoints or their users. "Every visitor to the Storefront sees an error page" does; "What
/// changed besides checkout 3.2.0?" names a service but states nothing, and does not.
pub fn states_impact(text: &str, entrypoints: &[String]) -> bool {
    let lower = text.to_lowercase().replace('’', "'");
    sentences(&lower).into_iter().filter(|s| !is_question(s)).any(|sentence| {
        let names_service =
            entrypoints.iter().filter(|e| !e.trim().is_empty()).any(|e| has_phrase(sentence, &e.to_lowercase()))
                || USER_TERMS.iter().any(|t| has_phrase(sentence, t));
        names_service && EXPERIENCE_TERMS.iter().any(|t| has_phrase(sentence, t))
    })
}

/// Sentences of lowercase text with their closing mark: split after `.`, `!`, `?` or `;` that
/// ends a word (so `3.2.0` and `10:30` stay whole), and at line breaks.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        let ends = c == '\n' || (".!?;".contains(c) && next.is_none_or(char::is_whitespace));
        if ends {
            let end = at + c.len_utf8();
            out.push(text[start..end].trim());
            start = end;
        }
    }
    out.push(text[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

/// Whether a sentence asks rather than states: it ends with `?`, or it opens (after a greeting)
/// with a question word ("can you tell me which users are affected").
fn is_question(sentence: &str) -> bool {
    if sentence.ends_with('?') {
        return true;
    }
    let words: Vec<&str> = sentence
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let first = words.iter().position(|w| !GREETINGS.contains(w)).and_then(|i| words.get(i..)).unwrap_or_default();
    match first {
        [w, next, ..] if QUESTION_WORDS.contains(w) => !matches!(*next, "not" | "n't"),
        [w] => QUESTION_WORDS.contains(w),
        _ => false,
    }
}

/// Phrases that offer the customer something to do meanwhile.
const WORKAROUND_TERMS: &[&str] = &["workaround", "work around", "work-around", "in the meantime", "meanwhile"];

/// Whether a message offers a workaround.
pub fn offers_workaround(text: &str) -> bool {
    let lower = text.to_lowercase();
    WORKAROUND_TERMS.iter().any(|t| has_phrase(&lower, t))
}

/// Whether a scenario's debrief material mentions a workaround, so one exists to be offered.
pub fn workaround_exists(material: &[&str]) -> bool {
    material.iter().any(|m| offers_workaround(m))
}

/// `phrase` in `text` on word boundaries (both already lowercase).
fn has_phrase(text: &str, phrase: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(phrase)
        .any(|(at, _)| boundary(text[..at].chars().next_back()) && boundary(text[at + phrase.len()..].chars().next()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_time_promises_are_eta_promises() {
        let promises = [
            "fixed in 10 minutes",
            "back up in 5 min",
            "within the hour",
            "by 3pm",
            "ETA 10:30",
            "resolved shortly",
            "The site will be fixed in 10 minutes.",
            "We expect it back up in 5 min.",
            "We'll have it sorted within the hour.",
            "Everything should be working again by 3pm.",
            "ETA 10:30 for the fix.",
            "It should be done in 20 minutes.",
            "The storefront will be resolved shortly.",
            "Update: the shop will be back online in 15 minutes.",
            "Our ETA is 20 min.",
            "We will have it fixed by end of day.",
            "Should be up and running in a few minutes!",
            "Service will be restored by noon.",
            "We'll get back to you in 10 minutes, and the fix will be live in half an hour.",
            "Checkout will work again within 30mins",
        ];
        for p in promises {
            assert!(promises_eta(p), "should be an ETA promise: {p:?}");
        }
    }

    #[test]
    fn update_promises_and_plain_facts_are_not() {
        let fine = [
            "Next update in 15 minutes.",
            "next update in 15 minutes",
            "We will post another update within 30 minutes.",
            "We don't have an ETA yet, but we'll update you in 15 minutes.",
            "We're investigating errors on the Storefront.",
            "We'll get back to you in 10 minutes.",
            "The errors started within minutes of the 08:52 release.",
            "The image tag was typed by hand.",
            "We can't give an ETA at this point; we'll check back in 20 minutes.",
            "Users have seen errors for 10 minutes.",
            "In the meantime, please don't re-run the pipeline.",
            "Expect our next status update by 10:30.",
            "We'll let you know as soon as we know more.",
            "At 08:52 the release 1.4.2 went out.",
            "We will follow up in 20 minutes with what we find.",
        ];
        for f in fine {
            assert!(!promises_eta(f), "should not be an ETA promise: {f:?}");
        }
    }

    #[test]
    fn impact_is_a_statement_of_what_users_experience() {
        let entrypoints = vec!["Storefront".to_owned(), "Checkout API".to_owned(), "Checkout".to_owned()];
        let statements = [
            "The storefront is showing errors to visitors.",
            "Calls to the checkout api fail",
            "Customers can't log in right now.",
            "Every visitor to the Storefront sees an error page. What changed recently?",
            "Users can't load the Storefront. We are investigating; next update in 4 minutes.",
            "Checkout is down for everyone.",
            "Your shoppers get a 503 when they pay.",
            "About half of the requests to the Storefront time out.",
            "Orders are failing since 08:52",
            "Hi Dana, the site is slow for your users; we are investigating.",
            "We know bookings fail with \"Something went wrong\".",
            "Good news: the Storefront is working again for all users.",
            "What changed? Meanwhile: checkout is unavailable for all customers.",
            "Payments are timing out for roughly 30% of buyers",
            "We see the errors on the Storefront. Next update in 10 minutes.",
            "Resolved: your users can use the site normally again.",
            "Checkout is impacted, browsing works.",
            "The Checkout API returns 502 for every request\nWe are on it",
        ];
        for text in statements {
            assert!(states_impact(text, &entrypoints), "states impact: {text:?}");
        }
        let not_statements = [
            "Hi, on it now. What exactly changed this morning besides checkout 3.2.0?",
            "We are investigating.",
            "Pods are in ImagePullBackOff in namespace shop.",
            "Is the storefront down for all users?",
            "Are your users seeing errors on checkout?",
            "Did anything change on the Storefront today?",
            "We can't give an ETA yet.",
            "Next update in 4 minutes.",
            "We rolled back the web deployment.",
            "Can you tell me which users are affected",
            "Which pages fail?",
            "Thanks, we are on it!",
            "How many customers see errors right now?",
            "Hi, is checkout down for everyone",
            "Quick question: does the storefront show errors to every visitor?",
            "We are looking into the Storefront.",
            "Has checkout 3.2.0 been rolled out to all users?",
            "",
        ];
        for text in not_statements {
            assert!(!states_impact(text, &entrypoints), "states no impact: {text:?}");
        }
        assert!(!states_impact("We're looking into the storefronts backend errors", &[]), "word boundary: storefronts");
    }

    #[test]
    fn sentences_keep_versions_and_times_whole() {
        assert_eq!(sentences("on it. what changed besides 3.2.0? ok"), ["on it.", "what changed besides 3.2.0?", "ok"]);
        assert_eq!(sentences("since 10:30; users fail"), ["since 10:30;", "users fail"]);
    }

    #[test]
    fn workarounds_are_recognised() {
        assert!(offers_workaround("In the meantime, orders can be placed by phone."));
        assert!(offers_workaround("A workaround: use the old app."));
        assert!(!offers_workaround("We are on it."));
        assert!(workaround_exists(&["Document the phone-order workaround."]));
        assert!(!workaround_exists(&["Fix the release job."]));
    }
}
