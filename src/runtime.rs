//! ONNX Runtime set-up: finding the shared library and building sessions tuned for small CPUs.
//!
//! The `ort` crate is built with `load-dynamic`, so the library is found at run time rather than
//! downloaded at build time (the download server is unreachable from where Vanity is built).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;

/// The ONNX Runtime release Vanity is tested with; `scripts/fetch_onnxruntime.sh` installs it.
pub const ORT_VERSION: &str = "1.32.0";

/// File name of the shared library inside the onnxruntime wheel (`onnxruntime/capi/`): the
/// Windows wheel carries `onnxruntime.dll`, the Linux ones a versioned `.so`.
#[cfg(windows)]
pub const ORT_LIBRARY: &str = "onnxruntime.dll";
/// File name of the shared library inside the onnxruntime wheel (`onnxruntime/capi/`): the
/// Windows wheel carries `onnxruntime.dll`, the Linux ones a versioned `.so`.
#[cfg(not(windows))]
pub const ORT_LIBRARY: &str = "libonnxruntime.so.1.32.0";

/// Why the runtime or a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// No library anywhere we look: tell the user how to get one.
    #[error(
        "ONNX Runtime library not found (looked in: {looked}); {MISSING_HINT}, \
         or set ORT_DYLIB_PATH to {ORT_LIBRARY} (ONNX Runtime {ORT_VERSION})"
    )]
    LibraryMissing { looked: String },
    /// A library was found but would not load (wrong version, wrong architecture, corrupt file).
    #[error("ONNX Runtime library {path}: {reason}")]
    LibraryBroken { path: PathBuf, reason: String },
    /// The model file does not exist.
    #[error("model {path}: file not found (run scripts/prepare_models.sh to regenerate models/)")]
    ModelMissing { path: PathBuf },
    /// The model file exists but ONNX Runtime rejected it.
    #[error("model {path}: {reason}")]
    ModelBroken { path: PathBuf, reason: String },
}

/// Thread settings for inference sessions. On two cores the choice matters: see `vanity bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    /// Intra-op threads for one inference.
    pub intra_threads: usize,
    /// Let idle intra-op threads spin (lower latency, burns a core).
    pub spinning: bool,
}

impl Default for SessionConfig {
    /// One thread and no spinning: measured fastest per frame on 2 cores (the tracker runs beside
    /// capture and rendering threads, so a second intra-op thread only competes with them).
    fn default() -> Self {
        Self { intra_threads: 1, spinning: false }
    }
}

/// What went wrong the first time, kept so that every later caller gets the same answer.
#[derive(Debug, Clone)]
enum InitFailure {
    Missing(Vec<PathBuf>),
    Broken(PathBuf, String),
}

/// The loaded library and its environment; the environment must outlive every session.
static RUNTIME: OnceLock<Result<(PathBuf, ort::environment::Environment), InitFailure>> = OnceLock::new();

/// Where the library may be, in the order they are tried.
fn candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        return vec![PathBuf::from(p)];
    }
    crate::data::library_dirs().into_iter().map(|dir| dir.join(ORT_LIBRARY)).collect()
}

/// Size and SHA-256 of the libraries Vanity ships and fetches (the onnxruntime 1.32.0 wheels'
/// manylinux x86_64 and win_amd64 ones), to tell a damaged copy (an interrupted download or copy)
/// from a good one.
const KNOWN_LIBRARIES: [KnownLibrary; 2] = [
    KnownLibrary {
        file_name: "libonnxruntime.so.1.32.0",
        arch: "x86_64",
        size: 34_824_680,
        sha256: "6c1585d1bbf45b0712ea4a21b705c5fcb4ba04ff2e30f1fbf81a49faf658638f",
    },
    KnownLibrary {
        file_name: "onnxruntime.dll",
        arch: "x86_64",
        size: 22_668_640,
        sha256: "e9feebaed867b76f741c14ae64e056a3da64a153a61994f1fb48eadc7f9b3ba8",
    },
];

/// A library file whose exact contents are known.
struct KnownLibrary {
    file_name: &'static str,
    arch: &'static str,
    size: u64,
    sha256: &'static str,
}

/// What to try when an intact library will not load. On Windows the DLL needs Microsoft's C++
/// runtime (msvcp140.dll, vcruntime140.dll), which Vanity may not ship (Microsoft's licence) and
/// most PCs already have.
#[cfg(windows)]
const LOAD_HINT: &str = "; ONNX Runtime needs the Microsoft Visual C++ Redistributable 2015-2022 (x64): \
                         install it (vc_redist.x64.exe, from Microsoft) and start Vanity again";
/// What to try when an intact library will not load (nothing to add beyond the loader's reason).
#[cfg(not(windows))]
const LOAD_HINT: &str = "";

/// What to do when the library is missing: a Windows user has the zip, not the scripts.
#[cfg(windows)]
const MISSING_HINT: &str = "unzip Vanity again (onnxruntime.dll belongs beside vanity.exe)";
/// What to do when the library is missing: a checkout fetches it, a package brings it.
#[cfg(not(windows))]
const MISSING_HINT: &str = "run scripts/fetch_onnxruntime.sh or reinstall Vanity";

/// What to do about a damaged library, in the words a user needs.
#[cfg(not(windows))]
const REFETCH: &str = "delete it and run scripts/fetch_onnxruntime.sh, or reinstall Vanity";
/// What to do about a damaged library, in the words a user needs.
#[cfg(windows)]
const REFETCH: &str = "unzip Vanity again over this folder";

/// Checks the library file before it is loaded: a known file must have its size and checksum;
/// any ELF file must hold all of its section table (a cut-off file does not).
fn verify_library(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let len = bytes.len() as u64;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if let Some(known) = KNOWN_LIBRARIES.iter().find(|k| k.file_name == name && k.arch == std::env::consts::ARCH) {
        if len != known.size {
            return Err(format!(
                "damaged: {len} bytes where ONNX Runtime {ORT_VERSION} has {} (an interrupted download?); {REFETCH}",
                known.size
            ));
        }
        if sha256_hex(&bytes) != known.sha256 {
            return Err(format!("damaged: its checksum is not ONNX Runtime {ORT_VERSION}'s; {REFETCH}"));
        }
        return Ok(());
    }
    match elf_section_table_end(&bytes).or_else(|| pe_sections_end(&bytes)) {
        Some(end) if end > len => {
            Err(format!("damaged: cut off at {len} bytes, its section table ends at {end}; {REFETCH}"))
        }
        _ => Ok(()),
    }
}

/// Where a 64-bit little-endian ELF file's section header table ends, from its header.
fn elf_section_table_end(bytes: &[u8]) -> Option<u64> {
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return None;
    }
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]) as u64;
    let shoff = u64::from_le_bytes(bytes[0x28..0x30].try_into().ok()?);
    Some(shoff + u16_at(0x3A) * u16_at(0x3C))
}

/// Where a PE file's (a Windows DLL's) last section ends, from its section table: a DLL cut off
/// before that is damaged, and Windows' loader would refuse it with a less helpful message.
fn pe_sections_end(bytes: &[u8]) -> Option<u64> {
    let u16_at = |o: usize| bytes.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let u32_at = |o: usize| bytes.get(o..o + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64);
    if bytes.get(..2)? != b"MZ" {
        return None;
    }
    let pe = u32_at(0x3C)? as usize;
    if bytes.get(pe..pe + 4)? != b"PE\0\0" {
        return None;
    }
    let sections = u16_at(pe + 6)?;
    let table = pe + 24 + u16_at(pe + 20)?;
    (0..sections)
        .map(|i| {
            let entry = table + 40 * i;
            Some(u32_at(entry + 20)? + u32_at(entry + 16)?)
        })
        .try_fold(0u64, |end, section| section.map(|s| end.max(s)))
}

/// Lower-case hex SHA-256 of `bytes`.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads ONNX Runtime once per process and returns the library's path; later calls repeat the
/// first outcome, so a missing library is reported the same way wherever it is first needed.
pub fn init() -> Result<PathBuf, RuntimeError> {
    loaded().map(|(path, _)| path.clone())
}

fn loaded() -> Result<&'static (PathBuf, ort::environment::Environment), RuntimeError> {
    let result = RUNTIME.get_or_init(|| {
        let looked = candidates();
        let Some(path) = looked.iter().find(|p| p.is_file()).cloned() else {
            return Err(InitFailure::Missing(looked));
        };
        // A damaged file would crash the process inside the loader (SIGBUS): check it first.
        verify_library(&path).map_err(|reason| InitFailure::Broken(path.clone(), reason))?;
        let env = ort::init_from(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| b.with_name("vanity").with_telemetry(false).build().map_err(|e| e.to_string()))
            .map_err(|reason| InitFailure::Broken(path.clone(), format!("{reason}{LOAD_HINT}")))?;
        tracing::debug!(path = %path.display(), "ONNX Runtime loaded");
        Ok((path, env))
    });
    match result {
        Ok(runtime) => Ok(runtime),
        Err(InitFailure::Missing(looked)) => Err(RuntimeError::LibraryMissing {
            looked: looked.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        }),
        Err(InitFailure::Broken(path, reason)) => {
            Err(RuntimeError::LibraryBroken { path: path.clone(), reason: reason.clone() })
        }
    }
}

/// Builds a CPU session for `model` with the given thread settings.
pub fn session(model: &Path, config: SessionConfig) -> Result<Session, RuntimeError> {
    let (_, env) = loaded()?;
    if !model.is_file() {
        return Err(RuntimeError::ModelMissing { path: model.to_path_buf() });
    }
    let configure = || -> Result<Session, ort::Error> {
        Session::builder(env)?
            .with_optimization_level(GraphOptimizationLevel::Level3)?
            .with_intra_threads(config.intra_threads)?
            .with_inter_threads(1)?
            .with_intra_op_spinning(config.spinning)?
            .with_inter_op_spinning(false)?
            .commit_from_file(model)
    };
    configure().map_err(|e| RuntimeError::ModelBroken { path: model.to_path_buf(), reason: e.to_string() })
}

/// What a model file must be: its input's shape (-1 for any size) and the outputs Vanity reads.
#[derive(Debug, Clone, Copy)]
pub struct ModelSignature<'a> {
    /// What the model is, for the message ("the face detector").
    pub what: &'a str,
    /// Shape of its first input.
    pub input: &'a [i64],
    /// Names of the outputs read from it.
    pub outputs: &'a [&'a str],
}

/// Builds a session like [`session`] and checks that the file is the model it should be: a
/// wrong file would otherwise fail at the first frame with a page of tensor dimensions.
pub fn session_for(
    model: &Path,
    config: SessionConfig,
    signature: &ModelSignature<'_>,
) -> Result<Session, RuntimeError> {
    let session = session(model, config)?;
    let broken = |reason: String| RuntimeError::ModelBroken { path: model.to_path_buf(), reason };
    let what = signature.what;
    let Some(input) = session.inputs().first() else {
        return Err(broken(format!("not {what}: it has no input")));
    };
    let shape: Vec<i64> = match input.dtype() {
        ort::value::ValueType::Tensor { shape, .. } => shape.to_vec(),
        other => return Err(broken(format!("not {what}: its input is {other:?}, not an image tensor"))),
    };
    let fits = shape.len() == signature.input.len()
        && shape.iter().zip(signature.input).all(|(have, want)| *want < 0 || *have < 0 || have == want);
    if !fits {
        return Err(broken(format!("not {what}: it takes {shape:?}, {what} takes {:?}", signature.input)));
    }
    if let Some(missing) = signature.outputs.iter().find(|o| !session.outputs().iter().any(|x| x.name() == **o)) {
        return Err(broken(format!("not {what}: it has no output `{missing}`")));
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PE image: DOS header, PE signature, a COFF header with one section whose raw
    /// data lies at 0x200..0x300.
    fn tiny_pe() -> Vec<u8> {
        let mut b = vec![0u8; 0x300];
        b[..2].copy_from_slice(b"MZ");
        b[0x3C..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        b[0x40..0x44].copy_from_slice(b"PE\0\0");
        b[0x46..0x48].copy_from_slice(&1u16.to_le_bytes()); // sections
        let entry = 0x40 + 24; // no optional header
        b[entry + 16..entry + 20].copy_from_slice(&0x100u32.to_le_bytes()); // raw size
        b[entry + 20..entry + 24].copy_from_slice(&0x200u32.to_le_bytes()); // raw pointer
        b
    }

    #[test]
    fn a_dll_cut_off_before_its_last_section_is_called_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.dll");
        let cut = dir.path().join("cut.dll");
        let pe = tiny_pe();
        assert_eq!(pe_sections_end(&pe), Some(0x300));
        std::fs::write(&whole, &pe).unwrap();
        std::fs::write(&cut, &pe[..0x280]).unwrap();
        assert_eq!(verify_library(&whole), Ok(()));
        let err = verify_library(&cut).unwrap_err();
        assert!(err.contains("cut off at 640 bytes") && err.contains("ends at 768"), "{err}");
    }

    #[test]
    fn the_windows_library_is_checked_against_its_wheel() {
        // A file named like the shipped DLL but of another size is refused before loading.
        let dir = tempfile::tempdir().unwrap();
        let dll = dir.path().join("onnxruntime.dll");
        std::fs::write(&dll, tiny_pe()).unwrap();
        let err = verify_library(&dll).unwrap_err();
        assert!(err.contains("768 bytes where ONNX Runtime 1.32.0 has 22668640"), "{err}");
    }
}
