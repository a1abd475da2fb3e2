//! The customer understands questions, not keywords: liaison questions written the way people
//! write them in an incident chat (not taken from the lexicon's word lists), each with the intent
//! a person would read in it, must be heard right at least 90 % of the time; statements must not
//! be heard as questions. The misses are printed, so a change to the lexicon shows what it cost.

use kombat::game::intent::{Intent, hear};

use Intent::{
    Credentials, Details, Greeting, HoldOff, Impact, IsItFixed, Rollback, Symptoms, Traffic, WhatChanged, WhenStarted,
    WhoHasAccess, Workaround,
};

const QUESTIONS: &[(&str, Intent)] = &[
    // From the issue.
    ("Has someone on your side changed something?", WhatChanged),
    ("Did your team roll anything out in the past hour?", WhatChanged),
    ("Were there any edits to your setup?", WhatChanged),
    // What changed.
    ("What changed?", WhatChanged),
    ("Hi Dana, did you deploy anything this morning?", WhatChanged),
    ("Was there a release before the errors started showing up?", WhatChanged),
    ("Did anyone push a new version today?", WhatChanged),
    ("Has anything been modified in the cluster recently?", WhatChanged),
    ("What did your team do right before this happened?", WhatChanged),
    ("anything new go out today?", WhatChanged),
    ("Did you upgrade anything lately", WhatChanged),
    ("Were any config changes made over the weekend?", WhatChanged),
    ("Is there anything different compared to yesterday?", WhatChanged),
    ("Could you tell me what was shipped this morning?", WhatChanged),
    ("Did somebody tweak the settings?", WhatChanged),
    ("What was the last thing you installed?", WhatChanged),
    // When it started.
    ("When did this start?", WhenStarted),
    ("Since when are you seeing the errors?", WhenStarted),
    ("How long has this been going on?", WhenStarted),
    ("What time did you first notice it?", WhenStarted),
    ("When did the problems begin exactly?", WhenStarted),
    ("When was the first complaint?", WhenStarted),
    ("Roughly when did things break?", WhenStarted),
    ("At what point did the site go down?", WhenStarted),
    ("How long have your users had this problem?", WhenStarted),
    // Who has access.
    ("Who has access to the cluster?", WhoHasAccess),
    ("Who else works on this environment?", WhoHasAccess),
    ("Which teams can deploy to production?", WhoHasAccess),
    ("Does anyone outside your team have admin rights?", WhoHasAccess),
    ("Who manages the kube-system namespace?", WhoHasAccess),
    ("Is anybody else working on this cluster right now?", WhoHasAccess),
    ("Who is responsible for the platform?", WhoHasAccess),
    ("Do other teams have permissions on your namespace?", WhoHasAccess),
    ("Who owns the CI pipeline?", WhoHasAccess),
    // Impact.
    ("How many users are affected?", Impact),
    ("What's the impact on your business?", Impact),
    ("Is everyone affected or only some customers?", Impact),
    ("How bad is it for your customers?", Impact),
    ("How much revenue are you losing?", Impact),
    ("Can your customers still place orders?", Impact),
    ("Which users are hit by this?", Impact),
    ("How widespread is the problem?", Impact),
    ("Roughly what share of your visitors get errors?", Impact),
    ("How many orders have you lost so far?", Impact),
    // Workaround.
    ("Is there a workaround for your users?", Workaround),
    ("Can customers order some other way in the meantime?", Workaround),
    ("Do you have a fallback you could switch to?", Workaround),
    ("Could you take orders by phone for now?", Workaround),
    ("Is there a temporary way around this?", Workaround),
    ("Any alternative your users can use while we work on it?", Workaround),
    ("Can you put up a maintenance page meanwhile?", Workaround),
    // Hold off.
    ("Please don't change anything until we tell you.", HoldOff),
    ("Could you hold off on deployments for now?", HoldOff),
    ("Can you make sure nobody touches the cluster?", HoldOff),
    ("Please pause your pipelines while we investigate.", HoldOff),
    ("Don't re-run the migration, please.", HoldOff),
    ("Can your team freeze all changes for the moment?", HoldOff),
    ("We need you to stop deploying until further notice.", HoldOff),
    ("Please leave everything as it is for now", HoldOff),
    ("Would you mind not touching anything while we look?", HoldOff),
    ("Please wait for our go before you restart anything.", HoldOff),
    // Rollback.
    ("May we roll back to the previous version?", Rollback),
    ("Is it OK if we revert the release?", Rollback),
    ("Would you be fine with going back to 1.4.1?", Rollback),
    ("Can we undo the deploy?", Rollback),
    ("Do we have your permission to roll the change back?", Rollback),
    ("Should we roll back?", Rollback),
    ("Are you OK with a rollback?", Rollback),
    ("Is reverting to the old version an option for you?", Rollback),
    ("Any objection to downgrading to the last good release?", Rollback),
    // Is it fixed.
    ("Is it working now?", IsItFixed),
    ("Are you still seeing errors?", IsItFixed),
    ("Can you confirm the shop works again?", IsItFixed),
    ("Does checkout work for you now?", IsItFixed),
    ("Is the site back up on your end?", IsItFixed),
    ("How does it look on your side now?", IsItFixed),
    ("Could you try a test booking?", IsItFixed),
    ("Is the issue resolved for you?", IsItFixed),
    ("Any better now?", IsItFixed),
    ("Are the errors gone?", IsItFixed),
    ("Do your users still have problems?", IsItFixed),
    ("Can you check whether it works again?", IsItFixed),
    // Symptoms.
    ("What exactly do your users see?", Symptoms),
    ("What error message do you get?", Symptoms),
    ("Can you describe what happens when someone tries to pay?", Symptoms),
    ("Could you send us a screenshot of the error?", Symptoms),
    ("What does the error page say?", Symptoms),
    ("What are the symptoms?", Symptoms),
    ("What status code do you get back?", Symptoms),
    ("How does it fail for the user?", Symptoms),
    ("What happens when you open the page?", Symptoms),
    // Details of their setup.
    ("Which version are you running?", Details),
    ("Can you check the image tag in your pipeline?", Details),
    ("What's the value of that variable?", Details),
    ("Could you look at the config and tell me the key names?", Details),
    ("Which namespace is the app in?", Details),
    ("Can you double-check the memory limit in your manifests?", Details),
    ("What does your helm chart set for replicas?", Details),
    ("Could you read out the exact tag you typed in?", Details),
    ("What is the maximum in your autoscaler config?", Details),
    // Credentials.
    ("Were any passwords rotated recently?", Credentials),
    ("Did a certificate expire?", Credentials),
    ("Has anyone rotated the API keys?", Credentials),
    ("Did the database credentials change?", Credentials),
    ("Are your TLS certs still valid?", Credentials),
    ("Were any tokens revoked this morning?", Credentials),
    ("Could a secret have been changed?", Credentials),
    // Traffic.
    ("Are you running a sale today?", Traffic),
    ("Do you have more visitors than usual?", Traffic),
    ("Is there a marketing campaign going on?", Traffic),
    ("Did traffic spike this morning?", Traffic),
    ("How many requests per second are you getting?", Traffic),
    ("Are you expecting a rush later?", Traffic),
    ("Was the new version load tested?", Traffic),
    ("Is today busier than a normal day?", Traffic),
    ("Any TV ads or newsletters going out?", Traffic),
    // Greetings.
    ("Hi Dana, thanks for reaching out.", Greeting),
    ("Hello, we're on it.", Greeting),
    ("Thanks a lot!", Greeting),
    ("Good morning, I'm the liaison for this incident.", Greeting),
];

/// Written after the lexicon was first tuned, and not tuned on until the second set's misses were
/// (32 of 37 right before): how well it hears questions it has not been fitted to.
const HELD_OUT: &[(&str, Intent)] = &[
    ("Did you guys ship anything new before the outage?", WhatChanged),
    ("Has your CI pipeline run since last night?", WhatChanged),
    ("Any recent deploys we should know about?", WhatChanged),
    ("Who changed the config?", WhatChanged),
    ("Did the platform team do any maintenance today?", WhatChanged),
    ("When did you last have a working shop?", WhenStarted),
    ("How long ago did the errors start?", WhenStarted),
    ("When exactly did customers start complaining?", WhenStarted),
    ("Who can make changes in kube-system?", WhoHasAccess),
    ("Does your agency have access to the cluster too?", WhoHasAccess),
    ("Which people can run kubectl against prod?", WhoHasAccess),
    ("How many bookings are failing?", Impact),
    ("Are all of your customers impacted?", Impact),
    ("What does this outage cost you per hour?", Impact),
    ("Could users check out via the mobile app instead?", Workaround),
    ("Is there any manual process you can fall back on?", Workaround),
    ("Please hold any deploys until we give the all clear.", HoldOff),
    ("Could you ask Sam not to re-apply the janitor?", HoldOff),
    ("Please don't restart anything on your side.", HoldOff),
    ("Are you fine with us reverting the config change?", Rollback),
    ("Would rolling back the release be acceptable?", Rollback),
    ("Can we switch back to the old image?", Rollback),
    ("Are orders going through again?", IsItFixed),
    ("Can you see any improvement?", IsItFixed),
    ("Is the booking page loading for you now?", IsItFixed),
    ("Has the problem cleared up?", IsItFixed),
    ("What do customers see when they try to check out?", Symptoms),
    ("Can you paste the exact error message?", Symptoms),
    ("Is it an error page or does it just hang?", Symptoms),
    ("What tag did you put in the pipeline variables?", Details),
    ("Could you tell us which keys the configmap has?", Details),
    ("What replica count does your manifest have?", Details),
    ("Did anything happen to your secrets or certificates?", Credentials),
    ("Has the database password been changed?", Credentials),
    ("Is there some kind of promotion running right now?", Traffic),
    ("Are you seeing a traffic spike from the TV spot?", Traffic),
    ("How much load did you test 3.2.0 with?", Traffic),
];

/// A second set, written by another hand from incident chats after the first was tuned: 45 of its
/// 50 were heard right before the lexicon was tuned on its misses (the first held-out set then read
/// 32 of 37).
const HELD_OUT_2: &[(&str, Intent)] = &[
    ("Quick question: were there any deployments today?", WhatChanged),
    ("Anything change on your end recently?", WhatChanged),
    ("Did you make any changes before this started?", WhatChanged),
    ("Was any new code released this morning?", WhatChanged),
    ("what was the last change you made?", WhatChanged),
    ("Have you updated anything in the cluster lately?", WhatChanged),
    ("Did someone run a script or a job against the cluster?", WhatChanged),
    ("Is there a change ticket for today?", WhatChanged),
    ("When did you first see the errors?", WhenStarted),
    ("What time did the alerts start firing?", WhenStarted),
    ("Did this start right after the release?", WhenStarted),
    ("How long has checkout been failing?", WhenStarted),
    ("Who on your side has admin access?", WhoHasAccess),
    ("Can anyone besides you deploy to this cluster?", WhoHasAccess),
    ("Who else has a kubeconfig for production?", WhoHasAccess),
    ("Is there another team running jobs in the cluster?", WhoHasAccess),
    ("How many customers are affected right now?", Impact),
    ("What is the business impact so far?", Impact),
    ("Are all regions affected or just one?", Impact),
    ("How many orders have you lost?", Impact),
    ("Is there a workaround your users can use for now?", Workaround),
    ("Can people still pay some other way in the meantime?", Workaround),
    ("Is there a fallback you can switch to while we fix this?", Workaround),
    ("Please avoid making any changes while we investigate.", HoldOff),
    ("Can you pause your deployments for now?", HoldOff),
    ("Could your team stop any automated jobs until we're done?", HoldOff),
    ("Please don't touch the cluster for the next few minutes.", HoldOff),
    ("Are we OK to roll back to the previous release?", Rollback),
    ("Do we have your approval to revert?", Rollback),
    ("Can we undo the last deployment?", Rollback),
    ("Is it OK if we go back to version 1.4.1?", Rollback),
    ("Is everything working on your side now?", IsItFixed),
    ("Are you still seeing errors?", IsItFixed),
    ("Can you confirm the site is back up?", IsItFixed),
    ("Does checkout work for you again?", IsItFixed),
    ("What error do your users get?", Symptoms),
    ("What exactly are users seeing?", Symptoms),
    ("Is the whole site down or just some pages?", Symptoms),
    ("Could you send us a screenshot of the error?", Symptoms),
    ("Which image tag did you deploy?", Details),
    ("What value did you set for the replicas?", Details),
    ("Can you check which version is in your pipeline?", Details),
    ("Did any certificates expire recently?", Credentials),
    ("Were any passwords or API keys rotated?", Credentials),
    ("Did you rotate any secrets this week?", Credentials),
    ("Is there more traffic than usual today?", Traffic),
    ("Are you running a sale or campaign?", Traffic),
    ("Did a marketing email just go out?", Traffic),
    ("Hi there!", Greeting),
    ("Thanks Dana, appreciate it.", Greeting),
];

/// Things a liaison says that ask nothing.
const STATEMENTS: &[&str] = &[
    "We are aware of the errors.",
    "We're looking into the recent changes now.",
    "We rolled back to the previous version.",
    "Our team is investigating the deployment.",
    "I'll post an update in ten minutes.",
    "The troubleshooters are checking the cluster.",
    "We found something in the config and are testing a fix.",
    "It seems the image tag is wrong.",
];

/// How many of `questions` are heard right (the intent, with at most one other beside it), and
/// the misses.
fn score(questions: &[(&str, Intent)]) -> (usize, Vec<String>) {
    let mut misses = Vec::new();
    for (question, expected) in questions {
        let heard = hear(question).intents;
        if !(heard.contains(expected) && heard.len() <= 2) {
            misses.push(format!("{question:?}: expected {expected:?}, heard {heard:?}"));
        }
    }
    (questions.len() - misses.len(), misses)
}

#[test]
fn at_least_ninety_percent_of_liaison_questions_are_heard_right() {
    let all: Vec<(&str, Intent)> = QUESTIONS.iter().chain(HELD_OUT).chain(HELD_OUT_2).copied().collect();
    assert!(all.len() >= 100, "only {} questions", all.len());
    let (right, misses) = score(&all);
    let (held_right, _) = score(HELD_OUT);
    let only_one = all.iter().filter(|(q, e)| hear(q).intents == [*e]).count();
    let share = right as f64 / all.len() as f64;
    println!(
        "{right} of {} heard right ({:.1} %; held out: {held_right} of {}), {only_one} with nothing else; misses:\n{}",
        all.len(),
        share * 100.0,
        HELD_OUT.len(),
        misses.join("\n")
    );
    assert!(share >= 0.9, "{:.1} % heard right; misses:\n{}", share * 100.0, misses.join("\n"));
}

#[test]
fn statements_are_not_heard_as_questions() {
    let heard: Vec<_> = STATEMENTS.iter().map(|s| (s, hear(s).intents)).filter(|(_, i)| !i.is_empty()).collect();
    assert!(heard.is_empty(), "statements heard as questions: {heard:?}");
}
