//! The advice rules (`assets/advice.toml`): hue families, which families suit each undertone,
//! lightness by depth, chroma by intensity, finishes by occasion, and the weight of each factor.
//! Errors name the file and line, like looks and catalogs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::looks::catalog::Category;
use crate::looks::{Finish, LookError};

/// Weights of the scoring factors.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub undertone: f64,
    pub family: f64,
    pub depth: f64,
    pub intensity: f64,
    pub occasion: f64,
    pub liked: f64,
}

/// A named range of hue angles.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub name: String,
    /// Category groups it applies to (lips, cheeks, eyes, brows).
    pub groups: Vec<String>,
    /// Hue range in degrees, from → to (may wrap through 360).
    pub hue: [f64; 2],
}

impl Family {
    /// Whether hue angle `h` lies in this family's range.
    pub fn holds(&self, h: f64) -> bool {
        let [from, to] = self.hue;
        if from <= to { (from..to).contains(&h) } else { h >= from || h < to }
    }
}

/// Lightness ranges for a span of Monk steps (keys other than `monk` are groups, checked on load).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Depth {
    /// First and last Monk step.
    pub monk: [u8; 2],
    #[serde(flatten)]
    pub lightness: BTreeMap<String, [f64; 2]>,
}

/// An occasion's default intensity and finish suitability.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Occasion {
    pub intensity: String,
    pub finishes: BTreeMap<String, f64>,
}

/// The whole rule file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub weights: Weights,
    #[serde(rename = "family")]
    pub families: Vec<Family>,
    /// Undertone name → group → family names.
    pub undertone: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    #[serde(rename = "depth")]
    pub depths: Vec<Depth>,
    /// Intensity name → group → chroma range.
    pub intensity: BTreeMap<String, BTreeMap<String, [f64; 2]>>,
    pub occasion: BTreeMap<String, Occasion>,
}

/// The category groups rules speak of.
pub const GROUPS: [&str; 4] = ["lips", "cheeks", "eyes", "brows"];
/// Undertones rules must cover.
pub const UNDERTONES: [&str; 4] = ["cool", "neutral", "warm", "olive"];

/// The rule group of a category (foundation, contour and highlighter have none: they are matched
/// by colour difference to the skin, or to the skin made deeper or lighter).
pub fn group(c: Category) -> Option<&'static str> {
    match c {
        Category::Lipstick => Some("lips"),
        Category::Blush => Some("cheeks"),
        Category::Eyeshadow | Category::Eyeliner => Some("eyes"),
        Category::Brows => Some("brows"),
        Category::Foundation | Category::Contour | Category::Highlighter => None,
    }
}

impl Rules {
    /// The bundled rules (`assets/advice.toml` in the data folder).
    pub fn bundled_path() -> PathBuf {
        crate::data::asset("advice.toml")
    }

    /// Reads and checks a rules file.
    pub fn load(path: &Path) -> Result<Rules, LookError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| LookError::Io { path: path.to_path_buf(), source })?;
        Self::parse(&text, path)
    }

    /// Parses and checks rules TOML; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Rules, LookError> {
        let rules: Rules = toml::from_str(text).map_err(|e| crate::looks::toml_error(path, text, e))?;
        let invalid = |key: &str, message: String| LookError::Invalid {
            path: path.to_path_buf(),
            line: text.lines().position(|l| l.contains(key)).map(|i| i + 1).unwrap_or(1),
            message,
        };
        let w = rules.weights;
        for (name, v) in [("undertone", w.undertone), ("family", w.family), ("depth", w.depth)].into_iter().chain([
            ("intensity", w.intensity),
            ("occasion", w.occasion),
            ("liked", w.liked),
        ]) {
            if !(v.is_finite() && (0.0..=10.0).contains(&v)) {
                return Err(invalid(&format!("{name} ="), format!("weight {name} must be from 0 to 10, got {v}")));
            }
        }
        for f in &rules.families {
            if f.hue.iter().any(|h| !(0.0..=360.0).contains(h)) {
                return Err(invalid(&f.name, format!("family {}: hue angles are 0 to 360", f.name)));
            }
            if let Some(g) = f.groups.iter().find(|g| !GROUPS.contains(&g.as_str())) {
                return Err(invalid(
                    &f.name,
                    format!("family {}: unknown group `{g}` ({})", f.name, GROUPS.join(", ")),
                ));
            }
        }
        for u in UNDERTONES {
            let Some(groups) = rules.undertone.get(u) else {
                return Err(invalid("[undertone", format!("no [undertone.{u}] section")));
            };
            for name in groups.values().flatten() {
                if !rules.families.iter().any(|f| &f.name == name) {
                    return Err(invalid(name, format!("[undertone.{u}] names unknown family `{name}`")));
                }
            }
        }
        for d in &rules.depths {
            if let Some(g) = d.lightness.keys().find(|g| !GROUPS.contains(&g.as_str())) {
                return Err(invalid("[[depth]]", format!("[[depth]]: unknown group `{g}` ({})", GROUPS.join(", "))));
            }
        }
        for step in 1..=10u8 {
            if !rules.depths.iter().any(|d| (d.monk[0]..=d.monk[1]).contains(&step)) {
                return Err(invalid("[[depth]]", format!("no [[depth]] covers Monk step {step}")));
            }
        }
        for (name, o) in &rules.occasion {
            if !rules.intensity.contains_key(&o.intensity) {
                return Err(invalid(name, format!("occasion {name}: unknown intensity `{}`", o.intensity)));
            }
            if let Some(f) = o.finishes.keys().find(|f| !Finish::ALL.iter().any(|x| x.name() == f.as_str())) {
                return Err(invalid(name, format!("occasion {name}: unknown finish `{f}`")));
            }
        }
        Ok(rules)
    }

    /// The family of a shade's hue in a group.
    pub fn family_of(&self, group: &str, hue: f64) -> Option<&Family> {
        self.families.iter().find(|f| f.groups.iter().any(|g| g == group) && f.holds(hue))
    }

    /// The lightness range for a Monk step and group.
    pub fn lightness(&self, monk: u8, group: &str) -> Option<[f64; 2]> {
        self.depths
            .iter()
            .find(|d| (d.monk[0]..=d.monk[1]).contains(&monk))
            .and_then(|d| d.lightness.get(group).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_text() -> String {
        std::fs::read_to_string(Rules::bundled_path()).unwrap()
    }

    #[test]
    fn the_bundled_rules_are_valid_and_cover_every_case() {
        let rules = Rules::parse(&bundled_text(), Path::new("advice.toml")).unwrap();
        assert!(rules.family_of("lips", 5.0).is_some_and(|f| f.name == "berry"), "wraps through 360");
        assert!(rules.lightness(10, "lips").is_some());
        assert!(rules.occasion.contains_key("evening"));
    }

    #[test]
    fn bad_rules_name_the_line() {
        let text = bundled_text().replace("liked = 0.5", "liked = -3");
        let e = Rules::parse(&text, Path::new("advice.toml")).unwrap_err().to_string();
        assert!(e.starts_with("advice.toml:") && e.contains("liked"), "{e}");
        let line: usize = e.split(':').nth(1).unwrap().parse().unwrap();
        assert!(text.lines().nth(line - 1).unwrap().contains("liked"), "{e}");
        let text = bundled_text().replace("lips = [\"berry\", \"blue-red\", \"mauve\", \"plum\"]", "lips = [\"neon\"]");
        let e = Rules::parse(&text, Path::new("advice.toml")).unwrap_err().to_string();
        assert!(e.contains("unknown family `neon`"), "{e}");
        let text = bundled_text().replace("monk = [7, 10]", "monk = [7, 9]");
        assert!(Rules::parse(&text, Path::new("advice.toml")).unwrap_err().to_string().contains("Monk step 10"));
    }
}
