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
    let exe = exe.canonicalize().map(without_verbatim_prefix).unwrap_or(exe);
    exe.parent().map(Path::to_path_buf)
}

/// `C:\dir` for Windows' `\\?\C:\dir` (and `\\server\share` for `\\?\UNC\server\share`):
/// `canonicalize` returns the long "verbatim" form, which every message would otherwise show.
/// Other paths, and every path on other platforms, come back unchanged.
fn without_verbatim_prefix(path: PathBuf) -> PathBuf {
    let Some(text) = path.to_str() else { return path };
    if let Some(unc) = text.strip_prefix(r"\\?\UNC\") {
        return PathBuf::from(format!(r"\\{unc}"));
    }
    match text.strip_prefix(r"\\?\") {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => PathBuf::from(rest),
        _ => path,
    }
}

/// A file or folder inside the data folder, e.g. `asset("samples/astronaut.png")`: `relative`
/// uses `/`, and each part is joined on its own, so Windows messages show `assets\samples\…`.
pub fn asset(relative: &str) -> PathBuf {
    relative.split('/').fold(data_dir().join("assets"), |path, part| path.join(part))
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

/// Where the mirror's snapshots go: `VANITY_SNAPSHOT_DIR`, else a `Vanity` folder in the user's
/// Pictures folder (`~/Pictures/Vanity`, `C:\Users\NAME\Pictures\Vanity`): a program started
/// from a desktop icon or an unzipped folder has no working folder the user would look in.
/// Where the platform names no Pictures folder, the working folder.
pub fn snapshot_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("VANITY_SNAPSHOT_DIR") {
        return PathBuf::from(dir);
    }
    directories::UserDirs::new()
        .and_then(|d| d.picture_dir().map(|p| p.join("Vanity")))
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_default())
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
        assert_eq!(sample_video(), data_dir().join("assets").join("samples").join("carphone.mp4"));
    }

    #[test]
    fn windows_long_paths_are_shown_the_usual_way() {
        let plain = |s: &str| without_verbatim_prefix(PathBuf::from(s));
        assert_eq!(plain(r"\\?\C:\Program Files\Vanity"), PathBuf::from(r"C:\Program Files\Vanity"));
        assert_eq!(plain(r"\\?\UNC\shop\apps\vanity"), PathBuf::from(r"\\shop\apps\vanity"));
        // A device path has no drive letter: it stays as it is, as do ordinary paths.
        assert_eq!(plain(r"\\?\Volume{1234}\x"), PathBuf::from(r"\\?\Volume{1234}\x"));
        assert_eq!(plain("/usr/bin"), PathBuf::from("/usr/bin"));
    }

    #[test]
    fn an_installed_layout_is_tried_before_any_checkout() {
        let c = data_dir_candidates();
        if let Some(dir) = std::env::var_os("VANITY_DATA_DIR") {
            // Set (as scripts/test-windows does for a test binary outside the checkout): only it.
            assert_eq!(c, vec![PathBuf::from(dir)]);
            return;
        }
        let exe = exe_dir().unwrap();
        assert_eq!(c[0], exe);
        assert_eq!(c[1], exe.parent().unwrap().join("share").join("vanity"));
    }
}
