//! Every parser of user files (looks, catalogs in TOML and CSV, advice rules, settings) is fed
//! random text and random edits of real files: it may refuse them, never panic.

mod common;

use std::path::Path;

use common::*;
use proptest::prelude::*;
use vanity::advisor::Rules;
use vanity::app::settings::Settings;
use vanity::looks::{Catalog, Look};

fn bundled(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap()
}

/// A real file with one line replaced, one line duplicated and some bytes changed.
fn edited(original: &str, line: usize, replacement: &str, dup: usize, flips: &[(usize, char)]) -> String {
    let mut lines: Vec<String> = original.lines().map(String::from).collect();
    if !lines.is_empty() {
        let i = line % lines.len();
        lines[i] = replacement.to_string();
        let d = dup % lines.len();
        let copy = lines[d].clone();
        lines.insert(d, copy);
    }
    let mut text: Vec<char> = lines.join("\n").chars().collect();
    for &(at, c) in flips {
        if !text.is_empty() {
            let i = at % text.len();
            text[i] = c;
        }
    }
    text.into_iter().collect()
}

/// Values a hostile file might put anywhere.
fn nasty_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("inf".to_string()),
        Just("nan".to_string()),
        Just("-1e309".to_string()),
        Just("\"#GGGGGG\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("[[1,2],[3]]".to_string()),
        Just("\"\u{202e}\u{0}\"".to_string()),
        Just("9999999999999999999999".to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        "[a-z#=\\[\\]\\.\"{} ,0-9-]{0,24}",
    ]
}

fn line_edit() -> impl Strategy<Value = String> {
    prop_oneof![
        nasty_value().prop_map(|v| format!("opacity = {v}")),
        nasty_value().prop_map(|v| format!("color = {v}")),
        nasty_value().prop_map(|v| format!("colors = {v}")),
        nasty_value().prop_map(|v| format!("shade = {v}")),
        nasty_value().prop_map(|v| format!("hue = {v}")),
        nasty_value().prop_map(|v| format!("monk = {v}")),
        nasty_value().prop_map(|v| format!("lipstick.opacity = {v}")),
        Just("[[product]]".to_string()),
        Just("[lipstick]".to_string()),
        Just("[[family]]".to_string()),
        ".{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_refused_or_read(text in ".{0,300}") {
        let p = Path::new("fuzz.toml");
        let _ = Look::parse(&text, p);
        let _ = Catalog::parse(&text, p);
        let _ = Catalog::from_csv(&text, Path::new("fuzz.csv"));
        let _ = Rules::parse(&text, p);
        let _ = toml::from_str::<Settings>(&text);
    }

    #[test]
    fn edited_real_files_are_refused_or_read(
        line in any::<usize>(),
        replacement in line_edit(),
        dup in any::<usize>(),
        flips in prop::collection::vec((any::<usize>(), any::<char>()), 0..4),
    ) {
        let p = Path::new("fuzz.toml");
        for (file, check) in [
            ("assets/looks/glam.toml", 0),
            ("assets/catalog.toml", 1),
            ("assets/catalog.csv", 2),
            ("assets/advice.toml", 3),
        ] {
            let text = edited(&bundled(file), line, &replacement, dup, &flips);
            match check {
                0 => { let _ = Look::parse(&text, p); }
                1 => { let _ = Catalog::parse(&text, p); }
                2 => { let _ = Catalog::from_csv(&text, Path::new("fuzz.csv")); }
                _ => { let _ = Rules::parse(&text, p); }
            }
        }
        let settings = format!("flip = true\ncamera = 2\n[look]\nname = \"x\"\n[look.lipstick]\n{replacement}\n");
        if let Ok(s) = toml::from_str::<Settings>(&settings)
            && let Some(look) = s.look
        {
            let _ = Look::parse(&look.to_toml(), p);
        }
    }
}
