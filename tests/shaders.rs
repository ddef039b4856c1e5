//! Every WGSL file parses and validates with naga, on the CPU: a broken shader fails CI even
//! on machines without a GPU. Layer modules are validated as the renderer composes them.

use std::path::{Path, PathBuf};

use vanity::render::layers::ORDER;
use vanity::render::shaders::{COMMON, compose};

fn validate(name: &str, source: &str) {
    let module =
        naga::front::wgsl::parse_str(source).unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(source)));
    naga::valid::Validator::new(naga::valid::ValidationFlags::all(), naga::valid::Capabilities::empty())
        .validate(&module)
        .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(source)));
}

fn wgsl_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wgsl"))
        .collect();
    files.sort();
    files
}

/// Each shared file validates with only the shared files before it (those it may build on, as
/// `compose` prepends them): a file using one that comes after it fails here.
#[test]
fn common_files_validate_with_those_before_them() {
    let mut before = String::new();
    for (name, source) in COMMON {
        before.push_str(source);
        before.push('\n');
        validate(name, &before);
    }
}

#[test]
fn every_layer_validates_as_composed() {
    for spec in &ORDER {
        validate(spec.name, &compose(spec.source));
    }
}

#[test]
fn every_shader_file_is_used_and_every_layer_has_module_and_shader() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let layer_files = wgsl_files(&root.join("shaders/layers"));
    assert_eq!(layer_files.len(), ORDER.len(), "one WGSL file per layer");
    for spec in &ORDER {
        let wgsl = root.join("shaders/layers").join(format!("{}.wgsl", spec.name));
        let rust = root.join("src/render/layers").join(format!("{}.rs", spec.name));
        assert!(wgsl.is_file() && rust.is_file(), "{}: needs {} and {}", spec.name, wgsl.display(), rust.display());
        assert_eq!(std::fs::read_to_string(&wgsl).unwrap(), spec.source, "{} is compiled in", wgsl.display());
    }
    let common = wgsl_files(&root.join("shaders/common"));
    assert_eq!(common.len(), COMMON.len(), "every common file is composed into the layers");
}

#[test]
fn the_mirror_picture_validates_as_composed() {
    validate("mirror_picture.wgsl", &vanity::render::shaders::mirror_picture_module());
}
