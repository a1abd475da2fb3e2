//! The lexicon: how each [`Intent`] is asked, as cues over word stems, and what makes a sentence
//! ask at all. A cue is a list of groups that must all appear in one sentence, in any order; a
//! group lists alternatives, each a word or a phrase (words in a row). Words are written as a
//! person types them and stemmed once, so "deploy" also hears "deployed", "deploying" and
//! "deployments"; `=word` matches that exact word only (where a stem would mix up meanings);
//! `@set` stands for one of the word sets below.

use std::sync::LazyLock;

use super::{Intent, Tokens, stem};

/// Word sets several cues share.
const SETS: &[(&str, &str)] = &[
    (
        "change",
        "change|changed|modify|modified|modification|edit|edited|alter|altered|tweak|touch|touched|update|updated|\
         upgrade|upgraded|migrate|migrated|migration|install|installed|deploy|deployed|deployment|release|released|\
         ship|shipped|push|pushed|roll out|rolled out|rolling out|rollout|apply|applied|merge|merged|patch|patched|\
         reconfigure|tidy|tidied|rename|renamed|restart|restarted|redeploy|redeployed|new version|new release|bump|\
         bumped|adjust|adjusted|tinker|fiddle|mess with|messed with|introduce|introduced|launch|launched|go live|\
         went live|went out|configure|configured|set up|reset|maintenance",
    ),
    ("who", "who|whom|whose|which team|which teams|what team|what teams|which people|which person|who else"),
    (
        "others",
        "anyone|anybody|someone|somebody|else|other team|other teams|other people|outside|vendor|agency|contractor|contractors|third party|colleague|colleagues",
    ),
    (
        "access",
        "access|permission|permissions|=rights|admin|admins|administer|manage|manages|managed|own|owns|owned|\
         maintain|maintains|maintained|run|runs|operate|operates|work on|works on|working on|responsible|in charge|\
         control|controls|kubectl|log in|login|look after|looks after|handle|handles|involved|care of",
    ),
    (
        "trouble",
        "error|errors|fail|failing|failed|failure|failures|broken|down|slow|slowness|timeout|timeouts|time out|\
         problem|problems|issue|issues|outage|trouble|503|502|500|crawling|hanging|unavailable|affected",
    ),
    (
        "now",
        "now|again|yet|anymore|any more|at the moment|right now|currently|on your end|on your side|for you|\
         from your side|from your end|since then|since the|at this point|as of now",
    ),
    (
        "setting",
        "tag|version|variable|value|key|config|configuration|configmap|setting|settings|env|environment|manifest|\
         yaml|helm|chart|values file|image|label|namespace|limit|limits|replica|replicas|quota|selector|name|\
         parameter|flag|commit|sha|hash|dockerfile|registry|maxreplicas|maximum|minimum|resources|spec|field|\
         pipeline variable|ci variable|exact version",
    ),
    (
        "people",
        "user|users|customer|customers|visitor|visitors|people|client|clients|shopper|shoppers|fan|fans|\
         buyer|buyers|guest|guests|member|members|rider|riders|courier|couriers",
    ),
    (
        "deeds",
        "order|orders|booking|bookings|sale|sales|transaction|transactions|payment|payments|purchase|purchases|checkout|checkouts|revenue|signup|signups",
    ),
];

/// The cues per intent: the intent is heard when any of its cues matches.
const CUES: &[(Intent, &[&[&str]])] = &[
    (
        Intent::WhatChanged,
        &[
            &["@change"],
            &["=roll|=rolled|=rolling|=rolls", "=out"],
            &["new|different|unusual|out of the ordinary|special|odd", "anything|something|what|whats|else"],
            &[
                "=did|=has|=have|=had",
                "you|your|anyone|someone|somebody|anybody|they|team|folks|side",
                "=do|=done",
                "anything|something",
            ],
            &["happen|happened", "before|prior|earlier|leading up|this morning|just before"],
            &[
                "run|ran|execute|executed|trigger|triggered|kick off|kicked off",
                "script|scripts|job|jobs|pipeline|pipelines|cronjob|cronjobs|automation|migration|batch|playbook",
            ],
        ],
    ),
    (
        Intent::WhenStarted,
        &[
            &[
                "when did|when was|when were|when has|when have|when had|when is|when exactly|when roughly|\
                 what time|since when|how long|at what point|which time",
                "start|started|begin|began|begun|notice|noticed|first|happen|happened|break|broke|go down|went down|\
                 occur|occurred|kick in|kicked in|appear|appeared|fail|failing|failed|spot|spotted|going on|=been|last|\
                 @trouble|stop working|stopped working",
            ],
            &["since when"],
            &[
                "start|started|begin|began|kick off|kicked off",
                "=did|=was|=were|=has|=have",
                "it|this|errors|error|problem|issue|outage|trouble|they|failures",
            ],
            &[
                "first",
                "notice|noticed|see|saw|seen|report|reported|complaint|complaints|alert|alerts",
                "=when|=what|time",
            ],
        ],
    ),
    (
        Intent::WhoHasAccess,
        &[
            &["@who", "@access|change|deploy|edit|touch|can|could|able|kubeconfig|credentials"],
            &["access|permission|permissions|=rights|cluster admin|kubeconfig", "@who|@others|team|teams|people"],
            &[
                "anyone else|anybody else|someone else|somebody else|who else|other team|other teams|other people|\
                 outside|vendor|agency|contractor|contractors|third party|colleague|colleagues|besides|apart from|\
                 other than|except|another team|another person",
                "work|works|working|involved|touch|touches|deploy|deploys|access|manage|manages|admin|run",
            ],
        ],
    ),
    (
        Intent::Credentials,
        &[&[
            "credential|credentials|secret|secrets|password|passwords|token|tokens|certificate|certificates|cert|certs|\
             api key|api keys|access key|access keys|ssh key|tls|service account|rotate|rotated|rotation|expire|expired|\
             expiry|revoke|revoked|oauth",
        ]],
    ),
    (
        Intent::Rollback,
        &[
            &["rollback|revert|reverted|reverting|undo|undone|undoing|go back|going back|switch back|move back|\
                 downgrade|back out|previous version|previous release|older version|old version|earlier version|\
                 last version|last good|last known good|prior version|previous one|old one|old config"],
            &["=roll|=rolling|=rolled", "back"],
        ],
    ),
    (
        Intent::IsItFixed,
        &[
            &["fixed|resolved|solved|recovered|restored|sorted|cleared|=gone|=fix"],
            &["still", "@trouble|see|seeing|happening|crawling"],
            &[
                "work|working|works|load|loading|up|back|better|normal|fine|ok|okay|fast|faster|snappy|healthy|\
                 improve|improved|improving|stable|green|go through|going through|goes through",
                "@now",
            ],
            &["how", "look|looks|looking|things|everything|going", "@now|there"],
            &[
                "confirm|verify|check|try|test|retry|reload|refresh",
                "work|works|working|fixed|resolved|recovered|again|now|test booking|test order|booking|order|purchase|yourself|still",
            ],
            &["@trouble", "@now|still|anymore"],
            &["back up|back online|up again|online again|up and running|improvement|any better|any difference"],
        ],
    ),
    (
        Intent::Symptoms,
        &[
            &[
                "what|which|exact|exactly|describe|kind of|type of|sort of",
                "error|errors|message|messages|symptom|symptoms|screen|page|status code|code|response|see|seeing|saw|\
                 get|getting|show|shows|showing|display|displayed|say|says|happen|happens|happening|experience|\
                 experiencing|notice|noticing|look like|looks like|behaviour|behavior|go wrong|goes wrong|going on",
            ],
            &["error message|error messages|error code|error page|status code|screenshot|screenshots|stack trace|\
                 log|logs|symptom|symptoms|describe|behaviour|behavior"],
            &["how", "fail|fails|failing|break|breaks|manifest|manifests|show up|shows up"],
            &[
                "whole|entire|completely|partly|partially|partial|just some|only some",
                "@trouble|page|pages|site|app|shop|storefront",
            ],
        ],
    ),
    (
        Intent::Impact,
        &[
            &["impact|impacted|affect|affected|affecting|effect|scope|extent|blast radius|severity|severe|how bad|\
                 how serious|how big|how widespread|widespread|consequence|consequences|business|revenue|=lost|=lose|\
                 =losing|loss|losses|=costing|hurting|hit"],
            &[
                "how many|how much|what share|what percentage|what percent|what fraction|what proportion|which|who|everyone|everybody|all|some|most",
                "@people|@deeds",
            ],
            &["=cost|=costs", "per hour|per minute|an hour|a minute|per day|a day|so far|how much"],
            &[
                "can|not|able|unable|no one|nobody",
                "@people",
                "order|buy|book|pay|check out|checkout|log in|use|access|browse|shop|reach",
            ],
        ],
    ),
    (
        Intent::Traffic,
        &[
            &[
                "traffic|load test|load tested|load testing|loadtest|high load|more load|extra load|heavy load|peak|spike|\
                 spikes|surge|rush|busy|busier|busiest|campaign|promotion|promo|marketing|advert|advertising|tv|\
                 newsletter|black friday|black week|cyber monday|sale|presale|more visitors|more users|more people|\
                 more customers|more orders|requests per second|rps|qps|throughput|volume|concurrent|capacity|\
                 than usual|than normal|than expected|expecting more|expect more|expected more|=expecting|\
                 autoscaler|autoscaling|hpa",
            ],
            &["load|traffic|stress|performance", "test|tests|tested|testing"],
            &[
                "how many|how much|what",
                "request|requests|hits|visits|visitor|visitors|traffic|load",
                "per second|per minute|a second|a minute|right now|at the moment|currently|usually|normally|peak|today",
            ],
        ],
    ),
    (
        Intent::Details,
        &[&[
            "check|look at|look up|verify|confirm|read|tell|send|share|paste|give|what|whats|which|exact|exactly|\
             spell|compare|double check|show me|copy",
            "@setting",
        ]],
    ),
    (
        Intent::Workaround,
        &[&["workaround|workarounds|work around|temporary|temporarily|stopgap|interim|meantime|meanwhile|bypass|\
             fallback|fall back|alternative|alternatives|another way|other way|manual|manually|by phone|plan b|\
             mitigate|mitigation|until then|circumvent|redirect|maintenance page|static page|get by|tide|instead"]],
    ),
    (
        Intent::HoldOff,
        &[
            &["hold off|put on hold|on hold|freeze|frozen|refrain|stand down|stand still|sit tight|hands off|\
                 leave it alone|leave everything|leave alone|leave things alone|leave as is|leave it as is|\
                 leave things as they are|not touch|not to touch|keep off|keep away|stay away|back off"],
            &[
                "=stop|=halt|=pause|=disable|=suspend|=cancel",
                "@change|pipeline|pipelines|job|jobs|automation|cron|anything|everything|release train|janitor|script|scripts|agency|rerun|re run|further",
            ],
            &[
                "=do not|not to|nobody|no one|no more|never|avoid|refrain from",
                "@change|touch|run|rerun|re run|reapply|re apply|anything|everything|restart|rename|further",
            ],
            &[
                "=hold|=holding",
                "off|pipeline|pipelines|deploy|deploys|release|releases|change|changes|everything|anything|job|rerun|migration|for now",
            ],
            &[
                "=wait",
                "before|until|till|for us|on us|for our|our go|our signal|our word|say so|hear from us|green light",
            ],
        ],
    ),
];

/// A cue's intent is not heard in a sentence where one of these is heard too: "please don't
/// change anything" asks to hold off, not what changed.
const VETOES: &[(Intent, &[Intent])] = &[
    (Intent::WhatChanged, &[Intent::HoldOff, Intent::Rollback]),
    (Intent::Symptoms, &[Intent::WhenStarted, Intent::Details]),
    (Intent::IsItFixed, &[Intent::HoldOff]),
    (Intent::Details, &[Intent::HoldOff]),
];

/// Words that open a question ("did …", "is …", "any …").
const QUESTION_OPENERS: &[&str] = &[
    "what", "whats", "when", "where", "who", "whom", "whose", "which", "why", "how", "do", "does", "did", "is", "are",
    "was", "were", "have", "has", "had", "can", "could", "would", "will", "should", "shall", "may", "might", "any",
    "anything", "anyone", "anybody", "since", "must", "whether",
];

/// Words that open a request ("check …", "please …", "hold off …").
const REQUEST_OPENERS: &[&str] = &[
    "please", "pls", "plz", "kindly", "check", "tell", "send", "share", "confirm", "look", "let", "hold", "stop",
    "pause", "avoid", "keep", "leave", "give", "describe", "explain", "try", "verify", "make", "refrain", "freeze",
    "wait", "don", "halt", "double", "paste", "retry", "reload", "refresh", "go", "note", "hands",
];

/// Phrases anywhere in a sentence that make it a request.
const REQUEST_PHRASES: &str = "please|pls|plz|can you|could you|would you|will you|let me know|let us know|tell me|\
     tell us|i need|we need|need you|need to know|want to know|wonder|wondering|would like|like to know|mind|\
     make sure|kindly|is it ok|ok to|okay to|fine to|alright to|all right to|allowed to|permission|hold off|\
     curious|appreciate it if|ok with you|okay with you|fine with you|fine by you|be ok|be okay|be fine";

const GREETINGS: &str = "hi|hello|hey|thanks|thank you|thank|thx|cheers|good morning|good afternoon|good evening|\
     greetings|appreciate|appreciated|morning";

/// One word of a cue: a stem, or (`=word`) the exact word.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Word {
    Stem(String),
    Exact(String),
}

type Phrase = Vec<Word>;
/// Any of the phrases.
type Group = Vec<Phrase>;
/// All of the groups.
type Cue = Vec<Group>;

struct Lexicon {
    cues: Vec<(Intent, Vec<Cue>)>,
    requests: Group,
    greetings: Group,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon {
    cues: CUES
        .iter()
        .map(|(intent, cues)| (*intent, cues.iter().map(|c| c.iter().map(|g| group(g)).collect()).collect()))
        .collect(),
    requests: group(REQUEST_PHRASES),
    greetings: group(GREETINGS),
});

/// A group's alternatives with `@set`s spelled out.
fn group(spec: &str) -> Group {
    let mut out = Vec::new();
    for alternative in spec.split('|') {
        let alternative = alternative.trim();
        if let Some(name) = alternative.strip_prefix('@') {
            let set = SETS.iter().find(|(n, _)| *n == name).map_or("", |(_, words)| words);
            out.extend(group(set));
        } else if !alternative.is_empty() {
            out.push(phrase(alternative));
        }
    }
    out
}

fn phrase(text: &str) -> Phrase {
    text.split_whitespace()
        .map(|w| match w.strip_prefix('=') {
            Some(exact) => Word::Exact(exact.to_owned()),
            None => Word::Stem(stem(w)),
        })
        .collect()
}

fn phrase_at(tokens: &Tokens, phrase: &Phrase, at: usize) -> bool {
    phrase.iter().enumerate().all(|(k, word)| match word {
        Word::Stem(s) => tokens.stems.get(at + k) == Some(s),
        Word::Exact(w) => tokens.raw.get(at + k) == Some(w),
    })
}

fn group_in(tokens: &Tokens, group: &Group) -> bool {
    group.iter().any(|p| !p.is_empty() && (0..tokens.raw.len()).any(|at| phrase_at(tokens, p, at)))
}

/// The intents a sentence that asks something asks about.
pub(super) fn intents(tokens: &Tokens) -> Vec<Intent> {
    let heard: Vec<Intent> = LEXICON
        .cues
        .iter()
        .filter(|(_, cues)| cues.iter().any(|cue| cue.iter().all(|g| group_in(tokens, g))))
        .map(|(intent, _)| *intent)
        .collect();
    heard
        .iter()
        .copied()
        .filter(|i| {
            VETOES.iter().filter(|(vetoed, _)| vetoed == i).all(|(_, by)| !by.iter().any(|b| heard.contains(b)))
        })
        .collect()
}

/// Whether a sentence without a question mark still asks or requests something.
pub(super) fn asks(tokens: &Tokens) -> bool {
    let opens = |list: &[&str]| tokens.clause_openers().any(|w| list.contains(&w));
    opens(QUESTION_OPENERS) || opens(REQUEST_OPENERS) || group_in(tokens, &LEXICON.requests)
}

pub(super) fn greets(tokens: &Tokens) -> bool {
    group_in(tokens, &LEXICON.greetings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_a_cue_names_exists() {
        let named = CUES
            .iter()
            .flat_map(|(_, cues)| cues.iter())
            .flat_map(|cue| cue.iter())
            .flat_map(|g| g.split('|'))
            .filter_map(|a| a.trim().strip_prefix('@'));
        for name in named {
            assert!(SETS.iter().any(|(n, _)| *n == name), "no word set @{name}");
        }
    }

    #[test]
    fn every_intent_but_greeting_has_cues() {
        for intent in Intent::ALL {
            assert_eq!(CUES.iter().any(|(i, _)| *i == intent), intent != Intent::Greeting, "{intent:?}");
        }
    }

    #[test]
    fn exact_words_keep_their_meaning_apart() {
        let tokens = |s: &str| {
            let words = super::super::words(s);
            super::super::Tokens::of(&words, vec![0])
        };
        // "costing" is impact; "cost" alone (does cost matter?) is not.
        assert!(intents(&tokens("how much is this costing you")).contains(&Intent::Impact));
        assert!(!intents(&tokens("does cost matter to you")).contains(&Intent::Impact));
    }
}
