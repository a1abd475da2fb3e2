//! Judging a root-cause declaration against the scenario's answer. The taxonomy and the shape of
//! a declaration are scenario vocabulary (`scenario::cause`); here a declaration gets its
//! verdict: is the failure class right, which of the broken objects it names, and whether it
//! names who made the change. Partial credit is possible. The verdict is recorded with the
//! declaration, but only the debrief, the score and the postmortem show it (DESIGN.md §2: the
//! game tests, it never tells).

use serde::{Deserialize, Serialize};

pub use crate::scenario::cause::{Declaration, FailureClass, ObjectRef, ObjectRefError, well_formed_name};

/// How a declaration compares with one of the scenario's causes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Which of the scenario's causes it was judged against (the one it matches best); `None`
    /// when the scenario states no cause.
    pub cause: Option<usize>,
    pub class: bool,
    /// How many of the cause's objects the declaration names.
    pub objects_right: usize,
    /// How many objects the cause has.
    pub objects_expected: usize,
    /// How many objects the declaration names that are not the cause's.
    pub objects_wrong: usize,
    /// Whether the changed-by part is right; `None` when the scenario does not state who made
    /// the change, so it is not judged.
    pub changed_by: Option<bool>,
}

/// Percent weights of the parts of a verdict.
const CLASS_WEIGHT: u32 = 50;
const OBJECTS_WEIGHT: u32 = 35;
const CHANGED_BY_WEIGHT: u32 = 15;

impl Verdict {
    /// Credit from 0 to 100: the class is worth 50, the objects 35 (in proportion to the right
    /// ones among those expected or named, whichever is more, so naming everything does not
    /// pay) and who changed it 15. When the scenario does not say who changed it, the other
    /// parts are scaled to 100.
    pub fn credit(&self) -> u32 {
        let class = if self.class { CLASS_WEIGHT } else { 0 };
        let named = self.objects_right + self.objects_wrong;
        let denominator = u32::try_from(self.objects_expected.max(named).max(1)).unwrap_or(u32::MAX);
        let right = u32::try_from(self.objects_right).unwrap_or(0);
        let objects = OBJECTS_WEIGHT * right / denominator;
        match self.changed_by {
            Some(by) => class + objects + if by { CHANGED_BY_WEIGHT } else { 0 },
            None => (class + objects) * 100 / (CLASS_WEIGHT + OBJECTS_WEIGHT),
        }
    }

    /// Entirely right: the class, every object and nothing else, and who changed it when that is
    /// judged.
    pub fn is_right(&self) -> bool {
        self.credit() == 100
    }

    /// Nothing right at all: neither the class nor any object.
    pub fn is_wrong(&self) -> bool {
        !self.class && self.objects_right == 0
    }
}

/// Compares `declared` with one cause, `answer`.
pub fn judge(answer: &Declaration, declared: &Declaration) -> Verdict {
    let matches = |a: &ObjectRef, d: &ObjectRef| {
        a.kind == d.kind && a.namespace.eq_ignore_ascii_case(&d.namespace) && a.name.eq_ignore_ascii_case(&d.name)
    };
    let mut named: Vec<&ObjectRef> = Vec::new();
    for object in &declared.objects {
        if !named.iter().any(|n| matches(n, object)) {
            named.push(object);
        }
    }
    let objects_right = named.iter().filter(|d| answer.objects.iter().any(|a| matches(a, d))).count();
    Verdict {
        cause: None,
        class: answer.class == declared.class,
        objects_right,
        objects_expected: answer.objects.len(),
        objects_wrong: named.len() - objects_right,
        changed_by: answer.changed_by.as_deref().map(|by| same_actor(by, declared.changed_by.as_deref().unwrap_or(""))),
    }
}

/// Compares `declared` with each of the scenario's causes and keeps the best match (the first
/// on a tie). A scenario without causes gives a verdict with nothing right.
pub fn judge_all(causes: &[Declaration], declared: &Declaration) -> Verdict {
    let mut best: Option<Verdict> = None;
    for (index, cause) in causes.iter().enumerate() {
        let verdict = Verdict { cause: Some(index), ..judge(cause, declared) };
        if best.as_ref().is_none_or(|b| verdict.credit() > b.credit()) {
            best = Some(verdict);
        }
    }
    best.unwrap_or(Verdict {
        cause: None,
        class: false,
        objects_right: 0,
        objects_expected: 0,
        objects_wrong: declared.objects.len(),
        changed_by: None,
    })
}

/// Words too common in an actor's description to identify it.
const GENERIC: &[&str] =
    &["the", "and", "team", "bot", "job", "pipeline", "rollout", "someone", "our", "their", "auto"];

/// Whether a declared "changed by" names the scenario's actor: any distinctive word (three
/// letters or more) of the declaration appears among the actor's words, so "dana", "Dana from
/// the shop" and "dana@shop" all name "dana@shop (CI pipeline)".
fn same_actor(answer: &str, declared: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .filter(|w| w.chars().count() >= 3 && !GENERIC.contains(&w.as_str()))
            .collect()
    };
    let actor = words(answer);
    words(declared).iter().any(|w| actor.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kind::Kind;

    fn object(text: &str) -> ObjectRef {
        ObjectRef::parse(text).expect("well-formed")
    }

    fn declaration(objects: &[&str], class: FailureClass, by: Option<&str>) -> Declaration {
        Declaration { objects: objects.iter().map(|o| object(o)).collect(), class, changed_by: by.map(str::to_owned) }
    }

    fn answer() -> Declaration {
        declaration(&["deployment/shop/web"], FailureClass::WrongImage, Some("dana@shop (CI pipeline)"))
    }

    #[test]
    fn the_full_answer_is_right() {
        let verdict = judge(&answer(), &declaration(&["deploy/shop/web"], FailureClass::WrongImage, Some("Dana")));
        assert!(verdict.is_right(), "{verdict:?}");
        assert_eq!(verdict.credit(), 100);
    }

    #[test]
    fn partial_answers_get_partial_credit() {
        let no_actor = judge(&answer(), &declaration(&["deploy/shop/web"], FailureClass::WrongImage, None));
        assert_eq!((no_actor.credit(), no_actor.changed_by), (85, Some(false)));
        let wrong_class = judge(&answer(), &declaration(&["deploy/shop/web"], FailureClass::BadRollout, Some("dana")));
        assert_eq!(wrong_class.credit(), 50);
        assert!(!wrong_class.is_wrong() && !wrong_class.is_right());
        let wrong_object = judge(&answer(), &declaration(&["svc/shop/web"], FailureClass::WrongImage, None));
        assert_eq!((wrong_object.credit(), wrong_object.objects_wrong), (50, 1));
    }

    #[test]
    fn naming_every_object_does_not_pay() {
        let shotgun = judge(
            &answer(),
            &declaration(&["deploy/shop/web", "svc/shop/web", "cm/shop/web"], FailureClass::WrongImage, None),
        );
        assert_eq!(shotgun.objects_right, 1);
        assert_eq!(shotgun.credit(), 50 + 35 / 3);
    }

    #[test]
    fn nothing_right_is_wrong() {
        let verdict = judge(&answer(), &declaration(&["deploy/kube-system/coredns"], FailureClass::Dns, Some("sam")));
        assert!(verdict.is_wrong());
        assert_eq!(verdict.credit(), 0);
    }

    #[test]
    fn without_an_actor_in_the_answer_changed_by_is_not_judged() {
        let answer = declaration(&["deploy/shop/web"], FailureClass::WrongImage, None);
        let verdict = judge(&answer, &declaration(&["deploy/shop/web"], FailureClass::WrongImage, Some("anyone")));
        assert_eq!((verdict.changed_by, verdict.credit()), (None, 100));
        let class_only = judge(&answer, &declaration(&["deploy/shop/api"], FailureClass::WrongImage, None));
        assert_eq!(class_only.credit(), 50 * 100 / 85);
    }

    #[test]
    fn two_causes_are_judged_against_the_one_that_fits_best() {
        let causes = vec![
            declaration(&["svc/lockers/locker-api"], FailureClass::SelectorMismatch, Some("mira@fernpost")),
            declaration(&["netpol/lockers/allow-ingress-nginx"], FailureClass::NetworkPolicy, Some("secops-pipeline")),
        ];
        let second = judge_all(
            &causes,
            &declaration(&["networkpolicy/lockers/allow-ingress-nginx"], FailureClass::NetworkPolicy, None),
        );
        assert_eq!((second.cause, second.credit()), (Some(1), 85));
        let none = judge_all(&[], &declaration(&["svc/lockers/web"], FailureClass::Dns, None));
        assert_eq!((none.cause, none.is_wrong()), (None, true));
    }

    #[test]
    fn actors_match_on_distinctive_words_only() {
        assert!(same_actor("sam@tandem (platform)", "Sam"));
        assert!(same_actor("renovate[bot] (auto-merge)", "renovate"));
        assert!(!same_actor("dana@shop (CI pipeline)", "the pipeline"));
        assert!(!same_actor("dana@shop (CI pipeline)", ""));
    }

    #[test]
    fn kinds_and_names_compare_as_kubernetes_does() {
        let upper = Declaration {
            objects: vec![ObjectRef { kind: Kind::Deployment, namespace: "SHOP".into(), name: "Web".into() }],
            class: FailureClass::WrongImage,
            changed_by: None,
        };
        assert_eq!(judge(&answer(), &upper).objects_right, 1);
    }
}
