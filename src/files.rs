//! Reading the files crier is given, each within a size it documents, so that a wrong path
//! (`/dev/zero`, a build artefact) is an error naming the file rather than all the memory.
//! A leaf: it imports nothing of ours.

use std::io::Read;
use std::path::Path;

/// The largest event file: GitHub caps webhook payloads at 25 MB.
pub const EVENT_LIMIT: u64 = 32 * MB;
/// The largest routes file, payload template, state file or `SSL_CERT_FILE`.
pub const SMALL_LIMIT: u64 = MB;

const MB: u64 = 1024 * 1024;

/// The bytes of `path`, or why not: `no such file`, `larger than 1 MiB`.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| reason(&e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| reason(&e))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "larger than {} MiB, the most crier reads",
            limit / MB
        ));
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    String::from_utf8(read(path, limit)?).map_err(|_| "not UTF-8 text".to_owned())
}

/// An I/O error's reason without the OS error number noise.
pub fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "a directory, not a file".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_past_their_limit_are_refused() {
        let err = read(Path::new("/dev/zero"), 1024).unwrap_err();
        assert!(err.contains("larger than"), "{err}");
        assert_eq!(
            read(Path::new("/nonexistent/x"), 10).unwrap_err(),
            "no such file"
        );
    }
}
