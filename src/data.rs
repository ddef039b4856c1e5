//! Where Vanity's data lives at run time: the bundled models, looks, catalog and samples, the ONNX
//! Runtime library, and the user's own looks and catalogs.
//!
//! An installed Vanity never looks in the folder it was built in. The data folder (one holding
//! `models/` and `assets/`) is, in order:
//! 1. `VANITY_DATA_DIR`, when set;
//! 2. the executable's own folder (the portable Linux folder and the Windows zip);
//! 3. `<prefix>/share/vanity` for an executable in `<prefix>/bin` (the Debian package: `/usr`);
//! 4. a folder up to three levels above the executable (`cargo run` and tests in a checkout run
//!    `target/<profile>/vanity` or `target/<profile>/deps/…`): found from where the executable is
//!    now, so a copied or moved build still finds its own data, not the checkout's.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Marks a data folder: a file only a complete one has.
const MARKER: &str = "models/face_detector.onnx";

/// How many folders above the executable a checkout's data is looked for.
const CHECKOUT_DEPTH: usize = 3;

/// The data folder, found once per process (see the module documentation for the order).
pub fn data_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let candidates = data_dir_candidates();
        candidates.iter().find(|d| d.join(MARKER).is_file()).or(candidates.first()).cloned().unwrap_or_default()
    })
}

/// Every place a data folder may be, in the order they are tried.
fn data_dir_candidates() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os("VANITY_DATA_DIR") {
        return vec![PathBuf::from(dir)];
    }
    let Some(exe_dir) = exe_dir() else { return Vec::new() };
    let mut out = vec![exe_dir.clone()];
    if let Some(prefix) = exe_dir.parent() {
        out.push(prefix.join("share").join("vanity"));
    }
    out.extend(exe_dir.ancestors().skip(1).take(CHECKOUT_DEPTH).map(Path::to_path_buf));
    out
}

/// The folder of the running executable, symbolic links resolved (`/usr/bin/vanity` may be one).
pub fn exe_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let exe = exe.canonicalize().unwrap_or(exe);
    exe.parent().map(Path::to_path_buf)
}

/// A file or folder inside the data folder, e.g. `asset("looks")`.
pub fn asset(relative: &str) -> PathBuf {
    data_dir().join("assets").join(relative)
}

/// The bundled models folder.
pub fn models_dir() -> PathBuf {
    data_dir().join("models")
}

/// The bundled sample video, shown when there is no camera.
pub fn sample_video() -> PathBuf {
    asset("samples/carphone.mp4")
}

/// The user's own folder for looks and catalogs (`VANITY_CONFIG_DIR`, else the platform's config
/// folder, e.g. `~/.config/vanity` or `%APPDATA%\vanity`); settings live there too.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("VANITY_CONFIG_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "vanity").map(|d| d.config_dir().to_path_buf())
}

/// Folders where ONNX Runtime's library may be, in the order they are tried: beside the
/// executable, the install prefix's `lib/vanity`, and the data folder's `.ort/` (a checkout).
pub fn library_dirs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(exe_dir) = exe_dir() {
        out.push(exe_dir.clone());
        if let Some(prefix) = exe_dir.parent() {
            out.push(prefix.join("lib").join("vanity"));
        }
    }
    out.push(data_dir().join(".ort"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_binary_finds_the_checkout_data_from_where_it_runs() {
        // Tests run from target/<profile>/deps: the data is found by walking up from there.
        assert!(data_dir().join(MARKER).is_file(), "no data under {}", data_dir().display());
        assert!(asset("looks").is_dir());
        assert!(sample_video().is_file());
    }

    #[test]
    fn an_installed_layout_is_tried_before_any_checkout() {
        let c = data_dir_candidates();
        let exe = exe_dir().unwrap();
        assert_eq!(c[0], exe);
        assert_eq!(c[1], exe.parent().unwrap().join("share/vanity"));
    }
}
