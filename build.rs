//! Build facts the binary reports: `otel-doctor --version` names the commit it was built from
//! (`build/commit.rs` says how it is found, and when it is not).

#[path = "build/commit.rs"]
mod commit;

fn main() {
    let source =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let commit = commit::describe(&source);
    // Without a file to watch, only a change of the build script reruns it (a file that does
    // not exist would rerun it, and rebuild the crate, on every build).
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/commit.rs");
    for path in &commit.watch {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!(
        "cargo:rustc-env=OTEL_DOCTOR_LONG_VERSION={}",
        commit.long_version(&version)
    );
}
