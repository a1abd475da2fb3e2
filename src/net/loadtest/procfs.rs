//! What the load test reads about processes from Linux's `/proc`: CPU time (`stat`'s utime and
//! stime), peak resident memory (`status`'s `VmHWM`) and the load average; and the open-file
//! limit it raises so thousands of connections fit. Elsewhere every reading is `None` and the
//! report says "n/a".

use std::path::Path;

/// Clock ticks per second in `/proc/<pid>/stat` (`USER_HZ`): 100 on every Linux architecture
/// the kernel's ABI promises it for.
pub const USER_HZ: f64 = 100.0;

/// utime + stime, in ticks, from the text of `/proc/<pid>/stat`. The command name (field 2) may
/// hold spaces and parentheses, so fields are counted from the last `)`.
pub fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let (_, after) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the name: state is field 3, utime field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// `VmHWM` (peak resident set), in bytes, from the text of `/proc/<pid>/status`.
pub fn parse_peak_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let mut words = line["VmHWM:".len()..].split_whitespace();
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => Some(value * 1024),
        Some(_) => None,
    }
}

/// The 1-minute load average from the text of `/proc/loadavg`.
pub fn parse_load(loadavg: &str) -> Option<f64> {
    loadavg.split_whitespace().next()?.parse().ok()
}

fn read(path: impl AsRef<Path>) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// CPU seconds (user + system) a process used so far; `None` for this process is `self`.
pub fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    parse_stat_ticks(&read(path)?).map(|ticks| ticks as f64 / USER_HZ)
}

/// The peak resident memory of a process, in bytes.
pub fn peak_rss(pid: u32) -> Option<u64> {
    parse_peak_rss(&read(format!("/proc/{pid}/status"))?)
}

pub fn load_average() -> Option<f64> {
    parse_load(&read("/proc/loadavg")?)
}

/// The open-file limit after trying to raise it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FdLimit {
    /// The soft limit now in force (none where it cannot be read).
    pub soft: Option<u64>,
    /// Whether it reaches what was wanted.
    pub enough: bool,
}

/// Raises the soft open-file limit towards the hard one, so that `wanted` descriptors fit; the
/// server child inherits it.
pub fn raise_fd_limit(wanted: u64) -> FdLimit {
    #[cfg(unix)]
    {
        let soft = rlimit::increase_nofile_limit(wanted.max(1024)).ok();
        FdLimit { soft, enough: soft.is_some_and(|s| s >= wanted) }
    }
    #[cfg(not(unix))]
    {
        let _ = wanted;
        FdLimit { soft: None, enough: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_counted_after_the_command_name() {
        let stat = "4242 (kombat (host) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 37 0 0 20 0 3 0 \
                    98765 123456789 4321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assert_eq!(parse_stat_ticks(stat), Some(287));
        assert_eq!(parse_stat_ticks("4242 (short) S 1 2"), None);
        assert_eq!(parse_stat_ticks("no name here"), None);
    }

    #[test]
    fn peak_rss_is_vm_hwm_in_bytes() {
        let status = "Name:\tkombat\nVmPeak:\t  900000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n";
        assert_eq!(parse_peak_rss(status), Some(20 * 1024 * 1024));
        assert_eq!(parse_peak_rss("Name:\tkombat\n"), None);
        assert_eq!(parse_peak_rss("VmHWM:\t12 MB\n"), None, "an unknown unit is not guessed");
    }

    #[test]
    fn load_is_the_first_figure() {
        assert_eq!(parse_load("0.36 0.75 1.38 2/345 6789\n"), Some(0.36));
        assert_eq!(parse_load(""), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_can_be_measured() {
        assert!(cpu_seconds(None).is_some());
        assert!(peak_rss(std::process::id()).is_some_and(|b| b > 0));
        assert!(load_average().is_some());
    }
}
