//! The SSH front door's host key: one ed25519 key made on the first start and kept in the data
//! directory (mode 0600), read back on every later start so the players' `known_hosts` entries
//! stay valid. A file that cannot be read, does not parse, or that others may read is an error
//! the host sees at start, never a silently replaced key.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use russh::keys::PrivateKey;
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;

/// The file name under the data directory.
pub const FILE: &str = "ssh_host_ed25519_key";

/// Why the host key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("cannot read the SSH host key {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the SSH host key {path} is not an OpenSSH private key ({why}); move it away to make a new one")]
    Corrupt { path: PathBuf, why: String },
    #[error(
        "the SSH host key {path} may be read by others (mode {mode:o}); run `chmod 600 {path}` (or move it away to make a new one)"
    )]
    Loose { path: PathBuf, mode: u32 },
    #[error("cannot write the SSH host key {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot make an SSH host key: {0}")]
    Random(String),
}

/// The key at `dir/ssh_host_ed25519_key`, made (and saved) if there is none yet. Returns the key
/// and whether it was made now.
pub fn load_or_create(dir: &Path) -> Result<(PrivateKey, bool), HostKeyError> {
    let path = dir.join(FILE);
    match fs::symlink_metadata(&path) {
        Ok(_) => load(&path).map(|key| (key, false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path).map(|key| (key, true)),
        Err(source) => Err(HostKeyError::Read { path, source }),
    }
}

/// Reads a kept key, refusing one whose file others may read.
pub fn load(path: &Path) -> Result<PrivateKey, HostKeyError> {
    let meta = fs::metadata(path).map_err(|source| HostKeyError::Read { path: path.to_owned(), source })?;
    check_mode(path, &meta)?;
    let text = fs::read_to_string(path).map_err(|source| HostKeyError::Read { path: path.to_owned(), source })?;
    PrivateKey::from_openssh(text.as_bytes())
        .map_err(|e| HostKeyError::Corrupt { path: path.to_owned(), why: e.to_string() })
}

#[cfg(unix)]
fn check_mode(path: &Path, meta: &fs::Metadata) -> Result<(), HostKeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode.trailing_zeros() >= 6 { Ok(()) } else { Err(HostKeyError::Loose { path: path.to_owned(), mode }) }
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _meta: &fs::Metadata) -> Result<(), HostKeyError> {
    Ok(())
}

/// A fresh ed25519 key written with mode 0600 (created so; never widened then narrowed).
fn create(path: &Path) -> Result<PrivateKey, HostKeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| HostKeyError::Random(e.to_string()))?;
    let key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    let text = key.to_openssh(LineEnding::LF).map_err(|e| HostKeyError::Random(e.to_string()))?;
    let write_err = |source| HostKeyError::Write { path: path.to_owned(), source };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(write_err)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(write_err)?;
    file.write_all(text.as_bytes()).map_err(write_err)?;
    file.sync_all().map_err(write_err)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kombat-hostkey-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a temp dir");
        dir
    }

    #[test]
    fn a_key_is_made_once_and_read_back_the_same() {
        let dir = temp_dir("reuse");
        let (first, made) = load_or_create(&dir).expect("made");
        assert!(made);
        let (second, made) = load_or_create(&dir).expect("read back");
        assert!(!made);
        assert_eq!(first.public_key(), second.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(FILE)).expect("kept").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_loose_or_corrupt_key_is_refused_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("refuse");
        load_or_create(&dir).expect("made");
        let path = dir.join(FILE);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        let err = load_or_create(&dir).expect_err("loose");
        assert!(matches!(err, HostKeyError::Loose { mode: 0o644, .. }), "{err}");
        assert!(err.to_string().contains("chmod 600"), "{err}");
        fs::write(&path, "not a key").expect("overwrite");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod");
        let err = load_or_create(&dir).expect_err("corrupt");
        assert!(matches!(err, HostKeyError::Corrupt { .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).expect("kept"), "not a key", "never replaced");
        let _ = fs::remove_dir_all(&dir);
    }
}
