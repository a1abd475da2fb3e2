//! `kubectl create configmap|secret|namespace|serviceaccount|role|clusterrole|rolebinding|
//! clusterrolebinding|deployment|job|cronjob|service|ingress|poddisruptionbudget|quota`: new objects from
//! flags (this console has no manifest files).

pub(in crate::sim::kubectl) mod batch;
pub(in crate::sim::kubectl) mod rbac;
pub(in crate::sim::kubectl) mod service;

use std::collections::BTreeMap;

use super::target::{find, slash_name};
use super::{Plan, execute};
use crate::sim::change::{ApiError, Change, Object};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;
use crate::sim::kubectl::{Args, Done, FlagSpec, KubectlError};
use crate::sim::objects::{
    ConfigMap, Container, Deployment, Meta, Namespace, PodSpec, PodTemplate, Secret, ServiceAccount, Strategy,
};

/// A create subcommand's flags: those every subcommand takes, then its own.
macro_rules! create_flags {
    ($($own:expr),* $(,)?) => {
        &[
            flag::DRY_RUN,
            flag::OUTPUT,
            flag::SAVE_CONFIG,
            flag::VALIDATE,
            flag::FIELD_MANAGER,
            $($own),*
        ]
    };
}
use crate::sim::kubectl::flag;
use create_flags;

pub(crate) const COMMON: &[FlagSpec] = create_flags![];
pub(crate) const CONFIGMAP_FLAGS: &[FlagSpec] =
    create_flags![flag::FROM_LITERAL, flag::FROM_FILE, flag::FROM_ENV_FILE, flag::APPEND_HASH,];
pub(crate) const SECRET_FLAGS: &[FlagSpec] = create_flags![
    flag::FROM_LITERAL,
    flag::FROM_FILE,
    flag::FROM_ENV_FILE,
    flag::TYPE,
    flag::APPEND_HASH,
    flag::DOCKER_SERVER,
    flag::DOCKER_USERNAME,
    flag::DOCKER_PASSWORD,
    flag::DOCKER_EMAIL,
    flag::CERT,
    flag::KEY,
];
pub(crate) const TOKEN_FLAGS: &[FlagSpec] = create_flags![flag::DURATION, flag::AUDIENCE];
pub(crate) const DEPLOYMENT_FLAGS: &[FlagSpec] = create_flags![flag::IMAGE, flag::CREATE_REPLICAS, flag::PORT];

const SUBCOMMANDS: &str = "configmap|secret|namespace|serviceaccount|role|clusterrole|rolebinding|clusterrolebinding|deployment|job|cronjob|service|ingress|poddisruptionbudget|quota";

/// A planned creation, and the prefix kubectl puts before the API's refusal for this kind
/// (`create configmap` says `failed to create configmap: …`, others print the API error).
pub struct Creation {
    pub plan: Plan,
    pub error_prefix: Option<&'static str>,
}

/// `kubectl create` without a subcommand it knows: kubectl's errors for files and for words
/// it cannot make anything of.
pub fn group(cluster: &mut Cluster, tokens: &[String]) -> Result<Done, KubectlError> {
    let Some(pos) = subcommand_position(tokens) else {
        if tokens.iter().any(|t| t == "-f" || t.starts_with("--filename") || t.starts_with("-f") || t == "-k") {
            return Err(KubectlError::msg(format!("error: no manifests to apply here; use create {SUBCOMMANDS}")));
        }
        return Err(KubectlError::msg("error: must specify one of -f and -k"));
    };
    run(cluster, &tokens[pos], &without(tokens, pos))
}

/// Runs `kubectl create SUB` with the words after `SUB`.
pub fn run(cluster: &mut Cluster, sub: &str, rest: &[String]) -> Result<Done, KubectlError> {
    let creation = plan_create(cluster, sub, rest)?;
    let prefix = creation.error_prefix;
    execute(cluster, creation.plan).map_err(|e| match (e, prefix) {
        (KubectlError::Api(api), Some(p)) => KubectlError::msg(format!("error: {p}: {}", super::api_message(&api))),
        (e, _) => e,
    })
}

/// The tokens without the one at `pos`.
fn without(tokens: &[String], pos: usize) -> Vec<String> {
    tokens.iter().enumerate().filter(|(i, _)| *i != pos).map(|(_, t)| t.clone()).collect()
}

/// Where the subcommand word is, skipping flags (and the values of `-n`, `-o`, `-f`).
fn subcommand_position(tokens: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if matches!(t.as_str(), "-n" | "--namespace" | "-o" | "--output" | "-f" | "--filename" | "--context") {
            i += 2;
            continue;
        }
        if t.starts_with('-') {
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

pub fn plan_create(cluster: &Cluster, sub: &str, rest: &[String]) -> Result<Creation, KubectlError> {
    match sub {
        "configmap" | "cm" => configmap(cluster, rest),
        "secret" => secret(cluster, rest),
        "namespace" | "ns" => namespace(cluster, rest),
        "serviceaccount" | "sa" => service_account(cluster, rest),
        "role" => rbac::role(cluster, rest, false),
        "clusterrole" => rbac::role(cluster, rest, true),
        "rolebinding" => rbac::binding(cluster, rest, false),
        "clusterrolebinding" => rbac::binding(cluster, rest, true),
        "deployment" | "deploy" => deployment(cluster, rest),
        "job" => batch::job(cluster, rest),
        "cronjob" | "cj" => batch::cronjob(cluster, rest),
        "service" | "svc" => service::service(cluster, rest),
        "ingress" | "ing" => service::ingress(cluster, rest),
        "poddisruptionbudget" | "pdb" => service::pdb(cluster, rest),
        "quota" | "resourcequota" => service::quota(cluster, rest),
        "token" => token(cluster, rest),
        other => Err(KubectlError::msg(format!(
            "error: Unexpected args: [{other}]\nSee 'kubectl create -h' for help and examples"
        ))),
    }
}

/// The single NAME a create subcommand takes.
pub fn one_name(args: &Args, sub: &str) -> Result<String, KubectlError> {
    match args.positional.as_slice() {
        [name] => Ok(name.clone()),
        other => Err(KubectlError::msg(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create {sub} -h' for help and examples",
            other.len()
        ))),
    }
}

fn valid_name(name: &str) -> bool {
    name.len() <= 253
        && name.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !part.starts_with('-')
                && !part.ends_with('-')
        })
}

/// The checks the API server makes before a create: a valid name, an existing namespace and
/// no object of that name yet.
pub fn admit(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> Result<(), KubectlError> {
    if !valid_name(name) {
        return Err(ApiError::Invalid(format!(
            "{} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            kind.api_kind()
        ))
        .into());
    }
    if kind.namespaced() && !cluster.namespace_exists(namespace) {
        return Err(ApiError::NamespaceNotFound(namespace.to_owned()).into());
    }
    if find(cluster, kind, namespace, name).is_some() {
        return Err(ApiError::AlreadyExists { kind: kind.qualified_plural(), name: name.to_owned() }.into());
    }
    Ok(())
}

/// Runs [`admit`] and words a refusal as this subcommand does.
fn admit_as(
    cluster: &Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    prefix: Option<&str>,
) -> Result<(), KubectlError> {
    admit(cluster, kind, namespace, name).map_err(|e| match (e, prefix) {
        (KubectlError::Api(api), Some(p)) => KubectlError::msg(format!("error: {p}: {}", super::api_message(&api))),
        (e, _) => e,
    })
}

fn created(kind: Kind, object: Object, name: &str, error_prefix: Option<&'static str>) -> Creation {
    Creation { plan: Plan::single(Change::Create(object), format!("{} created", slash_name(kind, name))), error_prefix }
}

fn literals(args: &Args, owner: &str, name: &str) -> Result<BTreeMap<String, String>, KubectlError> {
    for f in [flag::FROM_FILE, flag::FROM_ENV_FILE] {
        if args.value(f).is_some() {
            return Err(KubectlError::msg(format!(
                "error: this console has no files; use --from-literal instead of --{}",
                f.long
            )));
        }
    }
    let mut data = BTreeMap::new();
    for lit in args.values(flag::FROM_LITERAL) {
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(KubectlError::msg(format!("error: invalid literal source {lit}, expected key=value")));
        };
        if !k.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Err(KubectlError::msg(format!(
                "error: \"{k}\" is not a valid key name for a {owner}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
            )));
        }
        if data.insert(k.to_owned(), v.to_owned()).is_some() {
            return Err(KubectlError::msg(format!(
                "error: cannot add key {k}, another key by that name already exists in Data for {owner} \"{name}\""
            )));
        }
    }
    Ok(data)
}

fn configmap(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, CONFIGMAP_FLAGS)?;
    let name = one_name(&args, "configmap")?;
    let ns = args.namespace();
    let prefix = Some("failed to create configmap");
    admit_as(cluster, Kind::ConfigMap, ns, &name, prefix)?;
    let data = literals(&args, "ConfigMap", &name)?;
    let cm = ConfigMap { meta: Meta::new(&name, ns), data };
    Ok(created(Kind::ConfigMap, Object::ConfigMap(cm), &name, prefix))
}

fn secret(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let Some(pos) = subcommand_position(rest) else {
        return Err(KubectlError::msg(
            "Create a secret with specified type.\n\nAvailable Commands:\n  docker-registry   Create a secret for use with a Docker registry\n  generic           Create a secret from a local file, directory, or literal value\n  tls               Create a TLS secret\n\nUsage:\n  kubectl create secret (docker-registry | generic | tls) [options]",
        ));
    };
    let kind = &rest[pos];
    let args = Args::parse(&without(rest, pos), SECRET_FLAGS)?;
    let sub = format!("secret {kind}");
    let name = one_name(&args, &sub)?;
    let ns = args.namespace();
    let (secret_type, data) = match kind.as_str() {
        "generic" => (args.value(flag::TYPE).unwrap_or("Opaque").to_owned(), literals(&args, "Secret", &name)?),
        "docker-registry" => {
            let (Some(user), Some(password)) = (args.value(flag::DOCKER_USERNAME), args.value(flag::DOCKER_PASSWORD))
            else {
                return Err(KubectlError::msg(
                    "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required",
                ));
            };
            let server = args.value(flag::DOCKER_SERVER).unwrap_or("https://index.docker.io/v1/");
            let json = docker_config_json(server, user, password, args.value(flag::DOCKER_EMAIL));
            ("kubernetes.io/dockerconfigjson".to_owned(), BTreeMap::from([(".dockerconfigjson".to_owned(), json)]))
        }
        "tls" => {
            return Err(KubectlError::msg("error: this console has no certificate files to read for a TLS secret"));
        }
        other => {
            return Err(KubectlError::msg(format!(
                "error: unknown command \"{other}\"\nSee 'kubectl create secret -h' for help and examples"
            )));
        }
    };
    let prefix = Some("failed to create secret");
    admit_as(cluster, Kind::Secret, ns, &name, prefix)?;
    let secret = Secret { meta: Meta::new(&name, ns), kind: secret_type, data };
    Ok(created(Kind::Secret, Object::Secret(secret), &name, prefix))
}

/// The `.dockerconfigjson` that `create secret docker-registry` writes.
pub fn docker_config_json(server: &str, user: &str, password: &str, email: Option<&str>) -> String {
    let mut entry = serde_json::Map::new();
    entry.insert("username".into(), user.into());
    entry.insert("password".into(), password.into());
    if let Some(e) = email.filter(|e| !e.is_empty()) {
        entry.insert("email".into(), e.into());
    }
    entry.insert("auth".into(), base64(format!("{user}:{password}").as_bytes()).into());
    let mut auths = serde_json::Map::new();
    auths.insert(server.to_owned(), serde_json::Value::Object(entry));
    serde_json::json!({ "auths": auths }).to_string()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn namespace(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, COMMON)?;
    let name = one_name(&args, "namespace")?;
    admit(cluster, Kind::Namespace, "", &name)?;
    let ns = Namespace { meta: Meta::new(&name, "") };
    Ok(created(Kind::Namespace, Object::Namespace(ns), &name, None))
}

fn service_account(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, COMMON)?;
    let name = one_name(&args, "serviceaccount")?;
    let ns = args.namespace();
    let prefix = Some("failed to create serviceaccount");
    admit_as(cluster, Kind::ServiceAccount, ns, &name, prefix)?;
    let sa = ServiceAccount { meta: Meta::new(&name, ns), image_pull_secrets: Vec::new() };
    Ok(created(Kind::ServiceAccount, Object::ServiceAccount(sa), &name, prefix))
}

/// `kubectl create token SA`: the service account must exist, and this console's API server
/// issues no tokens (its pods get theirs mounted), so it refuses rather than print a fake one.
fn token(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, TOKEN_FLAGS)?;
    let name = one_name(&args, "token")?;
    let ns = args.namespace();
    if !cluster.namespace_exists(ns) {
        return Err(KubectlError::msg(format!("error: failed to create token: namespaces \"{ns}\" not found")));
    }
    if name != "default" && find(cluster, Kind::ServiceAccount, ns, &name).is_none() {
        return Err(KubectlError::msg(format!("error: failed to create token: serviceaccounts \"{name}\" not found")));
    }
    Err(KubectlError::msg(
        "error: failed to create token: this console's API server issues no tokens; the service account's pods get theirs mounted",
    ))
}

/// The container name `create deployment` derives from an image: its last path segment
/// without tag or digest.
fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split(['@', ':']).next().unwrap_or(last);
    last.replace('_', "-")
}

fn deployment(cluster: &Cluster, rest: &[String]) -> Result<Creation, KubectlError> {
    let args = Args::parse(rest, DEPLOYMENT_FLAGS)?;
    let name = one_name(&args, "deployment")?;
    let images = args.values(flag::IMAGE);
    if images.is_empty() {
        return Err(KubectlError::msg("error: required flag(s) \"image\" not set"));
    }
    let replicas = args.number::<u32>(flag::REPLICAS)?.unwrap_or(1);
    let port = args.number::<u16>(flag::PORT)?;
    let ns = args.namespace();
    admit(cluster, Kind::Deployment, ns, &name)?;
    let mut containers: Vec<Container> = Vec::new();
    for image in images {
        let mut cname = container_name(image);
        let base = cname.clone();
        let mut n = 1;
        while containers.iter().any(|c| c.name == cname) {
            cname = format!("{base}-{n}");
            n += 1;
        }
        containers.push(Container { name: cname, image: image.clone(), ..Container::default() });
    }
    if let (Some(p), Some(first)) = (port, containers.first_mut()) {
        first.ports = vec![p];
    }
    let labels = BTreeMap::from([("app".to_owned(), name.clone())]);
    let mut meta = Meta::new(&name, ns);
    meta.labels = labels.clone();
    let d = Deployment {
        meta,
        replicas,
        selector: labels.clone(),
        template: PodTemplate {
            labels,
            annotations: BTreeMap::new(),
            spec: PodSpec { containers, service_account: "default".to_owned(), ..PodSpec::default() },
        },
        strategy: Strategy::default(),
        progress_deadline_seconds: 600,
        paused: false,
        status: crate::sim::objects::DeploymentStatus::default(),
    };
    Ok(created(Kind::Deployment, Object::Deployment(d), &name, None))
}

#[cfg(test)]
mod tests;
