//! The console's command table: every verb, and every subcommand of a group (`rollout status`,
//! `create secret`), is declared here once with its flags, its help line and the function that
//! runs it. Whether a command reads or changes the cluster, and so what it costs, follows from
//! that function's kind: a [`Handler::Read`] gets a shared `&Cluster` and cannot change it.
//! [`super::run`], [`super::cost_of`], [`super::flags_for`], `kubectl --help` and the console's
//! Tab completion all read this table.

use std::fmt::Write as _;

use super::args::{FlagSpec, GLOBAL};
use super::{CHANGE_COST, Done, KubectlError, READ_COST, flag};
use super::{
    auth, config, debug, describe, discovery, exec, explain, get, global, logs, manifests, mutate, node_shell,
    port_forward, rollout, wait,
};
use crate::sim::change::Change;
use crate::sim::cluster::Cluster;

/// Whether a command line reads the cluster or may change it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Read,
    Change,
}

impl Effect {
    /// Action points: reads are cheap, changes dearer.
    pub const fn cost(self) -> u32 {
        match self {
            Effect::Read => READ_COST,
            Effect::Change => CHANGE_COST,
        }
    }
}

/// A command that only reads.
pub type ReadFn = fn(&Cluster, &[String]) -> Result<Done, KubectlError>;
/// A command that may change the cluster.
pub type ChangeFn = fn(&mut Cluster, &[String]) -> Result<Done, KubectlError>;
/// A change that reads its standard input, a here-document (`apply -f -`, `edit`); `None`
/// when the line has none.
pub type InputFn = fn(&mut Cluster, &[String], Option<&str>) -> Result<Done, KubectlError>;
/// A read that reads its standard input (`diff -f -`).
pub type ReadInputFn = fn(&Cluster, &[String], Option<&str>) -> Result<Done, KubectlError>;
/// A command that works out its changes on a shared cluster and leaves applying them to the
/// console (a node shell).
pub type PlanFn = fn(&Cluster, &[String]) -> Result<Planned, KubectlError>;

/// What a [`PlanFn`] decided: the changes to apply (none for a read), then the text to print.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub changes: Vec<Change>,
    pub output: String,
}

/// How a command runs, which says whether it reads or changes. The function gets the words
/// after the command's own (the subcommand word taken out).
#[derive(Clone, Copy)]
pub enum Handler {
    /// Reads: runs against `&Cluster` and costs [`READ_COST`].
    Read(ReadFn),
    /// Changes (or is refused as a change would be): costs [`CHANGE_COST`]; with `--dry-run`
    /// (when its flags take it) it runs on a copy of the cluster and costs a read.
    Change(ChangeFn),
    /// Changes with the line's here-document as its input, as [`Handler::Change`] otherwise.
    Input(InputFn),
    /// Reads, with the line's here-document as its input.
    ReadInput(ReadInputFn),
    /// Reads or changes depending on the command run on the node: it changes when the line
    /// names one of [`NODE_CHANGES`].
    Plan(PlanFn),
}

/// Words on an `ssh` line that make it a change (`systemctl stop kubelet`, `rm`, `truncate`).
pub const NODE_CHANGES: &[&str] = &["start", "stop", "restart", "rm", "truncate"];

/// Where a command sits in `kubectl --help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Basic,
    Changes,
    Outside,
    Refused,
}

impl Section {
    const ALL: [Section; 4] = [Section::Basic, Section::Changes, Section::Outside, Section::Refused];

    fn title(self) -> &'static str {
        match self {
            Section::Basic => "Basic Commands:",
            Section::Changes => "Changes:",
            Section::Outside => "Outside kubectl:",
            Section::Refused => "Not in this console:",
        }
    }
}

/// One command of the console.
#[derive(Clone, Copy)]
pub struct Command {
    /// The words that name it: `["get"]`, `["rollout", "status"]`.
    pub words: &'static [&'static str],
    /// Other spellings of its last word (`log`, `cm`, `po`).
    pub aliases: &'static [&'static str],
    /// How help shows it, when that is more than its words (`curl URL`).
    pub usage: &'static str,
    /// Its one line in help. A group's line is followed by its subcommands.
    pub help: &'static str,
    /// How `kubectl VERB --help` says to call it, in kubectl's own style
    /// (`kubectl get [(-o|--output=)json|yaml|...] (TYPE [NAME | -l label] | TYPE/NAME ...) [options]`).
    pub synopsis: &'static str,
    pub section: Section,
    /// The global flags it parses: all of [`GLOBAL`], only `-n`, or none.
    pub global: &'static [FlagSpec],
    /// Its own flags. A group's are the ones parsed before its subcommand is known.
    pub flags: &'static [FlagSpec],
    /// What its first argument may be, for completion (`create secret generic|tls`).
    pub choices: &'static [&'static str],
    pub handler: Handler,
}

impl Command {
    /// Whether `word` names this command (its last word or an alias).
    pub fn is_named(&self, word: &str) -> bool {
        self.words.last() == Some(&word) || self.aliases.contains(&word)
    }

    /// Its words as typed: `rollout status`.
    pub fn name(&self) -> String {
        self.words.join(" ")
    }

    /// Whether running it with `rest` (the words after its own) reads or changes.
    pub fn effect(&self, rest: &[String]) -> Effect {
        match self.handler {
            Handler::Read(_) | Handler::ReadInput(_) => Effect::Read,
            Handler::Change(_) | Handler::Input(_) if matches!(self.dry_run(rest), Ok(Some(_))) => Effect::Read,
            Handler::Change(_) | Handler::Input(_) => Effect::Change,
            Handler::Plan(_) if rest.iter().any(|w| NODE_CHANGES.contains(&w.as_str())) => Effect::Change,
            Handler::Plan(_) => Effect::Read,
        }
    }

    /// What running it with `rest` costs, before it runs.
    pub fn cost(&self, rest: &[String]) -> u32 {
        self.effect(rest).cost()
    }

    /// Whether it may ever change the cluster.
    pub fn may_change(&self) -> bool {
        !matches!(self.handler, Handler::Read(_) | Handler::ReadInput(_))
    }

    /// The dry run `rest` asks for, when this command takes `--dry-run` as kubectl's does.
    pub fn dry_run(&self, rest: &[String]) -> Result<Option<super::dry_run::DryRun>, KubectlError> {
        let takes =
            matches!(self.handler, Handler::Change(_) | Handler::Input(_)) && self.flags.contains(&flag::DRY_RUN);
        if takes { super::dry_run::requested(rest) } else { Ok(None) }
    }

    /// Its global flags, then its own.
    pub fn all_flags(&self) -> impl Iterator<Item = &'static FlagSpec> + use<> {
        let (global, own) = (self.global, self.flags);
        global.iter().chain(own.iter())
    }
}

/// The defaults every entry starts from.
const BASE: Command = Command {
    words: &[],
    aliases: &[],
    usage: "",
    help: "",
    synopsis: "",
    section: Section::Basic,
    global: GLOBAL,
    flags: &[],
    choices: &[],
    handler: Handler::Read(|_, _| Done::read("")),
};

/// The subcommands of `create`.
const CREATE: Command = Command { section: Section::Changes, flags: mutate::create::COMMON, ..BASE };

/// Every command, groups before their subcommands, in the order help lists them.
pub static COMMANDS: &[Command] = &[
    Command {
        words: &["get"],
        help: "Display one or many resources",
        synopsis: "kubectl get [(-o|--output=)json|yaml|name|wide|jsonpath=...] (TYPE [NAME | -l label] | TYPE/NAME ...) [options]",
        flags: get::FLAGS,
        handler: Handler::Read(get::run),
        ..BASE
    },
    Command {
        words: &["describe"],
        help: "Show details of a specific resource or group of resources",
        synopsis: "kubectl describe (TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]",
        flags: describe::FLAGS,
        handler: Handler::Read(describe::run),
        ..BASE
    },
    Command {
        words: &["logs"],
        aliases: &["log"],
        help: "Print the logs for a container in a pod",
        synopsis: "kubectl logs [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]",
        flags: logs::FLAGS,
        handler: Handler::Read(logs::run),
        ..BASE
    },
    Command {
        words: &["events"],
        help: "List events",
        synopsis: "kubectl events [(-o|--output=)json|yaml|wide] [--for TYPE/NAME] [options]",
        flags: describe::EVENT_FLAGS,
        handler: Handler::Read(describe::events),
        ..BASE
    },
    Command {
        words: &["top"],
        help: "Display resource (CPU/memory) usage",
        synopsis: "kubectl top (pod | node) [NAME | -l label] [options]",
        flags: logs::top::FLAGS,
        handler: Handler::Read(logs::top::group),
        ..BASE
    },
    Command {
        words: &["top", "pods"],
        aliases: &["pod", "po"],
        help: "Display resource (CPU/memory) usage of pods",
        synopsis: "kubectl top pod [NAME | -l label] [options]",
        flags: logs::top::FLAGS,
        handler: Handler::Read(logs::top::pods),
        ..BASE
    },
    Command {
        words: &["top", "nodes"],
        aliases: &["node", "no"],
        help: "Display resource (CPU/memory) usage of nodes",
        synopsis: "kubectl top node [NAME | -l label] [options]",
        flags: logs::top::FLAGS,
        handler: Handler::Read(logs::top::nodes),
        ..BASE
    },
    Command {
        words: &["exec"],
        help: "Execute a command in a container (cat, env, nslookup, curl, wget)",
        synopsis: "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] -- COMMAND [args...] [options]",
        flags: exec::FLAGS,
        handler: Handler::Read(exec::run),
        ..BASE
    },
    Command {
        words: &["debug"],
        help: "Debug a pod (an ephemeral container) or a node (a pod with the host at /host)",
        synopsis: "kubectl debug (POD | TYPE[[.VERSION].GROUP]/NAME) [--image=IMAGE] [--target=CONTAINER] [-it] -- [COMMAND] [args...] [options]",
        flags: debug::FLAGS,
        handler: Handler::Change(debug::run),
        ..BASE
    },
    Command {
        words: &["port-forward"],
        help: "Forward a local port to a pod (curl localhost:PORT then reaches it)",
        synopsis: "kubectl port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]",
        flags: port_forward::FLAGS,
        handler: Handler::Change(port_forward::run),
        ..BASE
    },
    Command {
        words: &["auth"],
        help: "Inspect authorization",
        synopsis: "kubectl auth (can-i | whoami) [options]",
        flags: auth::FLAGS,
        handler: Handler::Read(auth::group),
        ..BASE
    },
    Command {
        words: &["auth", "can-i"],
        help: "Check whether an action is allowed",
        synopsis: "kubectl auth can-i VERB [TYPE | TYPE/NAME] [options]",
        flags: auth::FLAGS,
        handler: Handler::Read(auth::can_i),
        ..BASE
    },
    Command {
        words: &["auth", "whoami"],
        help: "Print the user you act as, and its groups",
        synopsis: "kubectl auth whoami [options]",
        flags: auth::WHOAMI_FLAGS,
        handler: Handler::Read(auth::whoami),
        ..BASE
    },
    Command {
        words: &["version"],
        help: "Print the client and server version information",
        synopsis: "kubectl version [--client] [-o json|yaml] [options]",
        flags: discovery::VERSION_FLAGS,
        handler: Handler::Read(discovery::version),
        ..BASE
    },
    // Discovery, the kubeconfig and waiting: reads (lane verbs-read).
    Command {
        words: &["api-resources"],
        help: "Print the supported API resources on the server",
        synopsis: "kubectl api-resources [--api-group=''] [--namespaced=true|false] [--verbs=VERB] [--sort-by=name|kind] [-o wide|name] [options]",
        flags: discovery::API_RESOURCES_FLAGS,
        handler: Handler::Read(discovery::api_resources),
        ..BASE
    },
    Command {
        words: &["api-versions"],
        help: "Print the supported API versions on the server, in the form of \"group/version\"",
        synopsis: "kubectl api-versions [options]",
        handler: Handler::Read(discovery::api_versions),
        ..BASE
    },
    Command {
        words: &["explain"],
        help: "Get documentation for a resource",
        synopsis: "kubectl explain TYPE[.FIELD...] [--recursive=false] [--api-version=api-version-group] [options]",
        flags: explain::FLAGS,
        handler: Handler::Read(explain::run),
        ..BASE
    },
    Command {
        words: &["cluster-info"],
        help: "Display cluster information",
        synopsis: "kubectl cluster-info [flags] [options]",
        handler: Handler::Read(discovery::cluster_info),
        ..BASE
    },
    Command {
        words: &["cluster-info", "dump"],
        help: "Dump relevant information for debugging and diagnosis",
        synopsis: "kubectl cluster-info dump [flags] [options]",
        flags: discovery::DUMP_FLAGS,
        handler: Handler::Read(discovery::cluster_info_dump),
        ..BASE
    },
    Command {
        words: &["config"],
        help: "Modify kubeconfig files",
        synopsis: "kubectl config SUBCOMMAND [options]",
        handler: Handler::Read(config::group),
        ..BASE
    },
    Command {
        words: &["config", "view"],
        help: "Display merged kubeconfig settings or a specified kubeconfig file",
        synopsis: "kubectl config view [flags] [options]",
        flags: config::VIEW_FLAGS,
        handler: Handler::Read(config::view),
        ..BASE
    },
    Command {
        words: &["config", "current-context"],
        help: "Display the current-context",
        synopsis: "kubectl config current-context [options]",
        handler: Handler::Read(config::current_context),
        ..BASE
    },
    Command {
        words: &["config", "get-contexts"],
        help: "Describe one or many contexts",
        synopsis: "kubectl config get-contexts [(-o|--output=)name)] [options]",
        flags: config::LIST_FLAGS,
        handler: Handler::Read(config::get_contexts),
        ..BASE
    },
    Command {
        words: &["config", "get-clusters"],
        help: "Display clusters defined in the kubeconfig",
        synopsis: "kubectl config get-clusters [options]",
        handler: Handler::Read(config::get_clusters),
        ..BASE
    },
    Command {
        words: &["config", "get-users"],
        help: "Display users defined in the kubeconfig",
        synopsis: "kubectl config get-users [options]",
        handler: Handler::Read(config::get_users),
        ..BASE
    },
    Command {
        words: &["config", "use-context"],
        aliases: &["use"],
        help: "Set the current-context in a kubeconfig file",
        synopsis: "kubectl config use-context CONTEXT_NAME [options]",
        handler: Handler::Read(config::use_context),
        ..BASE
    },
    Command {
        words: &["wait"],
        help: "Experimental: Wait for a specific condition on one or many resources",
        synopsis: "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]",
        flags: wait::FLAGS,
        handler: Handler::Read(wait::run),
        ..BASE
    },
    Command {
        words: &["options"],
        help: "Print the list of flags inherited by all commands",
        synopsis: "kubectl options [flags]",
        handler: Handler::Read(global::options),
        ..BASE
    },
    Command {
        words: &["help"],
        aliases: &["--help", "-h"],
        help: "Print this help",
        synopsis: "kubectl help [COMMAND]",
        global: &[],
        handler: Handler::Read(|_, _| Done::read(help())),
        ..BASE
    },
    Command {
        words: &["rollout"],
        help: "Manage the rollout of a resource",
        synopsis: "kubectl rollout SUBCOMMAND [options]",
        section: Section::Changes,
        handler: Handler::Read(rollout::group),
        ..BASE
    },
    Command {
        words: &["rollout", "status"],
        help: "Show the status of the rollout",
        synopsis: "kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]",
        section: Section::Changes,
        flags: rollout::STATUS_FLAGS,
        handler: Handler::Read(rollout::run_status),
        ..BASE
    },
    Command {
        words: &["rollout", "history"],
        help: "View rollout history",
        synopsis: "kubectl rollout history (TYPE NAME | TYPE/NAME) [flags] [options]",
        section: Section::Changes,
        flags: rollout::HISTORY_FLAGS,
        handler: Handler::Read(rollout::run_history),
        ..BASE
    },
    Command {
        words: &["rollout", "undo"],
        help: "Undo a previous rollout",
        synopsis: "kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags] [options]",
        section: Section::Changes,
        flags: rollout::UNDO_FLAGS,
        handler: Handler::Change(rollout::run_undo),
        ..BASE
    },
    Command {
        words: &["rollout", "restart"],
        help: "Restart a resource",
        synopsis: "kubectl rollout restart RESOURCE [options]",
        section: Section::Changes,
        flags: rollout::PLAIN_FLAGS,
        handler: Handler::Change(|c, rest| rollout::run_simple(c, "restart", rest)),
        ..BASE
    },
    Command {
        words: &["rollout", "pause"],
        help: "Mark the provided resource as paused",
        synopsis: "kubectl rollout pause RESOURCE [options]",
        section: Section::Changes,
        flags: rollout::PLAIN_FLAGS,
        handler: Handler::Change(|c, rest| rollout::run_simple(c, "pause", rest)),
        ..BASE
    },
    Command {
        words: &["rollout", "resume"],
        help: "Resume a paused resource",
        synopsis: "kubectl rollout resume RESOURCE [options]",
        section: Section::Changes,
        flags: rollout::PLAIN_FLAGS,
        handler: Handler::Change(|c, rest| rollout::run_simple(c, "resume", rest)),
        ..BASE
    },
    Command {
        words: &["set"],
        help: "Set fields of a deployment's pod template",
        synopsis: "kubectl set SUBCOMMAND [options]",
        section: Section::Changes,
        handler: Handler::Change(mutate::set::group),
        ..BASE
    },
    Command {
        words: &["set", "image"],
        help: "Update the image of a pod template",
        synopsis: "kubectl set image (TYPE NAME | TYPE/NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]",
        section: Section::Changes,
        flags: mutate::set::IMAGE_FLAGS,
        handler: Handler::Change(mutate::set::image),
        ..BASE
    },
    Command {
        words: &["set", "env"],
        help: "Update environment variables on a pod template",
        synopsis: "kubectl set env (TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [options]",
        section: Section::Changes,
        flags: mutate::set::ENV_FLAGS,
        handler: Handler::Change(mutate::set::env),
        ..BASE
    },
    Command {
        words: &["set", "resources"],
        help: "Update resource requests/limits on objects with pod templates",
        synopsis: "kubectl set resources (TYPE NAME | TYPE/NAME) [--limits=LIMITS] [--requests=REQUESTS] [options]",
        section: Section::Changes,
        flags: mutate::set::RESOURCES_FLAGS,
        handler: Handler::Change(mutate::set::resources),
        ..BASE
    },
    Command {
        words: &["set", "serviceaccount"],
        aliases: &["sa"],
        help: "Update the service account of a resource",
        synopsis: "kubectl set serviceaccount (-f FILENAME | TYPE NAME) SERVICE_ACCOUNT [options]",
        section: Section::Changes,
        flags: mutate::set::account::SERVICEACCOUNT_FLAGS,
        handler: Handler::Change(mutate::set::account::serviceaccount),
        ..BASE
    },
    Command {
        words: &["set", "selector"],
        help: "Set the selector on a resource",
        synopsis: "kubectl set selector (-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version] [options]",
        section: Section::Changes,
        flags: mutate::set::account::SELECTOR_FLAGS,
        handler: Handler::Change(mutate::set::account::selector),
        ..BASE
    },
    Command {
        words: &["scale"],
        help: "Set a new size for a deployment or replica set",
        synopsis: "kubectl scale --replicas=COUNT (TYPE NAME | TYPE/NAME) [options]",
        section: Section::Changes,
        flags: mutate::edit::SCALE_FLAGS,
        handler: Handler::Change(mutate::edit::scale),
        ..BASE
    },
    Command {
        words: &["patch"],
        help: "Update fields of a resource (strategic, merge or --type=json)",
        synopsis: "kubectl patch (TYPE NAME | TYPE/NAME) -p PATCH [--type=strategic|merge|json] [options]",
        section: Section::Changes,
        flags: mutate::edit::PATCH_FLAGS,
        handler: Handler::Change(mutate::edit::patch),
        ..BASE
    },
    Command {
        words: &["label"],
        help: "Update the labels on a resource",
        synopsis: "kubectl label [--overwrite] (TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [options]",
        section: Section::Changes,
        flags: mutate::label::LABEL_FLAGS,
        handler: Handler::Change(|c, rest| mutate::label::label(c, rest, mutate::label::MetaField::Labels)),
        ..BASE
    },
    Command {
        words: &["annotate"],
        help: "Update the annotations on a resource",
        synopsis: "kubectl annotate [--overwrite] (TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [options]",
        section: Section::Changes,
        flags: mutate::label::LABEL_FLAGS,
        handler: Handler::Change(|c, rest| mutate::label::label(c, rest, mutate::label::MetaField::Annotations)),
        ..BASE
    },
    Command {
        words: &["delete"],
        help: "Delete resources by names or label selector",
        synopsis: "kubectl delete (TYPE [(NAME | -l label | --all)] | TYPE/NAME) [options]",
        section: Section::Changes,
        flags: mutate::delete::FLAGS,
        handler: Handler::Change(mutate::delete::run),
        ..BASE
    },
    Command {
        words: &["create"],
        help: "Create a resource",
        synopsis: "kubectl create SUBCOMMAND [options]",
        flags: manifests::CREATE_FLAGS,
        handler: Handler::Input(manifests::create_group),
        ..CREATE
    },
    Command {
        words: &["create", "configmap"],
        aliases: &["cm"],
        help: "Create a config map from literal values",
        synopsis: "kubectl create configmap NAME [--from-literal=key1=value1] [options]",
        flags: mutate::create::CONFIGMAP_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "configmap", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "secret"],
        help: "Create a secret (generic or docker-registry)",
        synopsis: "kubectl create secret (generic | docker-registry | tls) NAME [--from-literal=key1=value1] [options]",
        flags: mutate::create::SECRET_FLAGS,
        choices: &["generic", "docker-registry", "tls"],
        handler: Handler::Change(|c, rest| mutate::create::run(c, "secret", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "namespace"],
        aliases: &["ns"],
        help: "Create a namespace",
        synopsis: "kubectl create namespace NAME [options]",
        handler: Handler::Change(|c, rest| mutate::create::run(c, "namespace", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "serviceaccount"],
        aliases: &["sa"],
        help: "Create a service account",
        synopsis: "kubectl create serviceaccount NAME [options]",
        handler: Handler::Change(|c, rest| mutate::create::run(c, "serviceaccount", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "role"],
        help: "Create a role with rules",
        synopsis: "kubectl create role NAME --verb=verb --resource=resource [--resource-name=resourcename] [options]",
        flags: mutate::create::rbac::ROLE_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "role", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "clusterrole"],
        help: "Create a cluster role with rules",
        synopsis: "kubectl create clusterrole NAME --verb=verb --resource=resource [--resource-name=resourcename] [options]",
        flags: mutate::create::rbac::ROLE_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "clusterrole", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "rolebinding"],
        help: "Bind a role or cluster role in a namespace",
        synopsis: "kubectl create rolebinding NAME --clusterrole=NAME|--role=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [options]",
        flags: mutate::create::rbac::BINDING_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "rolebinding", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "clusterrolebinding"],
        help: "Bind a cluster role cluster-wide",
        synopsis: "kubectl create clusterrolebinding NAME --clusterrole=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [options]",
        flags: mutate::create::rbac::BINDING_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "clusterrolebinding", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "deployment"],
        aliases: &["deploy"],
        help: "Create a deployment running an image",
        synopsis: "kubectl create deployment NAME --image=image [--replicas=N] [options]",
        flags: mutate::create::DEPLOYMENT_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "deployment", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "service"],
        aliases: &["svc"],
        help: "Create a service (clusterip, nodeport or loadbalancer) with ports",
        synopsis: "kubectl create service (clusterip | nodeport | loadbalancer) NAME [--tcp=<port>:<targetPort>] [options]",
        flags: mutate::create::service::SERVICE_FLAGS,
        choices: &["clusterip", "nodeport", "loadbalancer", "externalname"],
        handler: Handler::Change(|c, rest| mutate::create::run(c, "service", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "ingress"],
        aliases: &["ing"],
        help: "Create an ingress with the specified name",
        synopsis: "kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]] [--class=nginx] [options]",
        flags: mutate::create::service::INGRESS_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "ingress", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "poddisruptionbudget"],
        aliases: &["pdb"],
        help: "Create a pod disruption budget with the specified name",
        synopsis: "kubectl create poddisruptionbudget NAME --selector=SELECTOR --min-available=N [options]",
        flags: mutate::create::service::PDB_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "pdb", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "quota"],
        aliases: &["resourcequota"],
        help: "Create a quota with the specified name",
        synopsis: "kubectl create quota NAME [--hard=key1=value1] [options]",
        flags: mutate::create::service::QUOTA_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "quota", rest)),
        ..CREATE
    },
    Command {
        words: &["create", "token"],
        help: "Request a service account token (refused: this API server issues none)",
        synopsis: "kubectl create token SERVICE_ACCOUNT_NAME [options]",
        flags: mutate::create::TOKEN_FLAGS,
        handler: Handler::Change(|c, rest| mutate::create::run(c, "token", rest)),
        ..CREATE
    },
    Command {
        words: &["run"],
        help: "Run a particular image on the cluster (a bare pod; -it --rm runs its command once)",
        synopsis: "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--restart=Never|Always|OnFailure] [--labels=k=v] [--command] -- [COMMAND] [args...] [options]",
        section: Section::Changes,
        flags: mutate::run::FLAGS,
        handler: Handler::Change(mutate::run::run),
        ..BASE
    },
    Command {
        words: &["expose"],
        help: "Take a deployment, replica set, pod or service and expose it as a new service",
        synopsis: "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--type=type] [options]",
        section: Section::Changes,
        flags: mutate::expose::EXPOSE_FLAGS,
        handler: Handler::Change(mutate::expose::expose),
        ..BASE
    },
    Command {
        words: &["autoscale"],
        help: "Auto-scale a deployment",
        synopsis: "kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU] [options]",
        section: Section::Changes,
        flags: mutate::expose::AUTOSCALE_FLAGS,
        handler: Handler::Change(mutate::expose::autoscale),
        ..BASE
    },
    Command {
        words: &["cordon"],
        help: "Mark a node as unschedulable",
        synopsis: "kubectl cordon NODE [options]",
        section: Section::Changes,
        flags: mutate::node::CORDON_FLAGS,
        handler: Handler::Change(|c, rest| mutate::node::cordon(c, rest, true)),
        ..BASE
    },
    Command {
        words: &["uncordon"],
        help: "Mark a node as schedulable",
        synopsis: "kubectl uncordon NODE [options]",
        section: Section::Changes,
        flags: mutate::node::CORDON_FLAGS,
        handler: Handler::Change(|c, rest| mutate::node::cordon(c, rest, false)),
        ..BASE
    },
    Command {
        words: &["drain"],
        help: "Cordon a node and evict its pods, for maintenance",
        synopsis: "kubectl drain NODE [options]",
        section: Section::Changes,
        flags: mutate::drain::FLAGS,
        handler: Handler::Change(mutate::drain::run),
        ..BASE
    },
    Command {
        words: &["taint"],
        help: "Update the taints on one or more nodes",
        synopsis: "kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]",
        section: Section::Changes,
        flags: mutate::node::TAINT_FLAGS,
        handler: Handler::Change(mutate::node::taint),
        ..BASE
    },
    Command {
        words: &["curl"],
        usage: "curl URL",
        help: "Request a URL from a debug pod in the cluster",
        synopsis: "curl URL",
        section: Section::Outside,
        global: &[flag::NAMESPACE],
        handler: Handler::Read(|c, rest| exec::debug_pod(c, "curl", rest)),
        ..BASE
    },
    Command {
        words: &["wget"],
        usage: "wget URL",
        help: "Fetch a URL from a debug pod in the cluster (wget -qO- URL)",
        synopsis: "wget [-qO-] URL",
        section: Section::Outside,
        global: &[flag::NAMESPACE],
        handler: Handler::Read(|c, rest| exec::debug_pod(c, "wget", rest)),
        ..BASE
    },
    Command {
        words: &["nslookup"],
        usage: "nslookup NAME",
        help: "Resolve a name from a debug pod in the cluster",
        synopsis: "nslookup NAME",
        section: Section::Outside,
        global: &[flag::NAMESPACE],
        handler: Handler::Read(|c, rest| exec::debug_pod(c, "nslookup", rest)),
        ..BASE
    },
    Command {
        words: &["ssh"],
        usage: "ssh NODE --",
        help: "systemctl status|start|restart kubelet, journalctl -u kubelet, df -h, du, rm",
        synopsis: "ssh NODE -- COMMAND [args...]",
        section: Section::Outside,
        global: &[],
        handler: Handler::Plan(node_shell::plan),
        ..BASE
    },
    Command {
        words: &["apply"],
        help: "Apply a configuration to a resource from a manifest: kubectl apply -f - <<EOF … EOF",
        synopsis: "kubectl apply -f - <<EOF … EOF [options]",
        section: Section::Changes,
        flags: manifests::APPLY_FLAGS,
        handler: Handler::Input(manifests::apply),
        ..BASE
    },
    Command {
        words: &["edit"],
        help: "Edit a resource: shows its YAML; send the edit back as kubectl edit TYPE/NAME <<EOF … EOF",
        synopsis: "kubectl edit (TYPE NAME | TYPE/NAME) [<<EOF … EOF] [options]",
        section: Section::Changes,
        flags: manifests::EDIT_FLAGS,
        handler: Handler::Input(manifests::edit),
        ..BASE
    },
    Command {
        words: &["replace"],
        help: "Replace a resource by a manifest: kubectl replace -f - <<EOF … EOF",
        synopsis: "kubectl replace -f - <<EOF … EOF [options]",
        section: Section::Changes,
        flags: manifests::REPLACE_FLAGS,
        handler: Handler::Input(manifests::replace),
        ..BASE
    },
    Command {
        words: &["diff"],
        help: "Diff the live version against what apply would make of a manifest",
        synopsis: "kubectl diff -f - <<EOF … EOF [options]",
        flags: manifests::DIFF_FLAGS,
        handler: Handler::ReadInput(manifests::diff),
        ..BASE
    },
];

/// The verbs a line can start with.
pub fn verbs() -> impl Iterator<Item = &'static Command> {
    COMMANDS.iter().filter(|c| c.words.len() == 1)
}

/// The subcommands of a group (none for a plain command).
pub fn subcommands(group: &Command) -> impl Iterator<Item = &'static Command> + use<> {
    let words = group.words;
    COMMANDS.iter().filter(move |c| c.words.len() == words.len() + 1 && c.words.starts_with(words))
}

/// The command `path` names: its words as typed (`["rollout", "status"]`, `["create", "cm"]`).
/// Words past the command's are ignored; a group's unknown subcommand gives the group.
pub fn find(path: &[&str]) -> Option<&'static Command> {
    let (verb, rest) = path.split_first()?;
    let mut command = verbs().find(|c| c.is_named(verb))?;
    for word in rest {
        match subcommands(command).find(|c| c.is_named(word)) {
            Some(sub) => command = sub,
            None => break,
        }
    }
    Some(command)
}

/// The command a tokenized line (verb first, no `kubectl`) runs, and the words it gets: the
/// line after the verb without the subcommand words. A group's subcommand is its first
/// positional word, wherever flags put it (`create -n shop configmap x`).
pub fn resolve(tokens: &[String]) -> Option<(&'static Command, Vec<String>)> {
    let (verb, rest) = tokens.split_first()?;
    let mut command = verbs().find(|c| c.is_named(verb))?;
    let mut rest = rest.to_vec();
    loop {
        let subs: Vec<&Command> = subcommands(command).collect();
        if subs.is_empty() {
            return Some((command, rest));
        }
        let specs: Vec<FlagSpec> = command.all_flags().chain(subs.iter().flat_map(|s| s.flags)).copied().collect();
        let Some(at) = first_positional(&rest, &specs) else { return Some((command, rest)) };
        let Some(sub) = subs.into_iter().find(|s| s.is_named(&rest[at])) else { return Some((command, rest)) };
        rest.remove(at);
        command = sub;
    }
}

/// Where the first word that is not a flag or a flag's value is, before any `--`.
pub fn first_positional(tokens: &[String], specs: &[FlagSpec]) -> Option<usize> {
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        i += 1;
        if tok == "--" {
            return None;
        }
        if let Some(long) = tok.strip_prefix("--") {
            let takes_value = specs.iter().any(|s| s.long == long && s.takes_value);
            if takes_value {
                i += 1;
            }
        } else if let Some(body) = tok.strip_prefix('-').filter(|b| !b.is_empty()) {
            // The first shorthand that takes a value takes the rest of the word, or the next.
            for (at, c) in body.char_indices() {
                if specs.iter().any(|s| s.short == Some(c) && s.takes_value) {
                    if at + c.len_utf8() == body.len() {
                        i += 1;
                    }
                    break;
                }
            }
        } else {
            return Some(i - 1);
        }
    }
    None
}

/// `kubectl --help`, from the table: each section's verbs, a group followed by its
/// subcommands.
pub fn help() -> String {
    let mut text = String::from("kubectl controls the (simulated) Kubernetes cluster.\n");
    for section in Section::ALL {
        let _ = write!(text, "\n{}\n", section.title());
        for command in verbs().filter(|c| c.section == section) {
            let label = if command.usage.is_empty() { command.name() } else { command.usage.to_owned() };
            let subs: Vec<&str> = subcommands(command).filter_map(|s| s.words.last().copied()).collect();
            let subs = if subs.is_empty() { String::new() } else { format!(" ({})", subs.join(", ")) };
            let _ = writeln!(text, "  {label:<13} {}{subs}", command.help);
        }
    }
    text.push_str(
        "\nPipes: | grep [-ivEwonc] [-A|-B|-C N] PATTERN, | head -n N, | tail -n N, | wc [-l], | sort [-rnuh] [-k N] [-t X],\n       | uniq [-c], | cut -d X -f N, | awk [-F X] '[PATTERN] {print $N, $NF}'",
    );
    text
}

/// `kubectl VERB --help`: what the command does, how to call it, its subcommands (for a group)
/// and the flags it takes, in kubectl's layout. Asking costs nothing (see `Line::cost`).
pub fn usage(command: &Command) -> String {
    let mut text = format!("{}.\n\nUsage:\n  {}\n", command.help, command.synopsis);
    let subs: Vec<&Command> = subcommands(command).collect();
    if !subs.is_empty() {
        text.push_str("\nAvailable Commands:\n");
        let width = subs.iter().filter_map(|s| s.words.last()).map(|w| w.len()).max().unwrap_or(0);
        for sub in subs {
            let word = sub.words.last().copied().unwrap_or_default();
            let _ = writeln!(text, "  {word:<width$}  {}", sub.help);
        }
    }
    let flags: Vec<String> = command.all_flags().map(flag_usage).collect();
    if !flags.is_empty() {
        text.push_str("\nOptions:\n");
        for flag in flags {
            let _ = writeln!(text, "  {flag}");
        }
    }
    text.push_str("\nUse \"kubectl --help\" for every command of this console.");
    text
}

/// One flag as kubectl's help lists it: `-n, --namespace=''`, `    --all=false`.
fn flag_usage(spec: &FlagSpec) -> String {
    let short = spec.short.map_or_else(|| "    ".to_owned(), |c| format!("-{c}, "));
    let default = if spec.takes_value { "''" } else { "false" };
    format!("{short}--{}={default}", spec.long)
}

#[cfg(test)]
mod tests;
