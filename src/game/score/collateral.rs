//! Which console commands are destructive: they delete, drain, empty or restart something. A
//! command the scenario's reference solution itself runs is the fix, not collateral damage, and
//! restarting a deployment the incident is about is a reasonable (if blunt) move; restarting an
//! unrelated one is not.

use std::collections::BTreeSet;

use crate::scenario::Scenario;

/// The words of a console line without the `kubectl` prefix and anything after a pipe.
fn words(line: &str) -> Vec<String> {
    let command = line.split('|').next().unwrap_or_default();
    let tokens = shlex::split(command).unwrap_or_else(|| command.split_whitespace().map(str::to_owned).collect());
    let skip = usize::from(tokens.first().is_some_and(|t| t == "kubectl" || t == "k"));
    tokens.into_iter().skip(skip).collect()
}

/// A console line in a canonical form, for comparing with the reference solution.
fn canonical(line: &str) -> String {
    words(line).join(" ")
}

/// Names the incident is about: every word of the reference solution and of the faults.
pub fn related_names(scenario: &Scenario) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in &scenario.solution {
        for w in words(line) {
            names.extend(w.split(['/', '=', ',', ':']).map(str::to_owned));
        }
    }
    for fault in &scenario.faults {
        // Object names appear quoted in the change's debug form.
        let text = format!("{:?}", fault.change);
        names.extend(text.split('"').skip(1).step_by(2).map(str::to_owned));
    }
    names
}

/// Why a console line is destructive, or `None` when it is not (or it is the scenario's own fix).
pub fn destructive(line: &str, scenario: &Scenario, related: &BTreeSet<String>) -> Option<&'static str> {
    let canon = canonical(line);
    if scenario.solution.iter().any(|s| canonical(s) == canon) {
        return None;
    }
    let w = words(line);
    let verb = w.first().map(String::as_str)?;
    let has = |flag: &str| w.iter().any(|x| x == flag);
    match verb {
        "delete" => Some("deletes objects"),
        "drain" => Some("drains a node"),
        "scale" => {
            let zero = w
                .iter()
                .enumerate()
                .any(|(i, x)| x == "--replicas=0" || (x == "--replicas" && w.get(i + 1).is_some_and(|n| n == "0")));
            zero.then_some("scales to zero replicas")
        }
        "exec" => {
            let dash = w.iter().position(|x| x == "--")?;
            let inner = w.get(dash + 1)?;
            matches!(inner.as_str(), "rm" | "kill" | "pkill" | "killall" | "shutdown" | "reboot" | "truncate")
                .then_some("runs a destructive command in a container")
        }
        "rollout" if w.get(1).is_some_and(|s| s == "restart") => {
            let targets: Vec<&String> = w.iter().skip(2).filter(|x| !x.starts_with('-')).collect();
            let unrelated = targets.iter().any(|t| {
                let name = t.rsplit('/').next().unwrap_or(t);
                !related.contains(name) && !matches!(t.as_str(), "deployment" | "deploy" | "deployments")
            }) || has("--all");
            unrelated.then_some("restarts a deployment the incident is not about")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_deploy() -> Scenario {
        let Some(Ok(s)) = crate::scenario::builtin(crate::scenario::DEFAULT_ID) else { panic!("default scenario") };
        s
    }

    #[test]
    fn destructive_commands_are_named() {
        let s = first_deploy();
        let related = related_names(&s);
        let check = |line: &str| destructive(line, &s, &related);
        assert_eq!(check("kubectl delete pods -l app=web -n shop"), Some("deletes objects"));
        assert_eq!(check("drain node-1 --ignore-daemonsets"), Some("drains a node"));
        assert_eq!(check("scale deploy/web --replicas=0 -n shop"), Some("scales to zero replicas"));
        assert_eq!(check("scale deploy/web --replicas 0 -n shop"), Some("scales to zero replicas"));
        assert_eq!(check("exec -n shop web-1 -- rm -rf /data"), Some("runs a destructive command in a container"));
        assert_eq!(
            check("rollout restart deployment/db -n shop"),
            Some("restarts a deployment the incident is not about")
        );
        assert_eq!(
            check("rollout restart deploy coredns -n kube-system"),
            Some("restarts a deployment the incident is not about")
        );
    }

    #[test]
    fn reads_fixes_and_related_restarts_are_not() {
        let s = first_deploy();
        let related = related_names(&s);
        let check = |line: &str| destructive(line, &s, &related);
        assert_eq!(check("get pods -A"), None);
        assert_eq!(check("scale deploy/web --replicas=6 -n shop"), None);
        assert_eq!(check("rollout restart deployment/web -n shop"), None);
        assert_eq!(check("kubectl   set image deployment/web web=registry.example.com/shop/web:1.4.2 -n shop"), None);
        assert_eq!(check("exec -n shop web-1 -- ls /"), None);
        assert_eq!(check("\"unterminated"), None);
    }
}
