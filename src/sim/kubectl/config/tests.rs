//! The kubeconfig and `kubectl config`, against what kubectl prints for a kubeadm cluster's
//! admin kubeconfig.

use crate::sim::kubectl::mutate::fixture;
use crate::sim::kubectl::run;

fn out(line: &str) -> (bool, String) {
    let mut c = fixture::cluster();
    let o = run(&mut c, line);
    (o.ok, o.output)
}

#[test]
fn config_view_redacts_certificate_data_as_kubectl_does() {
    let (ok, text) = out("kubectl config view");
    assert!(ok, "{text}");
    assert_eq!(
        text,
        "apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: https://192.168.49.10:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: DATA+OMITTED
    client-key-data: DATA+OMITTED"
    );
    assert_eq!(out("config view --minify").1, text);
    let (_, raw) = out("config view --raw");
    assert!(!raw.contains("DATA+OMITTED") && raw.contains("certificate-authority-data: LS0tLS1CRUdJTi"), "{raw}");
}

#[test]
fn config_view_prints_jsonpath_and_json() {
    assert_eq!(
        out("config view -o jsonpath='{.clusters[0].cluster.server}'"),
        (true, "https://192.168.49.10:6443".to_owned())
    );
    assert_eq!(
        out("config view --minify -o jsonpath={.contexts[0].context.user}"),
        (true, "kubernetes-admin".to_owned())
    );
    let (ok, json) = out("config view -o json");
    assert!(ok && json.contains("\"current-context\": \"kubernetes-admin@kubernetes\""), "{json}");
}

#[test]
fn contexts_clusters_and_users_list_the_one_of_each() {
    assert_eq!(
        out("config get-contexts"),
        (
            true,
            "CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin"
                .to_owned()
        )
    );
    assert_eq!(out("config get-contexts -o name"), (true, "kubernetes-admin@kubernetes".to_owned()));
    assert_eq!(out("config current-context"), (true, "kubernetes-admin@kubernetes".to_owned()));
    assert_eq!(out("config get-clusters"), (true, "NAME\nkubernetes".to_owned()));
    assert_eq!(out("config get-users"), (true, "NAME\nkubernetes-admin".to_owned()));
    assert_eq!(
        out("config use-context kubernetes-admin@kubernetes"),
        (true, "Switched to context \"kubernetes-admin@kubernetes\".".to_owned())
    );
    assert_eq!(out("config use-context prod"), (false, "error: no context exists with the name: \"prod\"".to_owned()));
    assert!(out("config set-context --current --namespace=shop").1.starts_with("error: config set-context would edit"));
}

#[test]
fn options_naming_other_kubeconfig_entries_get_kubectls_configuration_errors() {
    assert!(out("kubectl --context kubernetes-admin@kubernetes get pods -n shop").0);
    assert_eq!(
        out("kubectl --context prod get pods"),
        (false, "Error in configuration: context was not found for specified context: prod".to_owned())
    );
    assert_eq!(
        out("get pods --cluster=prod"),
        (false, "Error in configuration: cluster \"prod\" does not exist".to_owned())
    );
    assert_eq!(
        out("get pods --user bob"),
        (false, "Error in configuration: auth info \"bob\" does not exist".to_owned())
    );
    assert_eq!(
        out("get pods --kubeconfig /tmp/other"),
        (false, "error: stat /tmp/other: no such file or directory".to_owned())
    );
    assert!(out("get pods -n shop --kubeconfig ~/.kube/config").0);
    assert_eq!(
        out("get pods -s https://prod.example.com:6443"),
        (false, "Unable to connect to the server: dial tcp: lookup prod.example.com: no such host".to_owned())
    );
    assert!(out("get pods --server=https://192.168.49.10:6443").0);
    assert_eq!(
        out("get pods --token=abc"),
        (false, "error: You must be logged in to the server (Unauthorized)".to_owned())
    );
    // `create rolebinding --user` names the subject, not the kubeconfig's user.
    assert!(!out("create rolebinding x --clusterrole=view --user=bob -n shop").1.contains("auth info"));
}
