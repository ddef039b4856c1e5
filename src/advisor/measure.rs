//! One face's measurement: corrected skin colour (per area and overall), its spread, natural lip
//! colour, iris colour, face shape and skin condition, and the light it was seen in. Frames of a
//! live face are pooled by [`Accumulator`].

use glam::Vec3;
use image::RgbImage;
use serde::Serialize;

use super::colour::{self, ItaBand, UndertoneClass};
use super::light::{self, Correction, Exposure, Lighting};
use super::sampling::{AREAS, Sampler, area};

/// What one frame gives for one face, before pooling.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceReading {
    /// Corrected L*a*b* median of each entry of [`AREAS`] (None where too few pixels).
    pub areas: Vec<Option<[f64; 3]>>,
    /// Corrected skin colour (the skin areas' pixels pooled).
    pub skin: [f64; 3],
    /// Corrected natural lip colour.
    pub lips: Option<[f64; 3]>,
    /// Corrected iris colour (v2).
    pub iris: Option<[f64; 3]>,
    /// Share of T-zone pixels that are specular.
    pub shine: f64,
    /// The light.
    pub lighting: Lighting,
    /// Face shape from the mesh.
    pub shape: FaceShape,
}

/// Pixels below this count make an area's reading unreliable.
const MIN_AREA_PIXELS: usize = 8;
/// Robust band of each area's lightness: shadows below and highlights above are not skin colour.
const LIGHTNESS_BAND: (f64, f64) = (0.2, 0.85);
/// L* above the T-zone median that counts as specular shine.
const SHINE_ABOVE: f64 = 12.0;

/// Euclidean L*a*b* distance from the face's skin beyond which a pixel is something else (hair,
/// a beard, a hand).
const NOT_SKIN: f64 = 20.0;
/// Light confidence below which the undertone is reported as uncertain (few eye-white pixels).
const CERTAIN_LIGHT: f64 = 0.7;
/// An area whose median lies this far (Euclidean L*a*b*) from the others' is covered by something.
const OTHER_AREA: f64 = 12.0;
/// Share of an area's pixels that must look like skin for the area to count.
const MIN_KEPT: f64 = 0.4;

fn distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Median of `values` (empty → NaN), in linear time.
fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mid = values.len() / 2;
    *values.select_nth_unstable_by(mid, f64::total_cmp).1
}

/// The median L*a*b* of the pixels inside the lightness band.
fn robust_lab(labs: &[[f64; 3]]) -> Option<[f64; 3]> {
    if labs.len() < MIN_AREA_PIXELS {
        return None;
    }
    // The band's bounds by selection (linear time), then the band's median per channel.
    let mut lightness: Vec<f64> = labs.iter().map(|p| p[0]).collect();
    let n = lightness.len();
    let (lo, hi) = ((n as f64 * LIGHTNESS_BAND.0) as usize, ((n as f64 * LIGHTNESS_BAND.1) as usize).min(n - 1));
    let low = *lightness.select_nth_unstable_by(lo, f64::total_cmp).1;
    let high = *lightness.select_nth_unstable_by(hi, f64::total_cmp).1;
    let band: Vec<&[f64; 3]> = labs.iter().filter(|p| p[0] >= low && p[0] <= high).collect();
    Some([0, 1, 2].map(|c| median(band.iter().map(|p| p[c]).collect())))
}

/// Measures one face in one frame. `calibration`, when given, replaces the eye whites as the
/// light reference (a kiosk's grey card).
pub fn read_face(
    sampler: &Sampler,
    frame: &RgbImage,
    landmarks: &[Vec3],
    calibration: Option<&Correction>,
) -> FaceReading {
    let samples = sampler.sample(frame, landmarks);
    let (correction, sclera) = light::face_light(&samples.eyes, calibration);
    let to_lab = correction.to_xyz();
    let all: Vec<Vec<[f64; 3]>> = samples.areas.iter().map(|px| px.iter().map(|p| to_lab.lab(*p)).collect()).collect();
    // What covers the skin (hair over the forehead, a beard, glasses, a hand) is not skin colour:
    // pixels far from the face's overall skin colour are dropped, and an area that loses most of
    // its pixels that way is left out.
    // The reference is the median of the skin areas' own medians, so one area taken over by hair
    // (the largest, the forehead, often is) cannot pull it; such an area is then left out whole.
    let raw: Vec<Option<[f64; 3]>> = all.iter().map(|px| robust_lab(px)).collect();
    let medians: Vec<[f64; 3]> = area::SKIN.iter().filter_map(|&k| raw[k]).collect();
    let reference = [0, 1, 2].map(|c| median(medians.iter().map(|m| m[c]).collect()));
    let labs: Vec<Vec<[f64; 3]>> = all
        .iter()
        .zip(&raw)
        .map(|(px, m)| {
            if m.is_some_and(|m| distance(m, reference) > OTHER_AREA) {
                return Vec::new();
            }
            let kept: Vec<[f64; 3]> = px.iter().filter(|p| distance(**p, reference) < NOT_SKIN).copied().collect();
            if (kept.len() as f64) < px.len() as f64 * MIN_KEPT { Vec::new() } else { kept }
        })
        .collect();
    let areas: Vec<Option<[f64; 3]>> = labs.iter().map(|l| robust_lab(l)).collect();
    let skin_pixels: Vec<[f64; 3]> = area::SKIN.iter().flat_map(|&k| labs[k].iter().copied()).collect();
    let skin = robust_lab(&skin_pixels).unwrap_or(reference);

    let raw_skin: Vec<&[f32; 3]> = area::SKIN.iter().flat_map(|&k| samples.areas[k].iter()).collect();
    let luma = |p: &[f32; 3]| f64::from(super::sampling::linear_luma(p));
    let clipped =
        raw_skin.iter().filter(|p| p.iter().any(|c| *c >= 0.99)).count() as f64 / raw_skin.len().max(1) as f64;
    // From all of each cheek's pixels: a cheek in shadow is exactly what the skin filter drops.
    let side_difference = match (raw[area::RIGHT_CHEEK], raw[area::LEFT_CHEEK]) {
        (Some(r), Some(l)) => (r[0] - l[0]).abs(),
        _ => 0.0,
    };
    let exposure = Exposure {
        skin_luma: median(raw_skin.iter().map(|p| luma(p)).collect()),
        clipped,
        side_difference,
        sclera_pixels: sclera,
        gain: correction.luminance_gain(),
    };
    let lighting = light::judge(&correction, &exposure);

    let t_zone: Vec<f64> = area::T_ZONE.iter().flat_map(|&k| labs[k].iter().map(|p| p[0])).collect();
    let t_median = median(t_zone.clone());
    let shine = t_zone.iter().filter(|l| **l > t_median + SHINE_ABOVE).count() as f64 / t_zone.len().max(1) as f64;
    let correct_all = |px: &[[f32; 3]]| robust_lab(&px.iter().map(|p| to_lab.lab(*p)).collect::<Vec<_>>());
    FaceReading {
        areas,
        skin,
        lips: correct_all(&samples.lips),
        iris: correct_all(&samples.iris),
        shine,
        lighting,
        shape: FaceShape::of(landmarks),
    }
}

/// Face shapes, from the mesh's proportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaceShape {
    Oval,
    Round,
    Square,
    Heart,
    Long,
}

impl FaceShape {
    /// Length against width, and jaw and forehead against cheekbones (landmarks 10–152 length,
    /// 234–454 cheekbones, 172–397 jaw, 54–284 forehead).
    pub fn of(lm: &[Vec3]) -> Self {
        let d = |a: usize, b: usize| lm[a].truncate().distance(lm[b].truncate());
        let (length, cheeks, jaw, forehead) = (d(10, 152), d(234, 454), d(172, 397), d(54, 284));
        let ratio = length / cheeks.max(1e-3);
        let (jaw, forehead) = (jaw / cheeks.max(1e-3), forehead / cheeks.max(1e-3));
        if ratio > 1.45 {
            FaceShape::Long
        } else if forehead - jaw > 0.12 {
            FaceShape::Heart
        } else if ratio < 1.12 && jaw > 0.78 {
            FaceShape::Square
        } else if ratio < 1.12 {
            FaceShape::Round
        } else {
            FaceShape::Oval
        }
    }

    /// Words for people.
    pub fn name(self) -> &'static str {
        match self {
            FaceShape::Oval => "oval",
            FaceShape::Round => "round",
            FaceShape::Square => "square",
            FaceShape::Heart => "heart",
            FaceShape::Long => "long",
        }
    }
}

/// Iris colour classes (v2 only).
pub fn iris_class(lab: [f64; 3]) -> &'static str {
    let (c, h) = (colour::chroma(lab), colour::hue(lab));
    match () {
        _ if lab[0] < 28.0 && c < 18.0 => "dark brown",
        _ if (150.0..=300.0).contains(&h) || (lab[2] < 0.0 && c > 4.0) => "blue",
        _ if c < 7.0 => "grey",
        _ if (95.0..150.0).contains(&h) => "green",
        _ if (70.0..95.0).contains(&h) => "hazel",
        _ => "brown",
    }
}

/// The skin part of a face's analysis (the JSON's `skin`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skin {
    /// Corrected CIELAB (D65).
    pub lab: [f64; 3],
    /// sRGB hex of that colour.
    pub hex: String,
    /// Individual Typology Angle, degrees.
    pub ita: f64,
    /// ITA band.
    pub ita_band: ItaBand,
    /// Nearest Monk Skin Tone step (1–10).
    pub monk: u8,
    /// Hue angle h_ab, degrees.
    pub hue: f64,
    /// Undertone class.
    pub undertone: UndertoneClass,
    /// False when the hue sits near a class boundary (or the light is not good).
    pub certain: bool,
    /// How much the areas (and frames) disagree: RMS CIEDE2000 to the skin colour.
    pub spread: f64,
}

/// One number of skin condition with its plain label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// The measurement.
    pub value: f64,
    /// Its plain label.
    pub label: &'static str,
    /// What it is, in a few words.
    pub what: &'static str,
}

/// Cosmetic skin condition (not a medical reading).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkinCondition {
    /// Spread of corrected L* across forehead, cheeks and chin.
    pub evenness: Condition,
    /// a* of the cheeks minus a* of the forehead.
    pub redness: Condition,
    /// Share of T-zone pixels that shine (%).
    pub shine: Condition,
    /// L* of the cheeks minus L* under the eyes.
    pub under_eye: Condition,
}

fn label(value: f64, cuts: [f64; 2], labels: [&'static str; 3], what: &'static str) -> Condition {
    let label = if value < cuts[0] {
        labels[0]
    } else if value < cuts[1] {
        labels[1]
    } else {
        labels[2]
    };
    Condition { value: (value * 10.0).round() / 10.0, label, what }
}

/// A face's analysis, pooled over one or more frames.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The skin.
    pub skin: Skin,
    /// Natural lip colour (corrected Lab).
    pub lips: Option<[f64; 3]>,
    /// Iris colour class (v2).
    pub iris: Option<&'static str>,
    /// Face shape.
    pub shape: FaceShape,
    /// Skin condition.
    pub condition: SkinCondition,
    /// The light (from the last frame pooled).
    pub lighting: Lighting,
    /// Frames pooled.
    pub frames: usize,
    /// How much the frames disagree: RMS CIEDE2000 of each frame's skin to the pooled skin.
    pub frame_spread: f64,
}

/// Pools frames of one face: medians over frames of every reading.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    readings: Vec<FaceReading>,
}

impl Accumulator {
    /// Adds a frame's reading (readings without skin are skipped).
    pub fn add(&mut self, reading: FaceReading) {
        if reading.skin.iter().all(|v| v.is_finite()) {
            self.readings.push(reading);
        }
    }

    /// Frames pooled so far.
    pub fn frames(&self) -> usize {
        self.readings.len()
    }

    /// The pooled measurement, or None before any usable frame.
    pub fn measurement(&self) -> Option<Measurement> {
        let last = self.readings.last()?;
        let pool = |get: &dyn Fn(&FaceReading) -> Option<[f64; 3]>| -> Option<[f64; 3]> {
            let values: Vec<[f64; 3]> = self.readings.iter().filter_map(get).collect();
            (!values.is_empty()).then(|| [0, 1, 2].map(|c| median(values.iter().map(|v| v[c]).collect())))
        };
        let skin = pool(&|r| Some(r.skin))?;
        let areas: Vec<Option<[f64; 3]>> = (0..AREAS.len()).map(|k| pool(&|r| r.areas[k])).collect();
        // Spread: how far the skin areas of every frame lie from the pooled skin colour (RMS ΔE00).
        let deviations: Vec<f64> = self
            .readings
            .iter()
            .flat_map(|r| area::SKIN.iter().filter_map(move |&k| r.areas[k]))
            .map(|a| colour::delta_e(a, skin).powi(2))
            .collect();
        let spread = (deviations.iter().sum::<f64>() / deviations.len().max(1) as f64).sqrt();
        let hue = colour::hue(skin);
        // Hue uncertainty: the spread turned into degrees at this chroma.
        let hue_uncertainty = (spread / colour::chroma(skin).max(1.0)).to_degrees() * 0.5;
        let (undertone, clear) = colour::undertone(hue, hue_uncertainty);
        let ita = colour::ita(skin);
        let lightness = |k: usize| areas[k].map(|a| a[0]);
        let mean = |v: &[Option<f64>]| {
            let v: Vec<f64> = v.iter().flatten().copied().collect();
            v.iter().sum::<f64>() / v.len().max(1) as f64
        };
        let skin_l: Vec<f64> = area::SKIN.iter().filter_map(|&k| lightness(k)).collect();
        let l_mean = skin_l.iter().sum::<f64>() / skin_l.len().max(1) as f64;
        let evenness = (skin_l.iter().map(|l| (l - l_mean).powi(2)).sum::<f64>() / skin_l.len().max(1) as f64).sqrt();
        let cheeks_a = mean(&[areas[area::RIGHT_CHEEK].map(|a| a[1]), areas[area::LEFT_CHEEK].map(|a| a[1])]);
        let redness = cheeks_a - areas[area::FOREHEAD].map(|a| a[1]).unwrap_or(cheeks_a);
        let cheeks_l = mean(&[lightness(area::RIGHT_CHEEK), lightness(area::LEFT_CHEEK)]);
        let under_l = mean(&[lightness(area::UNDER_RIGHT_EYE), lightness(area::UNDER_LEFT_EYE)]);
        let shine = median(self.readings.iter().map(|r| r.shine).collect()) * 100.0;
        Some(Measurement {
            skin: Skin {
                lab: skin.map(|v| (v * 100.0).round() / 100.0),
                hex: colour::lab_to_srgb(skin).to_string(),
                ita: (ita * 10.0).round() / 10.0,
                ita_band: ItaBand::of(ita),
                monk: colour::monk_step(skin),
                hue: (hue * 10.0).round() / 10.0,
                undertone,
                // A clear hue, under light good enough and a reference sure enough to correct by.
                certain: clear && last.lighting.verdict.allows_advice() && last.lighting.confidence >= CERTAIN_LIGHT,
                spread: (spread * 100.0).round() / 100.0,
            },
            lips: pool(&|r| r.lips),
            iris: pool(&|r| r.iris).map(iris_class),
            shape: last.shape,
            condition: SkinCondition {
                evenness: label(
                    evenness,
                    [2.0, 4.0],
                    ["even", "slightly uneven", "uneven"],
                    "spread of lightness across forehead, cheeks and chin (L*)",
                ),
                redness: label(
                    redness,
                    [2.0, 5.0],
                    ["low", "moderate", "high"],
                    "cheeks redder than the forehead (a*)",
                ),
                shine: label(
                    shine,
                    [3.0, 8.0],
                    ["matte", "some shine", "shiny"],
                    "share of the T-zone that shines (%)",
                ),
                under_eye: label(
                    cheeks_l - under_l,
                    [3.0, 6.0],
                    ["none", "light", "marked"],
                    "how much darker under the eyes than the cheeks (L*)",
                ),
            },
            lighting: last.lighting,
            frames: self.readings.len(),
            frame_spread: {
                let d: Vec<f64> = self.readings.iter().map(|r| colour::delta_e(r.skin, skin).powi(2)).collect();
                (d.iter().sum::<f64>() / d.len().max(1) as f64).sqrt()
            },
        })
    }
}
