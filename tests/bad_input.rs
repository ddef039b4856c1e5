//! Careless and hostile input (issue "Nothing lost, nothing faked, nothing crashes"): one clear
//! line naming the file and the problem, never a panic, never an overwritten input, never a half
//! output; a closed pipe is a normal end.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;

fn vanity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanity")).args(args).output().expect("vanity runs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_one_line() {
    let catalog = root().join("assets/catalog.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vanity"))
        .args(["catalog", "check", s(&catalog)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, as `| head -1` does.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("VA-"), "{first}");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {err}", out.status);
    assert!(!err.contains("panicked") && !err.contains("failed printing"), "{err}");

    let full = std::fs::File::create("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vanity"))
        .args(["catalog", "check", s(&catalog)])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert!(!out.status.success() && errors.len() == 1, "{err}");
    assert!(errors[0].contains("No space left"), "{err}");
}

#[test]
fn outputs_never_overwrite_inputs_or_each_other_and_formats_are_checked_first() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("me.png");
    std::fs::copy(sample("astronaut.png"), &photo).unwrap();
    let before = std::fs::read(&photo).unwrap();
    let same = dir.path().join("./me.png");
    assert_clear_error(&vanity(&["apply", s(&photo), "--look", "glam", "--out", s(&same)]), &["me.png", "input"]);
    assert_clear_error(&vanity(&["landmarks", s(&photo), "--json", s(&photo)]), &["me.png", "input"]);
    let both = dir.path().join("both.png");
    assert_clear_error(&vanity(&["landmarks", s(&photo), "--json", s(&both), "--overlay", s(&both)]), &["both.png"]);
    let gif = dir.path().join("out.gif");
    assert_clear_error(&vanity(&["apply", s(&photo), "--look", "glam", "--out", s(&gif)]), &["out.gif", ".png"]);
    let csv = dir.path().join("c.csv");
    std::fs::write(&csv, "brand,name,sku,category,shade,finish,undertone\n").unwrap();
    assert_clear_error(&vanity(&["catalog", "import", s(&csv), "--out", s(&csv)]), &["c.csv", "input"]);
    assert_eq!(std::fs::read(&photo).unwrap(), before, "the input photo changed");
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 1);
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names.len(), 2, "nothing else written: {names:?}");

    // A failure half-way (an output folder that does not exist) leaves no file behind.
    let nowhere = dir.path().join("missing/out.json");
    assert_clear_error(&vanity(&["landmarks", s(&photo), "--json", s(&nowhere)]), &["missing/out.json"]);
}

#[test]
fn dash_means_stdout_for_json() {
    let out = vanity(&["landmarks", s(&sample("astronaut.png")), "--json", "-"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["faces"].as_array().unwrap().len(), 1);
    assert!(!Path::new("-").exists(), "a file named - was written");
}

#[test]
fn numeric_flags_are_validated_with_a_clear_message() {
    assert_clear_error(&vanity(&["bench-render", "--faces", "0"]), &["--faces 0"]);
    assert_clear_error(&vanity(&["bench", "--upscale", "40"]), &["--upscale 40", "megapixels"]);
    assert_clear_error(&vanity(&["bench", "--upscale", "0"]), &["--upscale 0"]);
    assert_clear_error(&vanity(&["--kiosk-reset-secs", "NaN"]), &["--kiosk-reset-secs NaN"]);
    assert_clear_error(&vanity(&["--kiosk-reset-secs=-5"]), &["--kiosk-reset-secs"]);
    assert_clear_error(&vanity(&["--kiosk-pin", ""]), &["--kiosk-pin"]);
    assert_clear_error(&vanity(&["--kiosk-pin", "12345678901234567"]), &["--kiosk-pin"]);
    assert_clear_error(&vanity(&["--width", "20000"]), &["--width 20000"]);
    assert_clear_error(&vanity(&["--cycle", "NaN"]), &["--cycle NaN"]);
    assert_clear_error(&vanity(&["--exit-after-secs=-1"]), &["--exit-after-secs -1"]);
    assert_clear_error(&vanity(&["--stats", "s.json", "--stats-every", "0"]), &["--stats-every 0"]);
    assert_clear_error(&vanity(&["--stats-every", "5"]), &["--stats-every needs --stats"]);
    assert_clear_error(&vanity(&["--source", "a.mp4", "--source", "b.png"]), &["--source given 2 times", "--cycle"]);
}

#[test]
fn messages_name_the_problem_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = vanity(&["apply", s(&sample("astronaut.png")), "--look", "/missing/x.toml", "--out", "o.png"]);
    assert_clear_error(&out, &["/missing/x.toml", "not found"]);
    let out = vanity(&["apply", s(dir.path()), "--look", "glam", "--out", s(&dir.path().join("o.png"))]);
    assert_clear_error(&out, &["Is a directory"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("os error 21").count(), 1, "{err}");
}

/// Writes `upright` as a JPEG stored turned 90° anticlockwise with EXIF Orientation 6 ("turn
/// clockwise to show"), as a phone held upright writes it.
fn phone_portrait(upright: &image::RgbImage, path: &Path) {
    let stored = image::imageops::rotate270(upright);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95).encode_image(&stored).unwrap();
    // APP1 "Exif": little-endian TIFF, one IFD entry: Orientation (0x0112), SHORT, 1, value 6.
    let mut app1 = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x06\0\0\0\0\0\0\0".to_vec();
    let len = (app1.len() + 2) as u16;
    app1.splice(0..0, [0xFF, 0xE1, (len >> 8) as u8, len as u8]);
    jpeg.splice(2..2, app1);
    std::fs::write(path, jpeg).unwrap();
}

#[test]
fn exif_orientation_is_honoured_when_tracking_and_applying() {
    let dir = tempfile::tempdir().unwrap();
    let astronaut = image::open(sample("astronaut.png")).unwrap().to_rgb8();
    let upright = image::imageops::crop_imm(&astronaut, 0, 0, 512, 400).to_image();
    let photo = dir.path().join("portrait.jpg");
    phone_portrait(&upright, &photo);
    let json = dir.path().join("lm.json");
    let out = vanity(&["landmarks", s(&photo), "--json", s(&json)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(512), Some(400)), "shown upright");
    let faces = v["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 1);
    // Upright: the eyes (33, 263) are level and above the mouth (13).
    let p = |i: usize| (faces[0]["landmarks"][i][0].as_f64().unwrap(), faces[0]["landmarks"][i][1].as_f64().unwrap());
    let (l, r, m) = (p(33), p(263), p(13));
    assert!((l.1 - r.1).abs() < 10.0 && m.1 > l.1 + 20.0, "eyes {l:?} {r:?} mouth {m:?}");

    let made_up = dir.path().join("out.png");
    let out = vanity(&["apply", s(&photo), "--look", "classic-red", "--out", s(&made_up)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(image::image_dimensions(&made_up).unwrap(), (512, 400), "apply writes the picture upright");
}

#[test]
fn a_cut_off_onnx_runtime_library_is_named_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let good = root().join(".ort/libonnxruntime.so.1.32.0");
    let bytes = std::fs::read(&good).expect("scripts/test fetched ONNX Runtime");
    let cut = dir.path().join("libonnxruntime.so.1.32.0");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let landmarks_with = |library: &Path| {
        Command::new(env!("CARGO_BIN_EXE_vanity"))
            .args(["landmarks", s(&sample("astronaut.png"))])
            .env("ORT_DYLIB_PATH", library)
            .output()
            .unwrap()
    };
    assert_clear_error(&landmarks_with(&cut), &["libonnxruntime.so.1.32.0", "damaged", "fetch_onnxruntime"]);

    // The same size with other contents (a corrupt copy) is caught by the checksum.
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xFF;
    std::fs::write(&cut, &flipped).unwrap();
    assert_clear_error(&landmarks_with(&cut), &["libonnxruntime.so.1.32.0", "checksum"]);

    // Any other cut-off shared library is caught by its ELF section table.
    let other = dir.path().join("libonnxruntime.so");
    std::fs::write(&other, &bytes[..bytes.len() / 2]).unwrap();
    assert_clear_error(&landmarks_with(&other), &["libonnxruntime.so", "cut off"]);
}

#[test]
fn photos_beyond_the_gpu_limits_are_made_up_not_a_panic_and_alpha_survives() {
    let dir = tempfile::tempdir().unwrap();
    // A valid 17000×64 strip (beyond any texture limit) with no face.
    let strip = dir.path().join("strip.png");
    image::RgbImage::from_pixel(17000, 64, image::Rgb([120, 120, 120])).save(&strip).unwrap();
    let out_path = dir.path().join("strip_out.png");
    let out = vanity(&["apply", s(&strip), "--look", "glam", "--out", s(&out_path)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(image::image_dimensions(&out_path).unwrap(), (17000, 64));

    // An RGBA cut-out keeps its transparency.
    let rgba = dir.path().join("cutout.png");
    let mut img = image::open(sample("astronaut.png")).unwrap().to_rgba8();
    for (x, _, p) in img.enumerate_pixels_mut() {
        p.0[3] = if x < 40 { 0 } else { 255 };
    }
    img.save(&rgba).unwrap();
    let made_up = dir.path().join("cutout_out.png");
    let out = vanity(&["apply", s(&rgba), "--look", "classic-red", "--out", s(&made_up)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let result = image::open(&made_up).unwrap();
    assert!(result.color().has_alpha(), "alpha dropped");
    let result = result.to_rgba8();
    assert_eq!(result.get_pixel(10, 10).0[3], 0);
    assert_eq!(result.get_pixel(300, 300).0[3], 255);
}

#[test]
fn a_cut_off_jpeg_is_named_and_a_whole_one_with_exif_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.jpg");
    phone_portrait(&image::open(sample("astronaut.png")).unwrap().to_rgb8(), &whole);
    assert!(vanity(&["landmarks", s(&whole)]).status.success(), "a complete JPEG with EXIF is fine");
    let bytes = std::fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.jpg");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    assert_clear_error(&vanity(&["landmarks", s(&cut)]), &["cut.jpg", "cut off"]);
}

#[test]
fn the_no_display_hint_only_appears_without_a_display() {
    let run = |display: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vanity"));
        c.args(["--source", s(&sample("astronaut.png"))]).env_remove("WAYLAND_DISPLAY").env_remove("DISPLAY");
        if let Some(d) = display {
            c.env("DISPLAY", d);
        }
        c.output().unwrap()
    };
    assert_clear_error(&run(None), &["cannot open a window", "no display"]);
    let out = run(Some(":987"));
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("no display"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_wrong_model_file_is_named_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["face_detector.onnx", "face_landmarks_v1.onnx", "face_landmarks_v2.onnx"] {
        std::fs::copy(root().join("models").join(f), dir.path().join(f)).unwrap();
    }
    // The v1 landmark model where the detector should be.
    std::fs::copy(root().join("models/face_landmarks_v1.onnx"), dir.path().join("face_detector.onnx")).unwrap();
    let out = vanity(&["landmarks", s(&sample("astronaut.png")), "--models", s(dir.path())]);
    assert_clear_error(&out, &["face_detector.onnx", "not the face detector"]);
}
