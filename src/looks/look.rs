//! A look: which makeup layers are on and how. A missing section means that layer is off.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::color::Srgb;
use super::{LookError, toml_error};

/// Lipstick finishes, from flat to sparkling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Finish {
    /// Flattened highlights, powdery.
    #[default]
    Matte,
    /// Soft sheen: the lip's own light, slightly lifted.
    Satin,
    /// Bright specular highlights grown from the lip's own bright spots.
    Gloss,
    /// Highlights tinted by the shade, stronger contrast.
    Metallic,
    /// Fine sparkles fixed to the lips.
    Shimmer,
    /// Low coverage: the lip colour shows through.
    Sheer,
}

impl std::str::FromStr for Finish {
    type Err = String;
    /// A finish by name, as in looks and catalogs (for the command line).
    fn from_str(s: &str) -> Result<Self, String> {
        super::by_name(&Finish::ALL, Finish::name, "finish", s)
    }
}

impl Finish {
    /// Every finish, in the order the panel and contact sheet show them.
    pub const ALL: [Finish; 6] =
        [Finish::Matte, Finish::Satin, Finish::Gloss, Finish::Metallic, Finish::Shimmer, Finish::Sheer];

    /// Name as written in looks.
    pub fn name(self) -> &'static str {
        match self {
            Finish::Matte => "matte",
            Finish::Satin => "satin",
            Finish::Gloss => "gloss",
            Finish::Metallic => "metallic",
            Finish::Shimmer => "shimmer",
            Finish::Sheer => "sheer",
        }
    }
}

fn one() -> f32 {
    1.0
}

/// Lip colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lipstick {
    /// Shade.
    pub color: Srgb,
    /// Finish.
    #[serde(default)]
    pub finish: Finish,
    /// Coverage, 0–1.
    #[serde(default = "one")]
    pub opacity: f32,
    /// Optional liner along the outer lip contour.
    #[serde(default)]
    pub liner: Option<Srgb>,
    /// Ombré (two-tone lips): the colour towards the inside of the lips, blending from `color`
    /// at the outer lip line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner: Option<Srgb>,
}

/// Cheek colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blush {
    /// Shade.
    pub color: Srgb,
    /// Strength, 0–1.
    #[serde(default = "one")]
    pub opacity: f32,
}

/// Lid colour: one to three shades from the lash line up towards the brow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eyeshadow {
    /// Shades, lash line first.
    pub colors: Vec<Srgb>,
    /// Strength, 0–1.
    #[serde(default = "one")]
    pub opacity: f32,
    /// Mica, 0 (matte) – 1: flakes fixed on the lid that glint where the light mirrors off them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub shimmer: f32,
}

fn is_zero(v: &f32) -> bool {
    *v == 0.0
}

/// A line along the upper lashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eyeliner {
    /// Colour.
    pub color: Srgb,
    /// 0 (hairline) to 1 (bold).
    #[serde(default = "half")]
    pub thickness: f32,
    /// 0 (none) to 1 (long flick past the outer corner).
    #[serde(default)]
    pub wing: f32,
    /// Strength, 0–1.
    #[serde(default = "one")]
    pub opacity: f32,
}

fn half() -> f32 {
    0.5
}

/// Brow tint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brows {
    /// Colour.
    pub color: Srgb,
    /// Strength, 0–1.
    #[serde(default = "half")]
    pub opacity: f32,
}

/// Skin smoothing plus a coverage tint over the face (not eyes, brows or lips).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Foundation {
    /// Shade.
    pub color: Srgb,
    /// Tint strength, 0–1.
    #[serde(default = "half")]
    pub opacity: f32,
    /// Edge-preserving smoothing, 0–1.
    #[serde(default = "half")]
    pub smoothing: f32,
}

/// Sculpting shade: a matte powder a few shades deeper than the skin, placed for the face's shape
/// (under the cheekbones, temples, jaw, sides of the nose).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contour {
    /// Shade.
    pub color: Srgb,
    /// Strength, 0–1.
    #[serde(default = "half")]
    pub opacity: f32,
}

/// Highlighter: light added on the face's high planes (cheekbones, nose bridge, forehead, chin,
/// cupid's bow), placed for the face's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Highlight {
    /// Tint of the light it adds (champagne, pearl, gold, rose).
    pub color: Srgb,
    /// Strength, 0–1.
    #[serde(default = "half")]
    pub opacity: f32,
}

/// A complete look. Layers apply in a makeup artist's order: foundation, contour, highlight,
/// blush, eyeshadow, eyeliner, brows, lipstick, then a clear gloss over the lips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Look {
    /// Shown in the panel.
    pub name: String,
    /// Optional one-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foundation: Option<Foundation>,
    /// Sculpting shade under cheekbones, temples, jaw, nose sides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contour: Option<Contour>,
    /// Light on the high planes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<Highlight>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blush: Option<Blush>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eyeshadow: Option<Eyeshadow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eyeliner: Option<Eyeliner>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brows: Option<Brows>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lipstick: Option<Lipstick>,
    /// A clear gloss over the lips, worn over any lipstick (or none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gloss: Option<Gloss>,
}

/// A clear gloss topper: no colour of its own, a wet clear coat over whatever the lips wear.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gloss {
    /// How much shine, 0–1 (the clear coat's lift and its highlights together).
    #[serde(default = "one")]
    pub opacity: f32,
}

/// Numbers that must lie in 0–1, by section.
const UNIT_KEYS: [&str; 5] = ["opacity", "thickness", "wing", "smoothing", "shimmer"];

impl Look {
    /// Parses look TOML; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Look, LookError> {
        let look: Look = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
        check_ranges(text, path)?;
        if let Some(e) = &look.eyeshadow
            && !(1..=3).contains(&e.colors.len())
        {
            let line = find_line(text, "colors").unwrap_or(1);
            return Err(LookError::Invalid {
                path: path.to_path_buf(),
                line,
                message: format!("eyeshadow takes 1 to 3 colors, got {}", e.colors.len()),
            });
        }
        Ok(look)
    }

    /// Reads a look file.
    pub fn load(path: &Path) -> Result<Look, LookError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| LookError::Io { path: path.to_path_buf(), source })?;
        Self::parse(&text, path)
    }

    /// A look by path, or by name: the user's own (`looks/NAME.toml` in the config folder, see
    /// [`crate::data::user_dir`]) before a bundled one (`assets/looks/NAME.toml`).
    pub fn find(name_or_path: &str) -> Result<(Look, PathBuf), LookError> {
        let as_path = Path::new(name_or_path);
        if as_path.exists() {
            return Ok((Self::load(as_path)?, as_path.to_path_buf()));
        }
        if looks_like_a_path(name_or_path) {
            let source = std::io::Error::new(std::io::ErrorKind::NotFound, "file not found");
            return Err(LookError::Io { path: as_path.to_path_buf(), source });
        }
        let file = format!("{}.toml", name_or_path.to_ascii_lowercase());
        let user = crate::data::user_dir().map(|d| d.join("looks").join(&file));
        for candidate in user.into_iter().chain([looks_dir().join(&file)]) {
            if candidate.is_file() {
                return Ok((Self::load(&candidate)?, candidate));
            }
        }
        let known = bundled_names().join(", ");
        Err(LookError::UnknownLook { name: name_or_path.to_string(), known })
    }

    /// The look as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("looks always serialise")
    }
}

/// Whether a `--look` argument names a file rather than a look (a folder or a `.toml` in it).
fn looks_like_a_path(arg: &str) -> bool {
    arg.contains('/') || arg.contains(std::path::MAIN_SEPARATOR) || arg.to_ascii_lowercase().ends_with(".toml")
}

/// Folder of the bundled looks.
pub fn looks_dir() -> PathBuf {
    crate::data::asset("looks")
}

/// Names of the bundled looks, sorted.
pub fn bundled_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(looks_dir())
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let p = e.path();
                    (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(String::from))?
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every bundled look, in name order (the panel's and the contact sheet's order).
pub fn bundled() -> Result<Vec<Look>, LookError> {
    let dir = looks_dir();
    bundled_names().iter().map(|n| Look::load(&dir.join(format!("{n}.toml")))).collect()
}

/// Line of the first `key =` in `text`.
fn find_line(text: &str, key: &str) -> Option<usize> {
    text.lines().position(|l| l.trim_start().starts_with(key) && l.contains('=')).map(|i| i + 1)
}

/// Every 0–1 number in every section, checked with its line.
fn check_ranges(text: &str, path: &Path) -> Result<(), LookError> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
    for (section, value) in &doc {
        let Some(table) = value.as_table() else {
            continue;
        };
        for key in UNIT_KEYS {
            let Some(v) = table.get(key) else { continue };
            let number = v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
            if !matches!(number, Some(n) if (0.0..=1.0).contains(&n)) {
                return Err(LookError::Invalid {
                    path: path.to_path_buf(),
                    line: section_key_line(text, section, key).unwrap_or(1),
                    message: format!("[{section}] {key} must be a number from 0 to 1, got {v}"),
                });
            }
        }
    }
    Ok(())
}

/// Line of `key =` inside `[section]`.
fn section_key_line(text: &str, section: &str, key: &str) -> Option<usize> {
    let header = format!("[{section}]");
    let dotted = format!("{section}.{key}");
    let mut inside = false;
    let mut top_level = true;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let name = t.split('=').next().map(|k| k.split_whitespace().collect::<String>());
        if t.starts_with('[') {
            inside = t == header;
            top_level = false;
        } else if (inside && name.as_deref() == Some(key)) || (top_level && name.as_deref() == Some(dotted.as_str())) {
            // `[lipstick]` then `opacity = …`, or a dotted key `lipstick.opacity = …` before any table.
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn ombre_and_gloss_are_optional_keys_that_round_trip() {
        let text =
            "name = \"two-tone\"\n[lipstick]\ncolor = \"#6E1428\"\ninner = \"#E86A7E\"\n[gloss]\nopacity = 0.5\n";
        let look = Look::parse(text, Path::new("l.toml")).unwrap();
        let lip = look.lipstick.as_ref().unwrap();
        assert_eq!(lip.inner.map(|c| c.to_string()).as_deref(), Some("#E86A7E"));
        assert_eq!(look.gloss, Some(Gloss { opacity: 0.5 }));
        assert_eq!(Look::parse(&look.to_toml(), Path::new("l.toml")).unwrap(), look);
        let plain = Look::parse("name = \"p\"\n[lipstick]\ncolor = \"#6E1428\"\n", Path::new("p.toml")).unwrap();
        assert!(plain.lipstick.unwrap().inner.is_none() && plain.gloss.is_none());
        let e = Look::parse("name = \"g\"\n[gloss]\nopacity = 1.5\n", Path::new("g.toml")).unwrap_err().to_string();
        assert!(e.contains("opacity") && e.contains("0 to 1"), "{e}");
    }
    use super::*;

    const EVENING: &str = r##"name = "Evening"
[lipstick]
color = "#B0153A"    # sRGB hex
finish = "matte"     # matte | satin | gloss | metallic | shimmer | sheer
opacity = 1.0
[blush]
color = "#E07A7A"
opacity = 0.6
[eyeshadow]
colors = ["#5B3A6E", "#C8A2C8"]
opacity = 0.7
[eyeliner]
color = "#111111"
thickness = 0.5
wing = 0.3
"##;

    fn err(text: &str) -> String {
        Look::parse(text, Path::new("look.toml")).unwrap_err().to_string()
    }

    #[test]
    fn issue_example_parses() {
        let look = Look::parse(EVENING, Path::new("evening.toml")).unwrap();
        assert_eq!(look.name, "Evening");
        let lip = look.lipstick.unwrap();
        assert_eq!(lip.finish, Finish::Matte);
        assert_eq!(lip.color.to_string(), "#B0153A");
        assert_eq!(look.eyeshadow.unwrap().colors.len(), 2);
        assert!(look.foundation.is_none() && look.brows.is_none());
    }

    #[test]
    fn dotted_keys_are_named_at_their_own_line() {
        let text = "name = \"x\"\n\nlipstick.color = \"#B0153A\"\nlipstick.opacity = 2.0\n";
        let e = Look::parse(text, Path::new("d.toml")).unwrap_err().to_string();
        assert!(e.starts_with("d.toml:4:"), "{e}");
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let e = err(&EVENING.replace("\"matte\"", "\"shiny\""));
        assert!(e.starts_with("look.toml:4:") && e.contains("shiny"), "{e}");
        let e = err(&EVENING.replace("#E07A7A", "#E07A7"));
        assert!(e.starts_with("look.toml:7:") && e.contains("#E07A7"), "{e}");
        let e = err(&EVENING.replace("opacity = 0.7", "opacity = 1.7"));
        assert!(e.starts_with("look.toml:11:") && e.contains("opacity") && e.contains("0 to 1"), "{e}");
        let e = err(&EVENING.replace("wing = 0.3", "wing = 0.3\nsparkle = 2"));
        assert!(e.starts_with("look.toml:16:") && e.contains("sparkle"), "{e}");
        let e = err(&EVENING.replace("colors = [\"#5B3A6E\", \"#C8A2C8\"]", "colors = []"));
        assert!(e.starts_with("look.toml:10:") && e.contains("1 to 3"), "{e}");
        let e = err("name = \"x\"\n[lipstick\ncolor = \"#000000\"\n");
        assert!(e.starts_with("look.toml:2:"), "{e}");
    }

    #[test]
    fn round_trips_through_toml() {
        let look = Look::parse(EVENING, Path::new("e.toml")).unwrap();
        let again = Look::parse(&look.to_toml(), Path::new("e2.toml")).unwrap();
        assert_eq!(look, again);
    }
}
