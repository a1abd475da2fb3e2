//! The customer's own words where a scenario has none: an in-character reply to each question
//! they cannot answer, what they say to a message they do not understand, short
//! acknowledgements, and the nags of a customer whose users are fine again but who waits for the
//! all-clear. Also the natural question the game asks for each intent when it proves a scenario.

use super::Intent;

/// What the customer says when asked `intent` and no dialogue line of theirs answers it.
/// `users_fine`: every entrypoint serves its users again (it changes what "is it fixed?" gets).
pub fn default_reply(intent: Intent, users_fine: bool) -> &'static str {
    match intent {
        Intent::WhatChanged => "Not that I know of. I'd have to ask around, nothing I'm aware of went out on our side.",
        Intent::WhenStarted => "I don't know exactly. We noticed when the complaints started coming in.",
        Intent::WhoHasAccess => "I'd have to check, I don't manage access myself.",
        Intent::Impact => "I don't have exact numbers, but our users are definitely feeling it.",
        Intent::Workaround => "Not that I know of. That's why we need you.",
        Intent::HoldOff => "OK.",
        Intent::Rollback => "I can't decide that on my own. Do what you think is safest, just tell us first.",
        Intent::IsItFixed if users_fine => {
            "It looks better from here. Is it fixed for good? We'd like your all-clear before we tell everyone."
        }
        Intent::IsItFixed => "No, we're still seeing the same problem.",
        Intent::Symptoms => "Just what I told you: our users get errors. I don't have more detail than that.",
        Intent::Details => "I'm not sure where to look for that, I'd have to ask one of our developers.",
        Intent::Credentials => "Not that I know of. I'd have to ask who looks after our credentials.",
        Intent::Traffic => "Nothing unusual that I know of. It's a normal day for us, traffic-wise.",
        Intent::Greeting => "Thanks. We're counting on you.",
    }
}

/// What the customer says to a question they cannot make out, in turn.
pub fn not_understood(turn: u32) -> &'static str {
    const REPLIES: [&str; 3] = [
        "Sorry, I'm not sure what you're asking. What do you need from me?",
        "I don't follow, sorry. Can you put that differently?",
        "I'm not sure I can help with that. What exactly do you need to know?",
    ];
    REPLIES[turn as usize % REPLIES.len()]
}

/// Short acknowledgements of a message that asks nothing; the customer says one at most once a
/// turn.
pub fn acknowledgements() -> &'static [&'static str] {
    &["OK, thanks. Keep us posted.", "Thanks, we're counting on you.", "Understood. Please keep us in the loop."]
}

/// The game's nags for a customer whose users are fine again, waiting for a "resolved" update.
pub fn recovered_nags() -> &'static [&'static str] {
    &[
        "Things look normal on our side again. Is it fixed? We're waiting for your all-clear.",
        "Our users seem fine now. Can you confirm it's resolved so we can tell everyone?",
        "Is it safe to say it's over? We'd like a resolved update from you.",
    ]
}

/// A liaison's natural question for each intent, as the proof asks it.
pub fn sample_question(intent: Intent) -> &'static str {
    match intent {
        Intent::WhatChanged => "Did anything change on your side recently?",
        Intent::WhenStarted => "When did you first notice the problem?",
        Intent::WhoHasAccess => "Who else has access to that environment?",
        Intent::Impact => "How many of your users are affected?",
        Intent::Workaround => "Is there a workaround your users could use in the meantime?",
        Intent::HoldOff => "Could you hold off on any changes until we get back to you?",
        Intent::Rollback => "Would it be OK with you if we rolled back to the previous version?",
        Intent::IsItFixed => "Is it working for you now?",
        Intent::Symptoms => "What exactly do your users see?",
        Intent::Details => "Could you check the exact value of that setting for us?",
        Intent::Credentials => "Were any passwords or certificates rotated lately?",
        Intent::Traffic => "Are you getting more traffic than usual today?",
        Intent::Greeting => "Hi, thanks for your patience.",
    }
}
