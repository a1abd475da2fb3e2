//! The console's kubeconfig and `kubectl config`: one cluster, one user, one context, as kubeadm
//! writes them, pointing at the simulated API server. `config view` redacts as kubectl does
//! (`DATA+OMITTED`, `REDACTED`); the read-only subcommands answer from it, and the ones that
//! would edit the file are refused (the console keeps no client state between commands).
//! The options that name its entries (`--context`, `--cluster`, `--user`, `--kubeconfig`,
//! `--server`, `--token`) are checked against it on every command ([`check_options`]).

use serde_json::{Value, json};

use super::args::{Args, FlagSpec};
use super::get::Template;
use super::{Done, KubectlError, flag, table};
use crate::sim::cluster::Cluster;
use crate::sim::manifest::{base64_encode, to_json, to_yaml};
use crate::sim::rbac::ADMIN_USER;

/// The cluster's name in the kubeconfig, kubeadm's default.
pub const CLUSTER_NAME: &str = "kubernetes";
/// The one context: kubeadm names it `USER@CLUSTER`.
pub const CONTEXT_NAME: &str = "kubernetes-admin@kubernetes";
/// The API server's secure port.
pub const API_PORT: u16 = 6443;
/// Where the API server answers when the cluster shows no address for it (no endpoints for the
/// `kubernetes` Service, no control-plane node): a managed control plane beside the nodes.
const MANAGED_CONTROL_PLANE_IP: &str = "192.168.49.10";

pub(super) const VIEW_FLAGS: &[FlagSpec] = &[flag::MINIFY, flag::RAW, flag::FLATTEN, flag::OUTPUT, flag::MERGE];
pub(super) const LIST_FLAGS: &[FlagSpec] = &[flag::OUTPUT, flag::NO_HEADERS];

/// The API server's address, `https://IP:PORT`: the `kubernetes` Service's endpoints where the
/// simulation has them, else a control-plane node's address, else the managed control plane.
pub fn api_server(cluster: &Cluster) -> String {
    let endpoint = cluster
        .endpoints()
        .get(&crate::sim::cluster::key("default", "kubernetes"))
        .and_then(|ep| Some((ep.ready.first()?.ip.clone(), ep.ports.first().map_or(API_PORT, |p| p.1))));
    let (ip, port) = endpoint.unwrap_or_else(|| {
        let control_plane = cluster
            .nodes()
            .values()
            .find(|n| n.meta.labels.contains_key("node-role.kubernetes.io/control-plane"))
            .map(|n| n.internal_ip.clone());
        (control_plane.unwrap_or_else(|| MANAGED_CONTROL_PLANE_IP.to_owned()), API_PORT)
    });
    format!("https://{ip}:{port}")
}

/// Certificate data as `--raw` shows it: a made-up PEM block, base64-encoded as kubeconfigs
/// hold it (the simulation has no keys to leak).
fn pem(kind: &str) -> String {
    base64_encode(
        format!("-----BEGIN {kind}-----\nMIIDBTCCAe2gAwIBAgIIa29tYmF0LXNpbXVsYXRlZC1jbHVzdGVy\n-----END {kind}-----\n")
            .as_bytes(),
    )
}

/// The kubeconfig as `kubectl config view` prints it; `raw` shows the data instead of
/// `DATA+OMITTED`.
fn kubeconfig(cluster: &Cluster, raw: bool) -> Value {
    let data = |kind: &str| if raw { pem(kind) } else { "DATA+OMITTED".to_owned() };
    json!({
        "apiVersion": "v1",
        "clusters": [{
            "cluster": {"certificate-authority-data": data("CERTIFICATE"), "server": api_server(cluster)},
            "name": CLUSTER_NAME,
        }],
        "contexts": [{"context": {"cluster": CLUSTER_NAME, "user": ADMIN_USER}, "name": CONTEXT_NAME}],
        "current-context": CONTEXT_NAME,
        "kind": "Config",
        "preferences": {},
        "users": [{
            "name": ADMIN_USER,
            "user": {"client-certificate-data": data("CERTIFICATE"), "client-key-data": data("RSA PRIVATE KEY")},
        }],
    })
}

fn msg(text: impl Into<String>) -> KubectlError {
    KubectlError::msg(text)
}

/// `kubectl config` without a subcommand it knows.
pub fn group(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    // The subcommand's own flags are not known here: the first word that is not a flag names it.
    match args.iter().find(|w| !w.starts_with('-')).map(String::as_str) {
        None => Err(msg(
            "Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".\n\nAvailable Commands:\n  current-context   Display the current-context\n  get-clusters      Display clusters defined in the kubeconfig\n  get-contexts      Describe one or many contexts\n  get-users         Display users defined in the kubeconfig\n  use-context       Set the current-context in a kubeconfig file\n  view              Display merged kubeconfig settings or a specified kubeconfig file\n\nUsage:\n  kubectl config SUBCOMMAND [options]",
        )),
        Some(
            edit @ ("set" | "set-context" | "set-cluster" | "set-credentials" | "unset" | "delete-context"
            | "delete-cluster" | "delete-user" | "rename-context"),
        ) => Err(msg(format!(
            "error: config {edit} would edit the kubeconfig, which this console keeps as it is; pass -n NAMESPACE to each command instead"
        ))),
        Some(other) => Err(msg(format!("error: unknown command \"{other}\" for \"kubectl config\""))),
    }
}

/// `kubectl config view [--minify] [--raw] [-o json|yaml|jsonpath=…]`.
pub fn view(cluster: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, VIEW_FLAGS)?;
    if let Some(word) = args.positional.first() {
        return Err(msg(format!("error: unknown command \"{word}\" for \"kubectl config view\"")));
    }
    let doc = kubeconfig(cluster, args.switch(flag::RAW) || args.switch(flag::FLATTEN));
    let text = match args.value(flag::OUTPUT).unwrap_or("yaml") {
        "yaml" => to_yaml(&doc),
        "json" => to_json(&doc),
        other => match other.strip_prefix("jsonpath=") {
            Some(path) => Template::parse(path).map_err(|e| msg(format!("error: {e}")))?.render(&doc),
            None => {
                return Err(msg(format!(
                    "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,jsonpath,jsonpath-as-json,jsonpath-file,yaml"
                )));
            }
        },
    };
    Done::read(text)
}

/// `kubectl config current-context`.
pub fn current_context(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    Args::parse(args, &[])?;
    Done::read(CONTEXT_NAME)
}

/// `kubectl config get-contexts [NAME] [-o name] [--no-headers]`.
pub fn get_contexts(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, LIST_FLAGS)?;
    if let Some(name) = args.positional.iter().find(|n| *n != CONTEXT_NAME) {
        return Err(msg(format!("error: context {name} not found")));
    }
    match args.value(flag::OUTPUT) {
        Some("name") => Done::read(CONTEXT_NAME),
        Some(other) => Err(msg(format!("error: output must be one of '' or 'name': {other}"))),
        None => {
            let rows = vec![vec![
                "*".to_owned(),
                CONTEXT_NAME.to_owned(),
                CLUSTER_NAME.to_owned(),
                ADMIN_USER.to_owned(),
                String::new(),
            ]];
            let header = ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"];
            Done::read(table::render(&header, &rows, args.switch(flag::NO_HEADERS)))
        }
    }
}

/// `kubectl config get-clusters`.
pub fn get_clusters(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    Args::parse(args, &[])?;
    Done::read(format!("NAME\n{CLUSTER_NAME}"))
}

/// `kubectl config get-users`.
pub fn get_users(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    Args::parse(args, &[])?;
    Done::read(format!("NAME\n{ADMIN_USER}"))
}

/// `kubectl config use-context NAME`: the one context is already the current one.
pub fn use_context(_: &Cluster, args: &[String]) -> Result<Done, KubectlError> {
    let args = Args::parse(args, &[])?;
    match args.positional.first() {
        None => Err(msg("error: empty context names are not allowed")),
        Some(name) if name == CONTEXT_NAME => Done::read(format!("Switched to context \"{CONTEXT_NAME}\".")),
        Some(name) => Err(msg(format!("error: no context exists with the name: \"{name}\""))),
    }
}

/// The values the line gives kubectl's options that name the kubeconfig's entries, skipping
/// the ones the command declares for itself (`create rolebinding --user=`).
fn option_values<'a>(own: &[FlagSpec], rest: &'a [String]) -> Vec<(&'static str, &'a str)> {
    let checked = [flag::CONTEXT, flag::CLUSTER, flag::USER, flag::KUBECONFIG, flag::SERVER, flag::TOKEN];
    let checked: Vec<FlagSpec> = checked.into_iter().filter(|f| !own.iter().any(|o| o.long == f.long)).collect();
    let mut out = Vec::new();
    let mut words = rest.iter().take_while(|w| *w != "--");
    while let Some(word) = words.next() {
        for spec in &checked {
            let long = format!("--{}", spec.long);
            let short = spec.short.map(|c| format!("-{c}"));
            if let Some(value) = word.strip_prefix(&format!("{long}=")) {
                out.push((spec.long, value));
            } else if *word == long || short.as_deref() == Some(word.as_str()) {
                if let Some(value) = words.next() {
                    out.push((spec.long, value.as_str()));
                }
            } else if let Some(value) = short.as_deref().and_then(|s| word.strip_prefix(s)).filter(|v| !v.is_empty()) {
                out.push((spec.long, value.trim_start_matches('=')));
            }
        }
    }
    out
}

/// Checks the options that name the kubeconfig's entries, with kubectl's errors: a context,
/// cluster or user it does not have, a kubeconfig file that is not there, another server, a
/// token the server does not know.
pub fn check_options(cluster: &Cluster, own: &[FlagSpec], rest: &[String]) -> Result<(), KubectlError> {
    for (name, value) in option_values(own, rest) {
        match name {
            "context" if value != CONTEXT_NAME => {
                return Err(msg(format!(
                    "Error in configuration: context was not found for specified context: {value}"
                )));
            }
            "cluster" if value != CLUSTER_NAME => {
                return Err(msg(format!("Error in configuration: cluster \"{value}\" does not exist")));
            }
            "user" if value != ADMIN_USER => {
                return Err(msg(format!("Error in configuration: auth info \"{value}\" does not exist")));
            }
            "kubeconfig" if !value.ends_with(".kube/config") => {
                return Err(msg(format!("error: stat {value}: no such file or directory")));
            }
            "server" => {
                let ours = api_server(cluster);
                let given = if value.contains("://") { value.to_owned() } else { format!("https://{value}") };
                if given.trim_end_matches('/') != ours {
                    let host = given.split("://").nth(1).unwrap_or(value).split([':', '/']).next().unwrap_or(value);
                    return Err(msg(format!("Unable to connect to the server: dial tcp: lookup {host}: no such host")));
                }
            }
            "token" => return Err(msg("error: You must be logged in to the server (Unauthorized)")),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
