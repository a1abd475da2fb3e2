//! What the software in each image does: the app profiles and the image registry. Pod behaviour
//! is derived from a profile and the cluster around it, never scripted per scenario.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::sim::quantity::{Mebibytes, Millicores};

/// The image registry the cluster pulls from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    pub images: Vec<Image>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    /// Repository as containers name it, e.g. `registry.example.com/shop/web`.
    pub repository: String,
    /// Tag → name of the app profile that tag runs.
    pub tags: BTreeMap<String, String>,
    /// Pulling needs an image pull secret of type `kubernetes.io/dockerconfigjson`.
    #[serde(default)]
    pub private: bool,
}

/// How an app behaves. Every field has a sensible default so profiles stay short.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppProfile {
    /// The port it listens on; `None` for batch jobs and init containers.
    pub port: Option<u16>,
    /// HTTP paths that answer 200; any other path answers 404.
    pub paths: Vec<String>,
    /// Executables in the image; a container `command` must name one of them.
    pub executables: Vec<String>,
    pub startup_seconds: u32,
    /// For init containers and jobs: exits after this many seconds (a batch job that never
    /// finishes leaves it `None` and has no `port`).
    pub exits_after: Option<u32>,
    /// The code it exits with after `exits_after`: 0 is success, anything else a failed run.
    pub exit_code: i32,
    pub memory: Mebibytes,
    /// Extra working set per request per second the pod serves.
    pub memory_per_rps: f64,
    pub cpu: Millicores,
    pub cpu_per_rps: f64,
    /// Requests per second one pod can serve before latency climbs and requests fail.
    pub capacity_rps: f64,
    pub latency_ms: u32,
    /// Fraction of requests it answers wrongly even when healthy (an old or stray build).
    pub error_rate: f64,
    /// Environment variables it refuses to start without.
    pub required_env: Vec<String>,
    /// Files it must be able to read (from a volume mount) to start.
    pub required_files: Vec<String>,
    /// Services it calls for every request, as `host:port` (`db:5432`, `api.shop:80`).
    pub dependencies: Vec<String>,
    /// Kubernetes API calls it makes with its service account, as `verb resource`.
    pub api_calls: Vec<String>,
    /// Path of a volume whose data it keeps (for "no data lost").
    pub data_dir: Option<String>,
    /// Log lines printed when it starts.
    pub start_logs: Vec<String>,
    /// Log line per request batch when all is well.
    pub serve_log: Option<String>,
    /// Printed, then exit 1, when a required env var is missing; `{name}` is replaced.
    pub missing_env_log: String,
    pub role: AppRole,
    /// Things it does to the cluster every turn while it runs.
    pub actions: Vec<AppAction>,
    /// Files baked into the image (path → content), which `exec … cat` and `ls` show.
    pub image_files: BTreeMap<String, String>,
    /// Calls per request to a dependency (by its `host:port` as in `dependencies`); 1 if absent.
    pub fan_out: BTreeMap<String, f64>,
    /// How long its client waits on a dependency before it gives up and fails the request.
    pub timeout_seconds: u32,
}

impl Default for AppProfile {
    fn default() -> Self {
        AppProfile {
            port: Some(8080),
            paths: vec!["/".to_owned(), "/healthz".to_owned(), "/ready".to_owned()],
            executables: Vec::new(),
            startup_seconds: 5,
            exits_after: None,
            exit_code: 0,
            memory: Mebibytes(64),
            memory_per_rps: 0.0,
            cpu: Millicores(10),
            cpu_per_rps: 1.0,
            capacity_rps: 200.0,
            latency_ms: 40,
            error_rate: 0.0,
            required_env: Vec::new(),
            required_files: Vec::new(),
            dependencies: Vec::new(),
            api_calls: Vec::new(),
            data_dir: None,
            start_logs: Vec::new(),
            serve_log: None,
            missing_env_log: "FATAL: environment variable {name} is not set".to_owned(),
            role: AppRole::App,
            actions: Vec::new(),
            image_files: BTreeMap::new(),
            fan_out: BTreeMap::new(),
            timeout_seconds: 30,
        }
    }
}

/// Infrastructure roles that the traffic model treats specially.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppRole {
    #[default]
    App,
    /// Answers DNS for the cluster (`CoreDNS`).
    Dns,
    /// Terminates user traffic and routes it by ingress rules.
    IngressController,
    /// Answers admission webhook calls.
    Webhook,
    /// Serves the resource metrics API (`metrics-server`) that `kubectl top` and the HPA read.
    MetricsServer,
    /// Grows node groups for unschedulable pods (`cluster-autoscaler`, `sim::cloud`).
    ClusterAutoscaler,
}

/// Something a running app does to the cluster: the rogue actors of failure modes 36 and 45.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum AppAction {
    /// Keeps a deployment at this replica count (`kubectl scale` in a loop).
    ScaleDeployment { namespace: String, name: String, replicas: u32 },
    /// Re-creates a webhook configuration (by name) if it is deleted, from the scenario's copy.
    RestoreWebhook { name: String },
}

impl AppProfile {
    /// The command the image runs when the container does not override it.
    pub fn entrypoint(&self) -> Option<&str> {
        self.executables.first().map(String::as_str)
    }
}

impl Registry {
    /// Splits `repo:tag` (tag defaults to `latest`) and finds the profile name it runs.
    pub fn resolve(&self, image: &str) -> ImageLookup<'_> {
        let (repo, tag) = split_image(image);
        match self.images.iter().find(|i| i.repository == repo) {
            None => ImageLookup::NoRepository,
            Some(img) => match img.tags.get(tag) {
                None => ImageLookup::NoTag,
                Some(profile) => ImageLookup::Found { profile, private: img.private },
            },
        }
    }
}

pub enum ImageLookup<'a> {
    NoRepository,
    NoTag,
    Found { profile: &'a str, private: bool },
}

pub fn split_image(image: &str) -> (&str, &str) {
    // A colon after the last slash separates the tag; one before it is a registry port.
    let last_slash = image.rfind('/').unwrap_or(0);
    match image[last_slash..].rfind(':') {
        Some(i) => (&image[..last_slash + i], &image[last_slash + i + 1..]),
        None => (image, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::split_image;

    #[test]
    fn image_references_split_at_the_tag_not_the_registry_port() {
        assert_eq!(split_image("web:1.2"), ("web", "1.2"));
        assert_eq!(split_image("reg:5000/shop/web:1.2"), ("reg:5000/shop/web", "1.2"));
        assert_eq!(split_image("reg:5000/shop/web"), ("reg:5000/shop/web", "latest"));
    }
}
