//! Wording tests for nslookup, curl and wget outcomes.
use super::*;

fn url() -> Url {
    Url { host: "web".to_owned(), port: 80, path: "/".to_owned() }
}

#[test]
fn nslookup_wording_per_outcome() {
    let found = Lookup::Address { fqdn: "web.shop.svc.cluster.local".to_owned(), ip: "10.96.12.4".to_owned() };
    assert_eq!(
        format_nslookup("web", &found),
        (
            "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.shop.svc.cluster.local\nAddress: 10.96.12.4"
                .to_owned(),
            0
        )
    );
    assert_eq!(
        format_nslookup("nope", &Lookup::NoSuchHost),
        ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nope: NXDOMAIN".to_owned(), 1)
    );
    assert_eq!(
        format_nslookup("web", &Lookup::Timeout),
        (";; connection timed out; no servers could be reached".to_owned(), 1)
    );
}

#[test]
fn curl_wording_per_outcome() {
    let o = parse_curl(&["-m".to_owned(), "5".to_owned(), "http://web".to_owned()]).unwrap_or_default();
    let refused = HttpOutcome::Refused { addr: "10.96.12.4:80".to_owned() };
    let timeout = HttpOutcome::Timeout { addr: "10.96.12.4:80".to_owned() };
    let dns = HttpOutcome::DnsError { host: "web".to_owned(), message: "no such host".to_owned() };
    let ok = HttpOutcome::Response { status: 200, body: "hello from web\n".to_owned(), pod: None };
    assert_eq!(
        format_curl(&o, &url(), "10.96.12.4", &refused),
        ("curl: (7) Failed to connect to web port 80 after 2 ms: Couldn't connect to server".to_owned(), 7)
    );
    assert_eq!(
        format_curl(&o, &url(), "10.96.12.4", &timeout),
        ("curl: (28) Connection timed out after 5001 milliseconds".to_owned(), 28)
    );
    assert_eq!(format_curl(&o, &url(), "web", &dns), ("curl: (6) Could not resolve host: web".to_owned(), 6));
    assert_eq!(format_curl(&o, &url(), "10.96.12.4", &ok), ("hello from web".to_owned(), 0));
    let code_only =
        parse_curl(&["-s".into(), "-o".into(), "/dev/null".into(), "-w".into(), "%{http_code}".into(), "web".into()])
            .unwrap_or_default();
    let missing = HttpOutcome::Response { status: 404, body: "404 page not found".to_owned(), pod: None };
    assert_eq!(format_curl(&code_only, &url(), "10.96.12.4", &missing), ("404".to_owned(), 0));
    assert_eq!(format_curl(&code_only, &url(), "10.96.12.4", &refused), (String::new(), 7));
    let head = parse_curl(&["-sI".into(), "web".into()]).unwrap_or_default();
    assert_eq!(
        format_curl(&head, &url(), "10.96.12.4", &ok),
        ("HTTP/1.1 200 OK\ncontent-type: text/plain; charset=utf-8\ncontent-length: 16".to_owned(), 0)
    );
}

#[test]
fn wget_wording_per_outcome() {
    let o = parse_wget(&["-qO-".to_owned(), "http://web".to_owned()]).unwrap_or_default();
    assert_eq!(o.output.as_deref(), Some("-"));
    let refused = HttpOutcome::Refused { addr: "10.96.3.4:80".to_owned() };
    let ok = HttpOutcome::Response { status: 200, body: "hello".to_owned(), pod: None };
    assert_eq!(
        format_wget(&o, &url(), "10.96.3.4", &refused),
        ("wget: can't connect to remote host (10.96.3.4): Connection refused".to_owned(), 1)
    );
    assert_eq!(
        format_wget(&o, &url(), "10.96.3.4", &HttpOutcome::Timeout { addr: String::new() }),
        ("wget: download timed out".to_owned(), 1)
    );
    let dns = HttpOutcome::DnsError { host: "web".to_owned(), message: String::new() };
    assert_eq!(format_wget(&o, &url(), "web", &dns), ("wget: bad address 'web'".to_owned(), 1));
    assert_eq!(format_wget(&o, &url(), "10.96.3.4", &ok), ("hello".to_owned(), 0));
    let loud = parse_wget(&["-O-".to_owned(), "web".to_owned()]).unwrap_or_default();
    assert_eq!(
        format_wget(&loud, &url(), "10.96.3.4", &ok).0,
        "Connecting to web (10.96.3.4:80)\nwriting to stdout\nhello\n-                    100% |********************************|     6  0:00:00 ETA\nwritten to stdout"
    );
    let bad = HttpOutcome::Response { status: 503, body: String::new(), pod: None };
    assert_eq!(
        format_wget(&o, &url(), "10.96.3.4", &bad),
        ("wget: server returned error: HTTP/1.1 503 Service Unavailable".to_owned(), 1)
    );
}
