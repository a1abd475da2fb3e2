//! `nslookup`, `curl` and `wget` inside the cluster, with `BusyBox`'s and curl's own wording for
//! every outcome `network` can produce. The formatting functions take the outcome as a value so
//! each wording is testable on its own.

use super::{Ctx, Exit};
use crate::sim::network::{self, DNS_IP, HttpOutcome, Lookup};

/// The parts of a URL the messages need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub host: String,
    pub port: u16,
    pub path: String,
}

fn parse(url: &str) -> Option<Url> {
    let (scheme, host, port, path) = network::parse_url(url)?;
    let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some(Url { host, port, path })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// Whether a host is the machine the command runs on.
fn is_local(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]" | "0.0.0.0")
}

/// One GET of `url` where the command runs. `localhost` is the container's own pod inside a
/// pod, and on the console (the player's machine) the `kubectl port-forward` on that port.
fn get(ctx: &Ctx<'_>, raw: &str, url: &Url) -> HttpOutcome {
    if !is_local(&url.host) {
        return network::http_get(ctx.cluster, ctx.source(), raw);
    }
    match ctx.pod {
        None => network::request_forwarded(ctx.cluster, url.port, &url.path),
        Some(pod) => {
            let source = network::Source::Local { namespace: &pod.meta.namespace, name: &pod.meta.name };
            network::request_pod(ctx.cluster, source, pod, url.port, &url.path)
        }
    }
}

/// The address a host name resolves to, for verbose output (`10.96.12.4`).
fn address(ctx: &Ctx<'_>, host: &str) -> String {
    if is_local(host) {
        return "127.0.0.1".to_owned();
    }
    match network::lookup(ctx.cluster, ctx.namespace, host) {
        Lookup::Address { ip, .. } => ip,
        _ => host.to_owned(),
    }
}

fn ok_or_fail(text: String, code: i32) -> Exit {
    if code == 0 { Exit::Ok(text) } else { Exit::Fail(text, code) }
}

/// `BusyBox` `nslookup NAME` output for a lookup result, and its exit code.
pub fn format_nslookup(name: &str, lookup: &Lookup) -> (String, i32) {
    let header = format!("Server:\t\t{DNS_IP}\nAddress:\t{DNS_IP}:53\n");
    match lookup {
        Lookup::Address { fqdn, ip } => (format!("{header}\nName:\t{fqdn}\nAddress: {ip}"), 0),
        Lookup::NoSuchHost => (format!("{header}\n** server can't find {name}: NXDOMAIN"), 1),
        Lookup::Timeout => (";; connection timed out; no servers could be reached".to_owned(), 1),
    }
}

pub fn nslookup(ctx: &Ctx<'_>, args: &[String]) -> Exit {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        return Exit::Fail("BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST".to_owned(), 1);
    };
    let (text, code) = format_nslookup(name, &network::lookup_as(ctx.cluster, ctx.source(), name));
    ok_or_fail(text, code)
}

/// The curl options the console understands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CurlOpts {
    pub silent: bool,
    pub show_error: bool,
    pub verbose: bool,
    pub head: bool,
    pub include: bool,
    pub fail: bool,
    pub max_time: Option<u32>,
    pub output: Option<String>,
    pub write_out: Option<String>,
    pub url: Option<String>,
}

fn parse_curl(args: &[String]) -> Result<CurlOpts, String> {
    let mut o = CurlOpts::default();
    let mut i = 0;
    let takes_value = |c: char| matches!(c, 'm' | 'o' | 'w' | 'X' | 'H' | 'd' | 'u' | 'A' | 'e');
    while i < args.len() {
        let a = &args[i];
        i += 1;
        let value = |i: &mut usize, inline: &str| -> Result<String, String> {
            if inline.is_empty() {
                let v = args.get(*i).cloned().ok_or_else(|| format!("curl: option {a}: requires parameter"))?;
                *i += 1;
                Ok(v)
            } else {
                Ok(inline.to_owned())
            }
        };
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = long.split_once('=').unwrap_or((long, ""));
            match name {
                "silent" => o.silent = true,
                "show-error" => o.show_error = true,
                "verbose" => o.verbose = true,
                "head" => o.head = true,
                "include" => o.include = true,
                "fail" => o.fail = true,
                "location" | "insecure" | "compressed" | "http1.1" | "no-progress-meter" => {}
                "max-time" | "connect-timeout" => {
                    o.max_time = Some(value(&mut i, inline)?.parse().map_err(|_| {
                        "curl: (2) option --max-time: expected a proper numerical parameter".to_owned()
                    })?);
                }
                "output" => o.output = Some(value(&mut i, inline)?),
                "write-out" => o.write_out = Some(value(&mut i, inline)?),
                "request" | "header" | "data" | "user-agent" | "user" => {
                    value(&mut i, inline)?;
                }
                _ => {
                    return Err(format!(
                        "curl: option {a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information"
                    ));
                }
            }
        } else if a.len() > 1 && a.starts_with('-') {
            let body = &a[1..];
            for (pos, c) in body.char_indices() {
                if takes_value(c) {
                    let v = value(&mut i, &body[pos + 1..])?;
                    match c {
                        'm' => {
                            o.max_time = Some(v.parse().map_err(|_| {
                                "curl: (2) option -m: expected a proper numerical parameter".to_owned()
                            })?);
                        }
                        'o' => o.output = Some(v),
                        'w' => o.write_out = Some(v),
                        _ => {}
                    }
                    break;
                }
                match c {
                    's' => o.silent = true,
                    'S' => o.show_error = true,
                    'v' => o.verbose = true,
                    'I' => o.head = true,
                    'i' => o.include = true,
                    'f' => o.fail = true,
                    'L' | 'k' | 'N' | '4' => {}
                    _ => {
                        return Err(format!(
                            "curl: option -{c}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information"
                        ));
                    }
                }
            }
        } else if o.url.is_none() {
            o.url = Some(a.clone());
        }
    }
    Ok(o)
}

/// curl's output for an outcome, and its exit code.
pub fn format_curl(o: &CurlOpts, url: &Url, ip: &str, outcome: &HttpOutcome) -> (String, i32) {
    let quiet_errors = o.silent && !o.show_error;
    let error = |code: i32, text: String| (if quiet_errors { String::new() } else { text }, code);
    let mut out: Vec<String> = Vec::new();
    if o.verbose {
        out.push(format!("*   Trying {ip}:{}...", url.port));
    }
    match outcome {
        HttpOutcome::DnsError { .. } => {
            let (text, code) = error(6, format!("curl: (6) Could not resolve host: {}", url.host));
            out.clear();
            if o.verbose {
                out.push(format!("* Could not resolve host: {}", url.host));
            }
            out.push(text);
            (join(&out), code)
        }
        HttpOutcome::Refused { .. } => {
            let (text, code) = error(
                7,
                format!(
                    "curl: (7) Failed to connect to {} port {} after 2 ms: Couldn't connect to server",
                    url.host, url.port
                ),
            );
            out.push(text);
            (join(&out), code)
        }
        HttpOutcome::Timeout { .. } => {
            let ms = u64::from(o.max_time.unwrap_or(5)) * 1000 + 1;
            let (text, code) = error(28, format!("curl: (28) Connection timed out after {ms} milliseconds"));
            out.push(text);
            (join(&out), code)
        }
        HttpOutcome::Response { status, body, .. } => {
            let status_line = format!("HTTP/1.1 {status} {}", reason(*status));
            let headers = [
                status_line.clone(),
                "content-type: text/plain; charset=utf-8".to_owned(),
                format!("content-length: {}", body.len() + 1),
            ];
            if o.verbose {
                out.push(format!("* Connected to {} ({ip}) port {}", url.host, url.port));
                let method = if o.head { "HEAD" } else { "GET" };
                out.push(format!("> {method} {} HTTP/1.1", url.path));
                out.push(format!(
                    "> Host: {}",
                    if url.port == 80 { url.host.clone() } else { format!("{}:{}", url.host, url.port) }
                ));
                out.push("> User-Agent: curl/8.5.0".to_owned());
                out.push("> Accept: */*".to_owned());
                out.push(">".to_owned());
                out.extend(headers.iter().map(|h| format!("< {h}")));
                out.push("<".to_owned());
            }
            if o.fail && *status >= 400 {
                let (text, code) = error(22, format!("curl: (22) The requested URL returned error: {status}"));
                out.push(text);
                return (join(&out), code);
            }
            if o.head || (o.include && !o.verbose) {
                out.extend(headers.iter().cloned());
                if o.include && !o.head {
                    out.push(String::new());
                }
            }
            if !o.head && o.output.is_none() {
                out.push(body.trim_end_matches('\n').to_owned());
            }
            if o.verbose {
                out.push(format!("* Connection #0 to host {} left intact", url.host));
            }
            let mut text = join(&out);
            if let Some(w) = &o.write_out {
                text.push_str(
                    &w.replace("%{http_code}", &status.to_string()).replace("%{remote_ip}", ip).replace("\\n", "\n"),
                );
            }
            (text, 0)
        }
    }
}

fn join(lines: &[String]) -> String {
    lines
        .iter()
        .filter(|l| !l.is_empty() || lines.len() > 1)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end_matches('\n')
        .to_owned()
}

pub fn curl(ctx: &Ctx<'_>, args: &[String]) -> Exit {
    let o = match parse_curl(args) {
        Ok(o) => o,
        Err(e) => return Exit::Fail(e, 2),
    };
    let Some(raw) = &o.url else {
        return Exit::Fail(
            "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information".to_owned(),
            2,
        );
    };
    let Some(url) = parse(raw) else {
        return Exit::Fail(
            if o.silent && !o.show_error { String::new() } else { "curl: (3) URL rejected: Bad hostname".to_owned() },
            3,
        );
    };
    let outcome = get(ctx, raw, &url);
    let (text, code) = format_curl(&o, &url, &address(ctx, &url.host), &outcome);
    ok_or_fail(text, code)
}

/// The wget options the console understands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WgetOpts {
    pub quiet: bool,
    /// `-O FILE`; `-` is standard output.
    pub output: Option<String>,
    pub spider: bool,
    pub url: Option<String>,
}

fn parse_wget(args: &[String]) -> Result<WgetOpts, String> {
    let mut o = WgetOpts::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = long.split_once('=').unwrap_or((long, ""));
            match name {
                "quiet" => o.quiet = true,
                "spider" => o.spider = true,
                "output-document" => {
                    o.output = Some(if inline.is_empty() {
                        let v = args.get(i).cloned().ok_or("wget: option requires an argument -- 'O'")?;
                        i += 1;
                        v
                    } else {
                        inline.to_owned()
                    });
                }
                "timeout" | "header" | "user-agent" | "tries" => {
                    if inline.is_empty() {
                        i += 1;
                    }
                }
                "server-response" | "no-check-certificate" => {}
                _ => return Err(format!("wget: unrecognized option '{a}'")),
            }
        } else if a.len() > 1 && a.starts_with('-') {
            let body = &a[1..];
            for (pos, c) in body.char_indices() {
                match c {
                    'q' => o.quiet = true,
                    'S' | 'c' => {}
                    'O' | 'T' | 'U' | 'Y' | 'P' | 'o' => {
                        let rest = &body[pos + 1..];
                        let v = if rest.is_empty() {
                            let v = args
                                .get(i)
                                .cloned()
                                .ok_or_else(|| format!("wget: option requires an argument -- '{c}'"))?;
                            i += 1;
                            v
                        } else {
                            rest.to_owned()
                        };
                        if c == 'O' {
                            o.output = Some(v);
                        }
                        break;
                    }
                    _ => return Err(format!("wget: invalid option -- '{c}'")),
                }
            }
        } else if o.url.is_none() {
            o.url = Some(a.clone());
        }
    }
    Ok(o)
}

/// `BusyBox` wget's output for an outcome, and its exit code.
pub fn format_wget(o: &WgetOpts, url: &Url, ip: &str, outcome: &HttpOutcome) -> (String, i32) {
    let mut out: Vec<String> = Vec::new();
    let connecting = format!("Connecting to {} ({ip}:{})", url.host, url.port);
    match outcome {
        HttpOutcome::DnsError { .. } => (format!("wget: bad address '{}'", url.host), 1),
        HttpOutcome::Refused { addr } => {
            if !o.quiet {
                out.push(connecting);
            }
            let host = addr.rsplit_once(':').map_or(addr.as_str(), |(h, _)| h);
            let host = if host.is_empty() { ip } else { host };
            out.push(format!("wget: can't connect to remote host ({host}): Connection refused"));
            (out.join("\n"), 1)
        }
        HttpOutcome::Timeout { .. } => {
            if !o.quiet {
                out.push(connecting);
            }
            out.push("wget: download timed out".to_owned());
            (out.join("\n"), 1)
        }
        HttpOutcome::Response { status, body, .. } => {
            if !o.quiet {
                out.push(connecting);
            }
            if *status >= 400 {
                out.push(format!("wget: server returned error: HTTP/1.1 {status} {}", reason(*status)));
                return (out.join("\n"), 1);
            }
            if o.spider {
                if !o.quiet {
                    out.push("remote file exists".to_owned());
                }
                return (out.join("\n"), 0);
            }
            let len = body.len() + 1;
            match o.output.as_deref() {
                Some("-") => {
                    if !o.quiet {
                        out.push("writing to stdout".to_owned());
                    }
                    out.push(body.trim_end_matches('\n').to_owned());
                    if !o.quiet {
                        out.push(format!(
                            "-                    100% |********************************| {len:>5}  0:00:00 ETA"
                        ));
                        out.push("written to stdout".to_owned());
                    }
                }
                other => {
                    let file = other.map_or_else(
                        || url.path.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("index.html").to_owned(),
                        str::to_owned,
                    );
                    if !o.quiet {
                        out.push(format!("saving to '{file}'"));
                        out.push(format!("{file:<20} 100% |********************************| {len:>5}  0:00:00 ETA"));
                        out.push(format!("'{file}' saved"));
                    }
                }
            }
            (out.join("\n"), 0)
        }
    }
}

pub fn wget(ctx: &Ctx<'_>, args: &[String]) -> Exit {
    let o = match parse_wget(args) {
        Ok(o) => o,
        Err(e) => return Exit::Fail(e, 1),
    };
    let Some(raw) = &o.url else {
        return Exit::Fail(
            "BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP".to_owned(),
            1,
        );
    };
    let Some(url) = parse(raw) else {
        return Exit::Fail(format!("wget: bad address '{raw}'"), 1);
    };
    let outcome = get(ctx, raw, &url);
    let (text, code) = format_wget(&o, &url, &address(ctx, &url.host), &outcome);
    ok_or_fail(text, code)
}

#[cfg(test)]
mod tests;
