//! `describe` for namespaces, config maps, secrets, storage, service accounts, quotas and limit
//! ranges.

use super::{W, cpu, mem, pod::effective_requests};
use crate::sim::cluster::{Cluster, key};
use crate::sim::objects::{LimitRange, PodPhase, ResourceQuota, VolumeSource};
use crate::sim::quantity::{Mebibytes, Millicores};

pub fn configmap(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(cm) = cluster.configmaps().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", cm.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &cm.meta.labels);
    w.annotations("Annotations", &cm.meta.annotations);
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    for (k, v) in &cm.data {
        w.line(0, &format!("{k}:"));
        w.line(0, "----");
        w.line(0, v);
        w.line(0, "");
    }
    w.line(0, "");
    w.line(0, "BinaryData");
    w.line(0, "====");
    w.line(0, "");
}

pub fn secret(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(s) = cluster.secrets().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", s.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &s.meta.labels);
    w.annotations("Annotations", &s.meta.annotations);
    w.line(0, "");
    w.line(0, &format!("Type:\t{}", s.kind));
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    for (k, v) in &s.data {
        w.line(0, &format!("{k}:\t{} bytes", v.len()));
    }
}

fn access_mode(mode: &str) -> &str {
    match mode {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        other => other,
    }
}

pub fn pvc(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(c) = cluster.pvcs().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", c.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, &format!("StorageClass:\t{}", c.storage_class.clone().unwrap_or_default()));
    w.line(0, &format!("Status:\t{}", c.phase.as_str()));
    w.line(0, &format!("Volume:\t{}", c.volume.clone().unwrap_or_default()));
    w.labels("Labels", &c.meta.labels);
    w.annotations("Annotations", &c.meta.annotations);
    w.line(0, "Finalizers:\t[kubernetes.io/pvc-protection]");
    let bound = c.volume.is_some();
    w.line(0, &format!("Capacity:\t{}", if bound { mem(c.size) } else { String::new() }));
    w.line(0, &format!("Access Modes:\t{}", if bound { access_mode(&c.access_mode) } else { "" }));
    w.line(0, "VolumeMode:\tFilesystem");
    let users: Vec<String> = cluster
        .pods()
        .values()
        .filter(|p| {
            p.meta.namespace == ns
                && p.spec.volumes.iter().any(|v| matches!(&v.source, VolumeSource::Pvc(n) if n == name))
        })
        .map(|p| p.meta.name.clone())
        .collect();
    w.multiline("Used By", users);
}

pub fn pv(cluster: &Cluster, name: &str, w: &mut W) {
    let Some(v) = cluster.pvs().get(name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    w.labels("Labels", &v.meta.labels);
    w.annotations("Annotations", &v.meta.annotations);
    w.line(0, "Finalizers:\t[kubernetes.io/pv-protection]");
    w.line(0, &format!("StorageClass:\t{}", v.storage_class.clone().unwrap_or_default()));
    let status = match (&v.claim, v.released) {
        (_, true) => "Released",
        (Some(_), false) => "Bound",
        (None, false) => "Available",
    };
    w.line(0, &format!("Status:\t{status}"));
    w.line(0, &format!("Claim:\t{}", v.claim.clone().unwrap_or_default()));
    w.line(0, &format!("Reclaim Policy:\t{}", v.reclaim_policy));
    w.line(0, &format!("Access Modes:\t{}", access_mode(&v.access_mode)));
    w.line(0, "VolumeMode:\tFilesystem");
    w.line(0, &format!("Capacity:\t{}", mem(v.size)));
    if v.node_affinity.is_empty() {
        w.line(0, "Node Affinity:\t<none>");
    } else {
        // kubectl prints one requirement a line, `key in [a, b]`, under `Term 0:`.
        w.line(0, "Node Affinity:\t");
        w.line(1, "Required Terms:\t");
        for (i, (label, values)) in v.node_affinity.iter().enumerate() {
            let title = if i == 0 { "Term 0:" } else { "" };
            w.line(2, &format!("{title}\t{label} in [{}]", values.join(", ")));
        }
    }
    w.line(0, "Message:\t");
    w.line(0, "Source:");
    if let Some(path) = &v.local_path {
        w.line(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)");
        w.line(2, &format!("Path:\t{path}"));
    } else {
        w.line(2, "Type:\tHostPath (bare host directory volume)");
        w.line(2, &format!("Path:\t/opt/local-path-provisioner/{name}"));
        w.line(2, "HostPathType:\tDirectoryOrCreate");
    }
}

pub fn storageclass(cluster: &Cluster, name: &str, w: &mut W) {
    let Some(sc) = cluster.storageclasses().get(name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    w.line(0, &format!("IsDefaultClass:\t{}", if sc.is_default { "Yes" } else { "No" }));
    let mut annotations = sc.meta.annotations.clone();
    if sc.is_default {
        annotations.insert("storageclass.kubernetes.io/is-default-class".to_owned(), "true".to_owned());
    }
    let text = annotations.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
    w.line(0, &format!("Annotations:\t{text}"));
    w.line(0, &format!("Provisioner:\t{}", sc.provisioner));
    w.line(0, "Parameters:\t<none>");
    w.line(0, "AllowVolumeExpansion:\t<unset>");
    w.line(0, "MountOptions:\t<none>");
    w.line(0, &format!("ReclaimPolicy:\t{}", sc.reclaim_policy));
    w.line(0, &format!("VolumeBindingMode:\t{}", sc.volume_binding_mode.as_str()));
}

pub fn serviceaccount(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(sa) = cluster.serviceaccounts().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", sa.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.labels("Labels", &sa.meta.labels);
    w.annotations("Annotations", &sa.meta.annotations);
    w.multiline("Image pull secrets", sa.image_pull_secrets.iter().cloned());
    w.line(0, "Mountable secrets:\t<none>");
    w.line(0, "Tokens:\t<none>");
}

/// (resource, used, hard) rows of a quota, in kubectl's sorted order.
pub fn quota_rows(cluster: &Cluster, q: &ResourceQuota) -> Vec<(&'static str, String, String)> {
    let ns = &q.meta.namespace;
    let pods: Vec<_> = cluster
        .pods()
        .values()
        .filter(|p| &p.meta.namespace == ns && !matches!(p.status.phase, PodPhase::Succeeded | PodPhase::Failed))
        .collect();
    let (mut rc, mut rm, mut lc, mut lm) = (0, 0, 0, 0);
    for p in &pods {
        for c in &p.spec.containers {
            let r = effective_requests(c);
            rc += r.cpu.unwrap_or_default().0;
            rm += r.memory.unwrap_or_default().0;
            lc += c.resources.limits.cpu.unwrap_or_default().0;
            lm += c.resources.limits.memory.unwrap_or_default().0;
        }
    }
    let mut rows = Vec::new();
    if let Some(h) = q.limits_cpu {
        rows.push(("limits.cpu", cpu(Millicores(lc)), cpu(h)));
    }
    if let Some(h) = q.limits_memory {
        rows.push(("limits.memory", mem(Mebibytes(lm)), mem(h)));
    }
    if let Some(h) = q.pods {
        rows.push(("pods", pods.len().to_string(), h.to_string()));
    }
    if let Some(h) = q.requests_cpu {
        rows.push(("requests.cpu", cpu(Millicores(rc)), cpu(h)));
    }
    if let Some(h) = q.requests_memory {
        rows.push(("requests.memory", mem(Mebibytes(rm)), mem(h)));
    }
    rows
}

pub fn quota(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(q) = cluster.quotas().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", q.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, "Resource\tUsed\tHard");
    w.line(0, "--------\t----\t----");
    for (r, used, hard) in quota_rows(cluster, q) {
        w.line(0, &format!("{r}\t{used}\t{hard}"));
    }
}

fn limit_rows(lr: &LimitRange) -> Vec<String> {
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
    let mut rows = Vec::new();
    if lr.default_cpu.is_some() || lr.default_request_cpu.is_some() {
        rows.push(format!(
            "Container\tcpu\t-\t-\t{}\t{}\t-",
            dash(lr.default_request_cpu.map(cpu)),
            dash(lr.default_cpu.map(cpu))
        ));
    }
    if lr.default_memory.is_some() || lr.default_request_memory.is_some() || lr.max_memory.is_some() {
        rows.push(format!(
            "Container\tmemory\t-\t{}\t{}\t{}\t-",
            dash(lr.max_memory.map(mem)),
            dash(lr.default_request_memory.map(mem)),
            dash(lr.default_memory.map(mem))
        ));
    }
    rows
}

pub fn limitrange(cluster: &Cluster, ns: &str, name: &str, w: &mut W) {
    let Some(lr) = cluster.limitranges().get(&key(ns, name)) else {
        return;
    };
    w.line(0, &format!("Name:\t{}", lr.meta.name));
    w.line(0, &format!("Namespace:\t{ns}"));
    w.line(0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio");
    w.line(0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------");
    for row in limit_rows(lr) {
        w.line(0, &row);
    }
}

pub fn namespace(cluster: &Cluster, name: &str, w: &mut W) {
    let Some(n) = cluster.namespaces().get(name) else {
        return;
    };
    w.line(0, &format!("Name:\t{name}"));
    let mut labels = n.meta.labels.clone();
    labels.entry("kubernetes.io/metadata.name".to_owned()).or_insert_with(|| name.to_owned());
    w.labels("Labels", &labels);
    w.annotations("Annotations", &n.meta.annotations);
    w.line(0, &format!("Status:\t{}", if n.meta.deleted.is_some() { "Terminating" } else { "Active" }));
    w.line(0, "");
    let quotas: Vec<_> = cluster.quotas().values().filter(|q| q.meta.namespace == name).collect();
    if quotas.is_empty() {
        w.line(0, "No resource quota.");
    } else {
        w.line(0, "Resource Quotas");
        for q in quotas {
            w.line(1, &format!("Name:\t{}", q.meta.name));
            w.line(1, "Resource\tUsed\tHard");
            w.line(1, "--------\t---\t---");
            for (r, used, hard) in quota_rows(cluster, q) {
                w.line(1, &format!("{r}\t{used}\t{hard}"));
            }
        }
    }
    w.line(0, "");
    let ranges: Vec<_> = cluster.limitranges().values().filter(|l| l.meta.namespace == name).collect();
    if ranges.is_empty() {
        w.line(0, "No LimitRange resource.");
    } else {
        w.line(0, "Resource Limits");
        w.line(0, " Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio");
        w.line(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------");
        for lr in ranges {
            for row in limit_rows(lr) {
                w.line(0, &format!(" {row}"));
            }
        }
    }
}
