//! The command line as users and scripts see it: output formats and one clear line per bad input.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

fn vanity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanity")).args(args).output().expect("vanity runs")
}

fn vanity_env(args: &[&str], key: &str, value: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vanity")).args(args).env(key, value).output().expect("vanity runs")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn landmarks_writes_json_in_pixels_and_an_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("a.json");
    let overlay = dir.path().join("a.png");
    let img = sample("astronaut.png");
    let out = vanity(&[
        "landmarks",
        img.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--overlay",
        overlay.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = read_json(&json);
    assert_eq!(v["width"], 512);
    assert_eq!(v["height"], 512);
    assert_eq!(v["model"], "v2", "v2 is the default model");
    let faces = v["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 1);
    let lm = faces[0]["landmarks"].as_array().unwrap();
    assert_eq!(lm.len(), 478);
    assert_eq!(lm[0].as_array().unwrap().len(), 3);
    let b: Vec<f64> = faces[0]["box"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    // The astronaut's face sits in the upper middle of the picture.
    assert!(b[0] > 150.0 && b[0] < 250.0 && b[2] > 60.0 && b[2] < 160.0, "box {b:?}");
    let s = faces[0]["score"].as_f64().unwrap();
    assert!(s > 0.5 && s <= 1.0);
    let o = image::open(&overlay).unwrap();
    assert_eq!((o.width(), o.height()), (512, 512));
    // The overlay differs from the input only where the mesh is drawn (around the face).
    let src = image::open(&img).unwrap().to_rgb8();
    let o = o.to_rgb8();
    let changed = src.pixels().zip(o.pixels()).filter(|(a, b)| a != b).count();
    assert!(changed > 2000 && changed < 40000, "changed pixels: {changed}");
}

#[test]
fn v1_model_gives_468_points() {
    let out = vanity(&["landmarks", sample("astronaut.png").to_str().unwrap(), "--model", "v1"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["model"], "v1");
    assert_eq!(v["faces"][0]["landmarks"].as_array().unwrap().len(), 468);
}

#[test]
fn image_without_faces_gives_empty_list() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("grey.png");
    image::RgbImage::from_pixel(320, 240, image::Rgb([128, 128, 128])).save(&p).unwrap();
    let out = vanity(&["landmarks", p.to_str().unwrap()]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["faces"], Value::Array(vec![]));
    assert_eq!(v["width"], 320);
}

#[test]
fn track_writes_every_frame_with_timings() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("t.json");
    let out =
        vanity(&["track", sample("carphone.mp4").to_str().unwrap(), "--model", "v1", "--json", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = read_json(&json);
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(176), Some(144)));
    let frames = v["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 120);
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f["index"], i);
        assert!(f["track_ms"].as_f64().unwrap() > 0.0);
        assert_eq!(f["faces"].as_array().unwrap().len(), 1, "frame {i}");
    }
}

#[test]
fn track_reads_folders_and_single_images() {
    let dir = tempfile::tempdir().unwrap();
    let frames = dir.path().join("frames");
    std::fs::create_dir(&frames).unwrap();
    let img = image::open(sample("astronaut.png")).unwrap();
    for i in 0..3 {
        img.save(frames.join(format!("{i:03}.png"))).unwrap();
    }
    std::fs::write(frames.join("notes.txt"), "not a frame").unwrap();
    let json = dir.path().join("t.json");
    let out = vanity(&["track", frames.to_str().unwrap(), "--raw", "--json", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = read_json(&json);
    assert_eq!(v["frames"].as_array().unwrap().len(), 3);
    // Raw tracking of a still image: the same face every frame, within a pixel.
    let x = |i: usize| v["frames"][i]["faces"][0]["landmarks"][1][0].as_f64().unwrap();
    assert!((x(0) - x(2)).abs() < 1.0);

    let out = vanity(&["track", sample("astronaut.png").to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(read_json(&json)["frames"].as_array().unwrap().len(), 1);
}

#[test]
fn missing_file_is_named() {
    let out = vanity(&["landmarks", "/nonexistent/face.png"]);
    assert_clear_error(&out, &["/nonexistent/face.png", "no such file"]);
    let out = vanity(&["track", "/nonexistent/clip.mp4", "--json", "/tmp/x.json"]);
    assert_clear_error(&out, &["/nonexistent/clip.mp4", "no such file"]);
}

#[test]
fn file_that_is_not_an_image_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fake.png");
    std::fs::write(&p, b"this is not a png").unwrap();
    assert_clear_error(&vanity(&["landmarks", p.to_str().unwrap()]), &["fake.png", "not a readable image"]);
    assert_clear_error(
        &vanity(&["track", p.to_str().unwrap(), "--json", "/tmp/x.json"]),
        &["fake.png", "not a readable image"],
    );
}

#[test]
fn corrupt_video_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.mp4");
    std::fs::write(&garbage, vec![0x5au8; 4096]).unwrap();
    let json = dir.path().join("t.json");
    assert_clear_error(
        &vanity(&["track", garbage.to_str().unwrap(), "--json", json.to_str().unwrap()]),
        &["garbage.mp4", "MP4"],
    );

    // A real file cut in half: the header survives, the samples do not.
    let bytes = std::fs::read(sample("carphone.mp4")).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_clear_error(&vanity(&["track", cut.to_str().unwrap(), "--json", json.to_str().unwrap()]), &["cut.mp4"]);

    // Intact header, samples damaged from the middle on: the frames before are kept.
    let mut damaged = bytes.clone();
    let (from, to) = (bytes.len() / 2, bytes.len() * 9 / 10);
    damaged[from..to].iter_mut().for_each(|b| *b = 0x5a);
    let bad = dir.path().join("damaged.mp4");
    std::fs::write(&bad, &damaged).unwrap();
    let out = vanity(&["track", bad.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert_clear_error(&out, &["damaged.mp4", "stopped at frame"]);
    // The frames before the damage were tracked and kept.
    let kept = read_json(&json)["frames"].as_array().unwrap().len();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(kept > 10 && said.contains(&format!("stopped at frame {kept}")), "{kept} frames kept; {said}");
}

#[test]
fn missing_model_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        vanity(&["--models", dir.path().to_str().unwrap(), "landmarks", sample("astronaut.png").to_str().unwrap()]);
    assert_clear_error(&out, &["face_detector.onnx", "not found"]);

    std::fs::write(dir.path().join("face_detector.onnx"), b"not a model").unwrap();
    let out =
        vanity(&["--models", dir.path().to_str().unwrap(), "landmarks", sample("astronaut.png").to_str().unwrap()]);
    assert_clear_error(&out, &["face_detector.onnx"]);
}

#[test]
fn missing_runtime_says_how_to_get_it() {
    let out = vanity_env(
        &["landmarks", sample("astronaut.png").to_str().unwrap()],
        "ORT_DYLIB_PATH",
        "/nonexistent/libonnxruntime.so",
    );
    assert_clear_error(
        &out,
        &["ONNX Runtime library not found", "/nonexistent/libonnxruntime.so", "fetch_onnxruntime.sh"],
    );

    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("libonnxruntime.so");
    std::fs::write(&fake, b"not a library").unwrap();
    let out =
        vanity_env(&["landmarks", sample("astronaut.png").to_str().unwrap()], "ORT_DYLIB_PATH", fake.to_str().unwrap());
    assert_clear_error(&out, &["ONNX Runtime library", "libonnxruntime.so"]);
}

#[test]
fn bad_arguments_are_refused() {
    let out = vanity(&["landmarks", sample("astronaut.png").to_str().unwrap(), "--max-faces", "0"]);
    assert_clear_error(&out, &["--max-faces"]);
}

#[test]
fn apply_puts_a_bundled_look_on_the_face_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("evening.png");
    let img = sample("astronaut.png");
    let run = vanity(&["apply", img.to_str().unwrap(), "--look", "evening", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (a, b) = (image::open(&img).unwrap().to_rgb8(), image::open(&out).unwrap().to_rgb8());
    assert_eq!(a.dimensions(), b.dimensions());
    let changed: Vec<(u32, u32)> =
        a.enumerate_pixels().filter(|(x, y, p)| b.get_pixel(*x, *y) != *p).map(|(x, y, _)| (x, y)).collect();
    assert!(changed.len() > 500, "the look changed only {} pixels", changed.len());
    // Everything changed lies on the face (the astronaut's face is inside x 150-320, y 50-230).
    assert!(
        changed.iter().all(|&(x, y)| (150..320).contains(&x) && (50..230).contains(&y)),
        "pixels changed off the face"
    );
}

#[test]
fn bad_look_files_are_named_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let look = dir.path().join("bad.toml");
    std::fs::write(&look, "name = \"Bad\"\n[lipstick]\ncolor = \"#B0153A\"\nfinish = \"shiny\"\n").unwrap();
    let img = sample("astronaut.png");
    let out = dir.path().join("o.png");
    let run =
        vanity(&["apply", img.to_str().unwrap(), "--look", look.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_clear_error(&run, &["bad.toml:4:", "shiny"]);
    let run = vanity(&["apply", img.to_str().unwrap(), "--look", "no-such-look", "--out", out.to_str().unwrap()]);
    assert_clear_error(&run, &["no-such-look", "evening"]);
    assert!(!out.exists(), "nothing written on error");
}

#[test]
fn catalog_import_converts_csv_and_names_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("c.toml");
    let csv = root().join("assets/catalog.csv");
    let run = vanity(&["catalog", "import", csv.to_str().unwrap(), "--out", toml.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let ours = vanity::looks::Catalog::load(&toml).unwrap();
    let bundled = vanity::looks::Catalog::load(&root().join("assets/catalog.toml")).unwrap();
    assert_eq!(ours.products, bundled.products, "the CSV and TOML catalogs hold the same products");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "brand,name,sku,category,shade,finish,undertone\nA,B,1,lipstick,#12345G,matte,warm\n")
        .unwrap();
    let run = vanity(&["catalog", "import", bad.to_str().unwrap(), "--out", toml.to_str().unwrap()]);
    assert_clear_error(&run, &["bad.csv:2:", "#12345G"]);
}

#[test]
fn analyze_and_recommend_write_the_documented_json_and_a_look() {
    let dir = tempfile::tempdir().unwrap();
    // Kiosk distance: the astronaut ×2 (about 120 px between the eyes).
    let photo = dir.path().join("astronaut_x2.png");
    let img = image::open(sample("astronaut.png")).unwrap().to_rgb8();
    image::imageops::resize(&img, 1024, 1024, image::imageops::FilterType::Triangle).save(&photo).unwrap();
    let json = dir.path().join("a.json");
    let out = vanity(&["analyze", photo.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Monk"), "a human summary on stdout");
    let v = read_json(&json);
    let face = &v["faces"][0];
    for key in ["lab", "hex", "ita", "ita_band", "monk", "hue", "undertone", "certain", "spread"] {
        assert!(!face["skin"][key].is_null(), "skin.{key} missing: {face}");
    }
    for key in ["evenness", "redness", "shine", "under_eye"] {
        assert!(face["condition"][key]["value"].is_number(), "condition.{key}: {face}");
    }
    for key in ["verdict", "cct", "correction", "confidence", "advice"] {
        assert!(!face["lighting"][key].is_null(), "lighting.{key}: {face}");
    }
    assert!(face["lips"]["lab"].is_array() && face["face_shape"].is_string() && face["box"].is_array());

    let rec = dir.path().join("r.json");
    let look = dir.path().join("mine.look.toml");
    let out = vanity(&[
        "recommend",
        photo.to_str().unwrap(),
        "--occasion",
        "evening",
        "--json",
        rec.to_str().unwrap(),
        "--look-out",
        look.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = read_json(&rec);
    let recs = v["recommendations"].as_array().unwrap();
    assert!(recs.len() >= 6, "{v}");
    for r in recs {
        for key in ["category", "sku", "name", "hex", "score", "reasons"] {
            assert!(!r[key].is_null(), "{key}: {r}");
        }
    }
    assert!(recs.iter().any(|r| r["category"] == "foundation" && r["delta_e"].is_number()));
    // The written look is a look file `apply` takes.
    let made_up = dir.path().join("made_up.png");
    let out = vanity(&[
        "apply",
        photo.to_str().unwrap(),
        "--look",
        look.to_str().unwrap(),
        "--out",
        made_up.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    assert_clear_error(&vanity(&["recommend", photo.to_str().unwrap(), "--occasion", "rave"]), &["--occasion rave"]);
}

#[test]
fn a_grey_card_calibration_is_stored_and_used_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    // A grey card under warm light fills the middle of the frame.
    let card = dir.path().join("card.png");
    image::RgbImage::from_pixel(400, 300, image::Rgb([140, 118, 92])).save(&card).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vanity")).args(args).env("VANITY_CONFIG_DIR", dir.path()).output().unwrap()
    };
    let out = run(&["calibrate", card.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(dir.path().join("settings.toml")).unwrap().contains("grey_card"));
    let json = dir.path().join("a.json");
    let out =
        run(&["analyze", sample("astronaut.png").to_str().unwrap(), "--calibrated", "--json", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(read_json(&json)["faces"][0]["lighting"]["reference"], "grey_card");
    // No card, no calibration: one clear line.
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vanity"))
        .args(["analyze", sample("astronaut.png").to_str().unwrap(), "--calibrated"])
        .env("VANITY_CONFIG_DIR", empty.path())
        .output()
        .unwrap();
    assert_clear_error(&out, &["calibrate"]);
}

/// The side-by-side of the six finishes (docs/finishes.png), as `vanity sheet --finishes` writes
/// it: three tiles across and two down, in the order the docs give, each finish visibly its own.
#[test]
fn the_finishes_sheet_shows_six_finishes_that_differ() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("finishes.png");
    let run = vanity(&["sheet", "--finishes", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let listed = String::from_utf8_lossy(&run.stdout);
    for (i, finish) in ["matte", "satin", "gloss", "metallic", "shimmer", "sheer"].iter().enumerate() {
        assert!(listed.contains(&format!("{}. lipstick: {finish}", i + 1)), "tile {} is {finish}: {listed}", i + 1);
    }
    let sheet = image::open(&out).unwrap().to_rgb8();
    assert_eq!(sheet.dimensions(), (1440, 640), "3×2 tiles of 480×320");
    let tile = |i: u32| image::imageops::crop_imm(&sheet, (i % 3) * 480, (i / 3) * 320, 480, 320).to_image();
    // The lips fill about a twelfth of a tile: every pair of finishes differs by more than 6
    // levels over at least 2 % of it (3.8-7.8 % as regenerated), and the rest is the same face.
    for a in 0..6 {
        for b in a + 1..6 {
            let (ta, tb) = (tile(a), tile(b));
            let differ =
                ta.pixels().zip(tb.pixels()).filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > 6));
            let share = differ.count() as f32 / (480.0 * 320.0);
            assert!(share > 0.02, "tiles {} and {} differ over {:.1} % only", a + 1, b + 1, share * 100.0);
            assert!(
                share < 0.2,
                "tiles {} and {} are not the same face ({:.1} % differs)",
                a + 1,
                b + 1,
                share * 100.0
            );
        }
    }
}
