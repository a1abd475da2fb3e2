//! Which ingresses the ingress controller serves. ingress-nginx watches the ingresses of its
//! class: one whose `ingressClassName` names an `IngressClass` with its controller, or one that
//! names none while such a class is marked the cluster's default. Any other ingress it leaves
//! alone: no ADDRESS in its status, and its hosts get the controller's own 404.

use super::cluster::Cluster;
use super::objects::{DEFAULT_INGRESS_CLASS, Ingress, IngressClass, NGINX_CONTROLLER};

impl IngressClass {
    /// Marked as the default class by its annotation (as `kubectl annotate` leaves it).
    pub fn is_default_class(&self) -> bool {
        self.is_default || self.meta.annotations.get(DEFAULT_INGRESS_CLASS).is_some_and(|v| v == "true")
    }
}

/// Whether the ingress-nginx controller takes this ingress as its own.
pub fn served(cluster: &Cluster, ingress: &Ingress) -> bool {
    let classes = cluster.ingressclasses();
    if ingress.class.is_empty() {
        classes.values().any(|c| c.controller == NGINX_CONTROLLER && c.is_default_class())
    } else {
        classes.get(&ingress.class).is_some_and(|c| c.controller == NGINX_CONTROLLER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::change::{Change, Object};
    use crate::sim::objects::Meta;

    fn class(name: &str, controller: &str, is_default: bool) -> Object {
        Object::IngressClass(IngressClass { meta: Meta::new(name, ""), controller: controller.to_owned(), is_default })
    }

    fn ingress(class: &str) -> Ingress {
        Ingress { meta: Meta::new("shop", "shop"), class: class.to_owned(), rules: Vec::new(), tls: Vec::new() }
    }

    #[test]
    fn the_class_decides_and_a_default_serves_the_classless() {
        let mut c = Cluster::new(1);
        assert!(!served(&c, &ingress("nginx")), "no class at all: nothing is served");
        c.apply(Change::Create(class("nginx", NGINX_CONTROLLER, false)), "t").expect("creates");
        c.apply(Change::Create(class("traefik", "traefik.io/ingress-controller", true)), "t").expect("creates");
        assert!(served(&c, &ingress("nginx")));
        assert!(!served(&c, &ingress("traefik")), "another controller's class");
        assert!(!served(&c, &ingress("ngnix")), "a class that does not exist");
        assert!(!served(&c, &ingress("")), "the default class is another controller's");
        let mark = Change::Annotate {
            kind: crate::sim::kind::Kind::IngressClass,
            namespace: String::new(),
            name: "nginx".to_owned(),
            annotations: vec![(DEFAULT_INGRESS_CLASS.to_owned(), Some("true".to_owned()))],
            overwrite: false,
        };
        c.apply(mark, "t").expect("annotates");
        assert!(served(&c, &ingress("")));
    }
}
