//! Paths inside an image: where a relative path lands from a working directory, and whether one
//! path is inside another. Shared by the stage model, the installers and the commands.

/// `path` inside the image, relative to `workdir` unless absolute; `.` and `..` folded.
pub fn join_image_path(workdir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", workdir.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether `path` is `dir` or inside it (image paths).
pub fn is_within(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty() || path == dir || path.starts_with(&format!("{dir}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_paths_fold() {
        assert_eq!(join_image_path("/", "backend"), "/backend");
        assert_eq!(
            join_image_path("/app", "./requirements.txt"),
            "/app/requirements.txt"
        );
        assert_eq!(join_image_path("/app", "/tmp/r.txt"), "/tmp/r.txt");
        assert_eq!(join_image_path("/app/x", "../r.txt"), "/app/r.txt");
        assert!(is_within("/app/.venv", "/app"));
        assert!(!is_within("/application", "/app"));
    }
}
