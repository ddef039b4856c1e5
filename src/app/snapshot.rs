//! Snapshots of the mirror window: where they go, and writing them whole (the picture, then the
//! look that made it beside it, so the look can be loaded again).

use std::path::{Path, PathBuf};

use super::AppError;
use crate::looks::Look;
use crate::render::readback::Readback;

/// A new snapshot's path: `vanity-<seconds since 1970>.png` in [`crate::data::snapshot_dir`].
pub fn new_path() -> PathBuf {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    crate::data::snapshot_dir().join(format!("vanity-{stamp}.png"))
}

/// Writes the read-back window picture to `path` (its folder made when missing), whole or not
/// at all.
pub fn save_readback(device: &wgpu::Device, rb: Readback, path: &Path) -> Result<(), AppError> {
    let fail = |reason: String| AppError::Output { path: path.to_path_buf(), reason };
    let image = rb.into_image(device).map_err(|e| fail(e.to_string()))?;
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| fail(format!("cannot create {}: {e}", folder.display())))?;
    }
    crate::outfile::save_image(path, &image::DynamicImage::ImageRgb8(image)).map_err(|e| fail(e.to_string()))
}

/// Writes `look` as `<snapshot>.look.toml` beside the snapshot at `picture`.
pub fn save_look_beside(picture: &Path, look: &Look) -> Result<(), AppError> {
    let path = look_path(picture);
    crate::outfile::write_text(&path, &look.to_toml())
        .map_err(|e| AppError::Output { path: path.clone(), reason: e.to_string() })
}

/// `vanity-1.png` → `vanity-1.look.toml`.
fn look_path(picture: &Path) -> PathBuf {
    picture.with_extension("look.toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_is_named_by_time_and_its_look_sits_beside_it() {
        let path = new_path();
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with("vanity-") && name.ends_with(".png"), "{name}");
        assert_eq!(look_path(Path::new("shots/vanity-7.png")), Path::new("shots/vanity-7.look.toml"));
    }

    #[test]
    fn the_look_beside_a_snapshot_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let picture = dir.path().join("vanity-1.png");
        let look = Look::load(&crate::data::asset("looks/glam.toml")).unwrap();
        save_look_beside(&picture, &look).unwrap();
        assert_eq!(Look::load(&dir.path().join("vanity-1.look.toml")).unwrap(), look);
    }
}
