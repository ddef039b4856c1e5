//! Writing a command's outputs without ever losing the user's files: outputs are checked against
//! the inputs and each other before any work starts, their format is checked from the extension
//! up front, and each is written to a temporary file in its own folder and renamed into place, so
//! a failure leaves neither a half file nor a destroyed input. `-` as a JSON path means stdout.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output is one of the inputs: writing it would destroy the user's file.
    #[error("{output}: this is also the input {input}; choose another output file")]
    OverwritesInput { output: PathBuf, input: PathBuf },
    /// Two outputs name the same file: one would silently replace the other.
    #[error("{path}: given for two different outputs")]
    Duplicate { path: PathBuf },
    /// The extension names a format this output cannot be written in.
    #[error("{path}: cannot write this format here (use {expected})")]
    Format { path: PathBuf, expected: String },
    /// The file system refused (missing folder, permissions, full disk).
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// An image could not be encoded.
    #[error("cannot write {path}: {reason}")]
    Encode { path: PathBuf, reason: String },
}

/// What kind of file an output is, for the extension check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// JSON (any extension), or `-` for stdout.
    Json,
    /// An image: PNG or JPEG by extension.
    Image,
    /// A text file (TOML, CSV), any extension.
    Text,
}

/// One output a command will write.
#[derive(Debug, Clone, Copy)]
pub struct Planned<'a> {
    /// Where it goes.
    pub path: &'a Path,
    /// What it holds.
    pub kind: OutputKind,
}

/// Whether `path` means standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Checks, before any work, that no output is an input or another output and that each can be
/// written in its format.
pub fn check(inputs: &[&Path], outputs: &[Planned<'_>]) -> Result<(), OutputError> {
    let inputs: Vec<(PathBuf, &Path)> = inputs.iter().filter_map(|p| Some((p.canonicalize().ok()?, *p))).collect();
    let mut seen: Vec<PathBuf> = Vec::new();
    for out in outputs {
        if is_stdout(out.path) {
            if out.kind != OutputKind::Json {
                return Err(OutputError::Format { path: out.path.to_path_buf(), expected: "a file name".into() });
            }
            continue;
        }
        if out.kind == OutputKind::Image {
            check_image_format(out.path)?;
        }
        let resolved = resolve(out.path);
        if let Some((_, input)) = inputs.iter().find(|(c, _)| *c == resolved) {
            return Err(OutputError::OverwritesInput { output: out.path.to_path_buf(), input: input.to_path_buf() });
        }
        if seen.contains(&resolved) {
            return Err(OutputError::Duplicate { path: out.path.to_path_buf() });
        }
        seen.push(resolved);
    }
    Ok(())
}

/// The image format of `path` from its extension, when Vanity can write it (PNG or JPEG).
fn check_image_format(path: &Path) -> Result<image::ImageFormat, OutputError> {
    match image::ImageFormat::from_path(path) {
        Ok(f @ (image::ImageFormat::Png | image::ImageFormat::Jpeg)) => Ok(f),
        _ => Err(OutputError::Format { path: path.to_path_buf(), expected: ".png or .jpg".into() }),
    }
}

/// `path` made absolute with links resolved as far as it exists (the file itself may not yet).
fn resolve(path: &Path) -> PathBuf {
    if let Ok(c) = path.canonicalize() {
        return c;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Writes `path` whole or not at all: `fill` writes into a temporary file in the same folder,
/// which then replaces `path` in one rename.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), OutputError> {
    let io = |source| OutputError::Io { path: path.to_path_buf(), source };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".vanity-").suffix(".partial").tempfile_in(dir).map_err(io)?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut buffered).map_err(io)?;
        buffered.flush().map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Writes text to `path` (or stdout for `-`), whole or not at all.
pub fn write_text(path: &Path, text: &str) -> Result<(), OutputError> {
    if is_stdout(path) {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|source| OutputError::Io { path: path.to_path_buf(), source });
    }
    write_atomic(path, |w| w.write_all(text.as_bytes()))
}

/// Saves an image in the format its extension names (with its alpha in a PNG; JPEG has none),
/// whole or not at all.
pub fn save_image(path: &Path, image: &image::DynamicImage) -> Result<(), OutputError> {
    let format = check_image_format(path)?;
    let mut encoded = std::io::Cursor::new(Vec::new());
    let opaque;
    let image = if format == image::ImageFormat::Jpeg && image.color().has_alpha() {
        opaque = image::DynamicImage::ImageRgb8(image.to_rgb8());
        &opaque
    } else {
        image
    };
    image
        .write_to(&mut encoded, format)
        .map_err(|e| OutputError::Encode { path: path.to_path_buf(), reason: e.to_string() })?;
    write_atomic(path, |w| w.write_all(encoded.get_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_that_is_an_input_or_another_output_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("me.jpg");
        std::fs::write(&photo, b"photo").unwrap();
        let same = dir.path().join("./me.jpg");
        let e = check(&[&photo], &[Planned { path: &same, kind: OutputKind::Image }]).unwrap_err();
        assert!(matches!(e, OutputError::OverwritesInput { .. }), "{e}");
        let out = dir.path().join("out.png");
        let e = check(
            &[&photo],
            &[Planned { path: &out, kind: OutputKind::Image }, Planned { path: &out, kind: OutputKind::Json }],
        )
        .unwrap_err();
        assert!(matches!(e, OutputError::Duplicate { .. }), "{e}");
        let e = check(&[&photo], &[Planned { path: &dir.path().join("out.gif"), kind: OutputKind::Image }]);
        assert!(matches!(e, Err(OutputError::Format { .. })));
        assert!(check(&[&photo], &[Planned { path: &out, kind: OutputKind::Image }]).is_ok());
        assert_eq!(std::fs::read(&photo).unwrap(), b"photo");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("result.json");
        std::fs::write(&target, "old").unwrap();
        let e = write_atomic(&target, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "left behind: {names:?}");
        write_text(&target, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }
}
