//! Ranking a catalog's products for a measured face. Foundation by CIEDE2000 from the corrected
//! skin; colour products by the rules' factors. Every recommendation carries the factors that
//! produced its score, so the explanation is the computation.

use serde::Serialize;

use super::colour::{self, UndertoneClass};
use super::measure::Measurement;
use super::rules::{self, Rules};
use crate::looks::catalog::{Category, Product, Undertone};
use crate::looks::{Catalog, Finish};

/// What a person asked for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Preferences {
    /// Occasion (a key of the rules' `[occasion]`); default "everyday".
    pub occasion: Option<String>,
    /// Intensity (natural, bold); default: the occasion's.
    pub intensity: Option<String>,
    /// Finishes liked (score higher).
    pub liked: Vec<Finish>,
    /// Finishes avoided (never recommended).
    pub avoided: Vec<Finish>,
    /// Categories to leave out.
    pub skip: Vec<Category>,
}

/// One factor of a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// Which rule.
    pub factor: &'static str,
    /// Points it added.
    pub points: f64,
    /// The reason, with its numbers.
    pub reason: String,
}

/// One recommended product.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub category: &'static str,
    pub sku: String,
    pub name: String,
    pub hex: String,
    /// Higher is better (sum of the factors' points; for foundation, 10 − ΔE00).
    pub score: f64,
    /// CIEDE2000 from the shade to the corrected skin (foundation) or natural lips (lipstick).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_e: Option<f64>,
    /// The reasons, in words with numbers.
    pub reasons: Vec<String>,
    /// The factors behind the score.
    pub factors: Vec<Factor>,
}

/// How many products of each category are recommended.
pub const PER_CATEGORY: usize = 3;

/// The smallest difference in ΔE00 that a measurement can tell apart (a just-noticeable skin
/// colour difference is ~1.8 on fair skin).
const MIN_RESOLUTION: f64 = 0.8;

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

fn as_catalog(u: UndertoneClass) -> Undertone {
    match u {
        UndertoneClass::Cool => Undertone::Cool,
        UndertoneClass::Neutral => Undertone::Neutral,
        UndertoneClass::Warm => Undertone::Warm,
        UndertoneClass::Olive => Undertone::Olive,
    }
}

/// Every category's best products for `m` (empty when the light does not allow advice).
pub fn recommend(m: &Measurement, catalog: &Catalog, rules: &Rules, prefs: &Preferences) -> Vec<Recommendation> {
    if !m.lighting.verdict.allows_advice() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for category in Category::ALL {
        if prefs.skip.contains(&category) {
            continue;
        }
        let products: Vec<&Product> = catalog
            .products
            .iter()
            .filter(|p| p.category == category && !p.finish.is_some_and(|f| prefs.avoided.contains(&f)))
            .collect();
        out.extend(match (rules::group(category), category) {
            (None, Category::Contour) => skin_matched(m, &products, CONTOUR_DEPTH),
            (None, Category::Highlighter) => skin_matched(m, &products, HIGHLIGHT_LIFT),
            (None, _) => skin_matched(m, &products, 0.0),
            (Some(group), _) => colours(m, &products, rules, prefs, group),
        });
    }
    out
}

/// How much deeper than the skin (L*) a contour shade sits: deep enough to read as shadow, close
/// enough in hue to look like one.
const CONTOUR_DEPTH: f64 = -12.0;
/// How much lighter than the skin (L*) a highlighter sits.
const HIGHLIGHT_LIFT: f64 = 12.0;

/// Skin-matched products by CIEDE2000 to the skin with its lightness moved by `offset` L*
/// (foundation 0, contour deeper, highlighter lighter); a catalog undertone that disagrees with a
/// clear measurement costs one ΔE unit of rank and says so.
fn skin_matched(m: &Measurement, products: &[&Product], offset: f64) -> Vec<Recommendation> {
    let skin = [m.skin.lab[0] + offset, m.skin.lab[1], m.skin.lab[2]];
    let person = as_catalog(m.skin.undertone);
    let mut ranked: Vec<(f64, f64, &Product)> = products
        .iter()
        .map(|p| {
            let de = colour::delta_e(colour::srgb_lab(p.shade), skin);
            let mismatch = m.skin.certain && p.undertone.is_some_and(|u| u != person && u != Undertone::Neutral);
            (de + if mismatch { 1.0 } else { 0.0 }, de, *p)
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    let resolution = MIN_RESOLUTION.max(m.skin.spread);
    let top: Vec<_> = ranked.into_iter().take(PER_CATEGORY).collect();
    top.iter()
        .enumerate()
        .map(|(i, &(rank, de, p))| {
            let shade = colour::srgb_lab(p.shade);
            let dl = shade[0] - skin[0];
            let lighter = match dl {
                d if d > 1.0 => format!("{:.1} L* lighter", d),
                d if d < -1.0 => format!("{:.1} L* deeper", -d),
                _ => "the same depth".to_string(),
            };
            let mut factors = vec![Factor {
                factor: "delta_e",
                points: round(10.0 - de, 2),
                reason: if offset == 0.0 {
                    format!("ΔE00 {de:.1} to your skin, {lighter}")
                } else {
                    format!("ΔE00 {de:.1} to your skin {offset:+.0} L*, {lighter}")
                },
            }];
            match p.undertone {
                Some(u) if u == person || u == Undertone::Neutral => factors.push(Factor {
                    factor: "undertone",
                    points: 0.0,
                    reason: format!("{} shade for your {} undertone (h {:.0}°)", u.name(), person.name(), m.skin.hue),
                }),
                Some(u) if m.skin.certain => factors.push(Factor {
                    factor: "undertone",
                    points: -1.0,
                    reason: format!(
                        "made for {} undertones, you measure {} (h {:.0}°): ranked one ΔE lower for that",
                        u.name(),
                        person.name(),
                        m.skin.hue
                    ),
                }),
                Some(u) => factors.push(Factor {
                    factor: "undertone",
                    points: 0.0,
                    reason: format!(
                        "made for {} undertones; yours is near a boundary (h {:.0}°), so colour decides",
                        u.name(),
                        m.skin.hue
                    ),
                }),
                None => {}
            }
            if let Some(&(next_rank, next_de, next)) = top.get(i + 1)
                && i == 0
                && (next_rank - rank).abs() < resolution
            {
                factors.push(Factor {
                    factor: "between",
                    points: 0.0,
                    reason: format!(
                        "between {} and {} ({}): ΔE {de:.1} vs {next_de:.1} is within your measurement's ±{resolution:.1}",
                        p.name, next.name, next.sku
                    ),
                });
            }
            Recommendation {
                category: p.category.name(),
                sku: p.sku.clone(),
                name: p.name.clone(),
                hex: p.shade.to_string(),
                score: round(10.0 - rank, 2),
                delta_e: Some(round(de, 2)),
                reasons: factors.iter().map(|f| f.reason.clone()).collect(),
                factors,
            }
        })
        .collect()
}

/// How well `v` fits `range`: 1 inside, falling to 0 at `soft` outside.
fn fit(v: f64, [lo, hi]: [f64; 2], soft: f64) -> f64 {
    let outside = if v < lo {
        lo - v
    } else if v > hi {
        v - hi
    } else {
        0.0
    };
    (1.0 - outside / soft).max(0.0)
}

/// Colour products by the rules' factors.
fn colours(
    m: &Measurement,
    products: &[&Product],
    rules: &Rules,
    prefs: &Preferences,
    group: &str,
) -> Vec<Recommendation> {
    let w = rules.weights;
    let person = m.skin.undertone;
    let occasion_name = prefs.occasion.clone().unwrap_or_else(|| "everyday".into());
    let occasion = rules.occasion.get(&occasion_name);
    let intensity_name =
        prefs.intensity.clone().or_else(|| occasion.map(|o| o.intensity.clone())).unwrap_or_else(|| "natural".into());
    let chroma_range = rules.intensity.get(&intensity_name).and_then(|g| g.get(group)).copied();
    let suited: Vec<String> =
        rules.undertone.get(person.name()).and_then(|g| g.get(group)).cloned().unwrap_or_default();
    let lightness = rules.lightness(m.skin.monk, group);
    let mut scored: Vec<Recommendation> = products
        .iter()
        .map(|p| {
            let lab = colour::srgb_lab(p.shade);
            let (h, c) = (colour::hue(lab), colour::chroma(lab));
            let mut factors = Vec::new();
            if let Some(u) = p.undertone {
                let agree = if u == as_catalog(person) {
                    1.0
                } else if u == Undertone::Neutral {
                    0.5
                } else {
                    0.0
                };
                factors.push(Factor {
                    factor: "undertone",
                    points: round(w.undertone * agree, 2),
                    reason: format!(
                        "catalog: {} shade; your undertone {} (h {:.0}°)",
                        u.name(),
                        person.name(),
                        m.skin.hue
                    ),
                });
            }
            if let Some(f) = rules.family_of(group, h) {
                let on = suited.contains(&f.name);
                factors.push(Factor {
                    factor: "family",
                    points: if on { w.family } else { 0.0 },
                    reason: if on {
                        format!(
                            "{} undertone (h {:.0}°) suits the {} family (shade h {h:.0}°)",
                            person.name(),
                            m.skin.hue,
                            f.name
                        )
                    } else {
                        format!("{} family (h {h:.0}°) is not one for {} undertones", f.name, person.name())
                    },
                });
            }
            if let Some(range) = lightness {
                let fitness = fit(lab[0], range, 15.0);
                factors.push(Factor {
                    factor: "depth",
                    points: round(w.depth * fitness, 2),
                    reason: format!(
                        "Monk {} skin wears shades of L* {:.0}-{:.0}; this one L* {:.0}",
                        m.skin.monk, range[0], range[1], lab[0]
                    ),
                });
            }
            if let Some(range) = chroma_range {
                let fitness = fit(c, range, 15.0);
                factors.push(Factor {
                    factor: "intensity",
                    points: round(w.intensity * fitness, 2),
                    reason: format!("{intensity_name}: chroma {:.0}-{:.0}; this one C* {c:.0}", range[0], range[1]),
                });
            }
            if let (Some(o), Some(f)) = (occasion, p.finish) {
                let suit = o.finishes.get(f.name()).copied().unwrap_or(0.5);
                factors.push(Factor {
                    factor: "occasion",
                    points: round(w.occasion * suit, 2),
                    reason: format!("{occasion_name}: a {} finish suits it {:.0} %", f.name(), suit * 100.0),
                });
            }
            if p.finish.is_some_and(|f| prefs.liked.contains(&f)) {
                factors.push(Factor { factor: "liked", points: w.liked, reason: "a finish you like".into() });
            }
            let score = round(factors.iter().map(|f| f.points).sum(), 2);
            let delta_e = (group == "lips").then(|| m.lips.map(|l| round(colour::delta_e(lab, l), 2))).flatten();
            Recommendation {
                category: p.category.name(),
                sku: p.sku.clone(),
                name: p.name.clone(),
                hex: p.shade.to_string(),
                score,
                delta_e,
                reasons: factors.iter().filter(|f| f.points > 0.0).map(|f| f.reason.clone()).collect(),
                factors,
            }
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.sku.cmp(&b.sku)));
    scored.truncate(PER_CATEGORY);
    scored
}
