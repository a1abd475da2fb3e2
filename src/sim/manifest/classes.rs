//! Ingress classes and priority classes as manifests, and what a patch may change in them (their
//! metadata, and a priority class's description and default flag; `value`, `preemptionPolicy`
//! and an ingress class's controller are immutable, as the API server holds them).

use serde_json::{Value, json};

use super::meta;
use super::read::{self, Bad, R};
use crate::sim::cluster::Cluster;
use crate::sim::kind::Kind;

pub fn emit(cluster: &Cluster, kind: Kind, name: &str) -> Option<Value> {
    match kind {
        Kind::IngressClass => {
            let c = cluster.ingressclasses().get(name)?;
            let mut m = meta(cluster, kind, &c.meta);
            m["generation"] = 1.into();
            Some(json!({"metadata": m, "spec": {"controller": c.controller}}))
        }
        Kind::PriorityClass => {
            let c = cluster.priorityclasses().get(name)?;
            let mut m = meta(cluster, kind, &c.meta);
            m["generation"] = 1.into();
            Some(json!({
                "metadata": m,
                "value": c.value,
                "globalDefault": if c.global_default { Value::Bool(true) } else { Value::Null },
                "description": if c.description.is_empty() { Value::Null } else { c.description.clone().into() },
                "preemptionPolicy": c.preemption_policy.as_str(),
            }))
        }
        _ => None,
    }
}

pub fn write(cluster: &mut Cluster, kind: Kind, name: &str, m: &Value) -> R<()> {
    match kind {
        Kind::IngressClass => {
            let Some(old) = cluster.ingressclasses().get(name) else { return Ok(()) };
            let spec = read::obj(m, "spec", "")?;
            let controller = read::opt_str(spec, "controller", "spec")?.unwrap_or_default();
            if controller != old.controller {
                return Err(Bad::invalid("spec.controller", &json!(controller), "field is immutable"));
            }
            let mut c = old.clone();
            c.meta = read::meta(m, &old.meta, &[])?;
            cluster.ingressclasses_mut().insert(name.to_owned(), c);
        }
        Kind::PriorityClass => {
            let Some(old) = cluster.priorityclasses().get(name) else { return Ok(()) };
            let value = read::field(m, "value").and_then(Value::as_i64);
            if value != Some(i64::from(old.value)) {
                return Err(Bad::forbidden("value", "may not be changed in an update."));
            }
            let mut c = old.clone();
            c.meta = read::meta(m, &old.meta, &[])?;
            c.description = read::opt_str(m, "description", "")?.unwrap_or_default();
            c.global_default = read::opt_bool(m, "globalDefault", "")?.unwrap_or(false);
            cluster.priorityclasses_mut().insert(name.to_owned(), c);
        }
        _ => {}
    }
    Ok(())
}
