//! The installable packages: `scripts/package` builds the portable folder and the .deb from the
//! tested executable; both are unpacked far from the checkout and run from another folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

/// Runs a packaged `vanity` from `cwd`, with nothing in the environment pointing at the checkout.
fn run_packaged(exe: &Path, cwd: &Path, config: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .current_dir(cwd)
        .env_remove("ORT_DYLIB_PATH")
        .env_remove("VANITY_DATA_DIR")
        .env_remove("VANITY_MODELS")
        .env("VANITY_CONFIG_DIR", config)
        .output()
        .expect("packaged vanity starts")
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds both packages into `dir` from the executable the tests use.
fn build_packages(dir: &Path) -> (PathBuf, PathBuf) {
    let out = Command::new(root().join("scripts/package"))
        .args(["--only", "linux", "--bin", env!("CARGO_BIN_EXE_vanity"), "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert_ok(&out, "scripts/package");
    let version = env!("CARGO_PKG_VERSION");
    let arch = std::env::consts::ARCH;
    let deb_arch = if arch == "x86_64" { "amd64" } else { "arm64" };
    let tar = dir.join(format!("vanity-{version}-linux-{arch}.tar.gz"));
    let deb = dir.join(format!("vanity_{version}_{deb_arch}.deb"));
    assert!(tar.is_file() && deb.is_file(), "packages missing in {}", dir.display());
    (tar, deb)
}

#[test]
fn packages_run_from_anywhere_without_the_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(!tmp.path().starts_with(root()), "temp folder must be outside the checkout");
    let (tar, deb) = build_packages(&tmp.path().join("dist"));

    // Portable folder: unpacked, then moved somewhere else entirely.
    let unpacked = tmp.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    let st = Command::new("tar").arg("-xzf").arg(&tar).arg("-C").arg(&unpacked).status().unwrap();
    assert!(st.success());
    let top: Vec<_> = std::fs::read_dir(&unpacked).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(top.len(), 1, "one top folder in the tarball: {top:?}");
    let moved = tmp.path().join("somewhere else/Vanity app");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&top[0], &moved).unwrap();
    let exe = moved.join("vanity");

    let work = tmp.path().join("work");
    let config = tmp.path().join("config");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::copy(sample("astronaut.png"), work.join("me.png")).unwrap();

    let info = run_packaged(&exe, &work, &config, &["info"]);
    assert_ok(&info, "info");
    let text = String::from_utf8_lossy(&info.stdout).to_string();
    let canonical = moved.canonicalize().unwrap();
    assert!(text.contains(&format!("data: {}", canonical.display())), "{text}");
    assert!(text.contains(&format!("onnxruntime: {}", canonical.join("libonnxruntime").display())), "{text}");

    let lm = run_packaged(&exe, &work, &config, &["landmarks", "me.png", "--json", "me.json"]);
    assert_ok(&lm, "landmarks");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("me.json")).unwrap()).unwrap();
    assert_eq!(json["faces"].as_array().unwrap().len(), 1);

    let apply = run_packaged(&exe, &work, &config, &["apply", "me.png", "--look", "glam", "--out", "glam.png"]);
    assert_ok(&apply, "apply");
    assert!(String::from_utf8_lossy(&apply.stderr).contains("on 1 face(s)"));
    assert!(image::open(work.join("glam.png")).is_ok());

    // A user's own look in the config folder is found by name.
    std::fs::create_dir_all(config.join("looks")).unwrap();
    std::fs::write(config.join("looks/mine.toml"), "name = \"Mine\"\n[lipstick]\ncolor = \"#7A1F3D\"\n").unwrap();
    let mine = run_packaged(&exe, &work, &config, &["apply", "me.png", "--look", "mine", "--out", "mine.png"]);
    assert_ok(&mine, "apply with the user's look");

    // The mirror: no camera here, so it falls back to the packaged sample video.
    let mirror = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1600x900x24"])
        .arg(&exe)
        .args(["--exit-after", "20", "--screenshot", "shot.png"])
        .current_dir(&work)
        .env_remove("ORT_DYLIB_PATH")
        .env_remove("VANITY_DATA_DIR")
        .env_remove("VANITY_MODELS")
        .env("VANITY_CONFIG_DIR", &config)
        .output()
        .unwrap();
    assert_ok(&mirror, "mirror");
    assert!(work.join("shot.png").is_file());

    // Debian package: unpacked as dpkg would install it, run from /usr/bin's stand-in.
    let root_dir = tmp.path().join("deb-root");
    let st = Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root_dir).status().unwrap();
    assert!(st.success());
    for f in ["usr/bin/vanity", "usr/lib/vanity", "usr/share/vanity/models/face_detector.onnx"] {
        assert!(root_dir.join(f).exists(), "{f} missing from the .deb");
    }
    assert!(root_dir.join("usr/share/applications/vanity.desktop").is_file());
    assert!(root_dir.join("usr/share/icons/hicolor/scalable/apps/vanity.svg").is_file());
    let control = Command::new("dpkg-deb").args(["-f"]).arg(&deb).arg("Depends").output().unwrap();
    let depends = String::from_utf8_lossy(&control.stdout);
    assert!(depends.contains("libvulkan1") && depends.contains("mesa-vulkan-drivers"), "{depends}");
    let deb_exe = root_dir.join("usr/bin/vanity");
    let info = run_packaged(&deb_exe, &work, &config, &["info"]);
    assert_ok(&info, "info (deb)");
    let text = String::from_utf8_lossy(&info.stdout).to_string();
    let share = root_dir.join("usr/share/vanity").canonicalize().unwrap();
    assert!(text.contains(&format!("data: {}", share.display())), "{text}");
    let lm = run_packaged(&deb_exe, &work, &config, &["landmarks", "me.png", "--json", "deb.json"]);
    assert_ok(&lm, "landmarks (deb)");
}
