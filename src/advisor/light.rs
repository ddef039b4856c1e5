//! The light a face was seen in, estimated from references whose colour is known — the eye
//! whites, or a grey card held up once at a kiosk — never from the skin being measured, and the
//! correction that undoes it (a von Kries scaling in Bradford cone space, which also undoes the
//! exposure).

use serde::{Deserialize, Serialize};

use super::colour::{self, D65};
use super::sampling::EyeSamples;

/// Typical colour of the lit sclera under D65 (slightly warm white). Only absolute readings
/// depend on it; how well a change of light is undone does not.
pub const SCLERA_LAB: [f64; 3] = [80.0, 1.5, 7.0];
/// An 18 % grey card (L* 49.5, neutral).
pub const GREY_CARD_LAB: [f64; 3] = [49.5, 0.0, 0.0];
/// Fewest eye-white pixels worth looking at.
const MIN_SCLERA_PIXELS: usize = 12;
/// Fewest lit eye-white pixels the correction may rest on: fewer (a face under ~100 px between
/// the eyes) swing the exposure by several L* with a small turn of the head.
const MIN_LIT_SCLERA: usize = 20;

/// Where a correction came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// The person's own eye whites, this frame.
    Sclera,
    /// A grey card measured once under the store's fixed light (`vanity calibrate`).
    GreyCard,
    /// Nothing to go by: readings are uncorrected.
    None,
}

/// A correction for the scene light: multiplies Bradford cone responses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// Gains on the Bradford L, M, S responses.
    pub lms_gains: [f64; 3],
    /// What it was measured from.
    pub reference: Reference,
}

impl Correction {
    /// No correction.
    pub const NONE: Correction = Correction { lms_gains: [1.0; 3], reference: Reference::None };

    /// The correction that maps `measured` (linear RGB of a reference) to `target` (its L*a*b*
    /// under D65).
    pub fn mapping(measured: [f64; 3], target: [f64; 3], reference: Reference) -> Option<Correction> {
        let m = colour::xyz_to_lms(colour::linear_to_xyz(measured));
        let t = colour::xyz_to_lms(colour::lab_to_xyz(target));
        if m.iter().any(|v| *v <= 1e-5) {
            return None;
        }
        Some(Correction { lms_gains: [t[0] / m[0], t[1] / m[1], t[2] / m[2]], reference })
    }

    /// The corrected L*a*b* of a linear RGB pixel.
    pub fn lab(&self, rgb: [f32; 3]) -> [f64; 3] {
        self.to_xyz().lab(rgb)
    }

    /// The whole correction as one matrix from linear RGB to corrected XYZ, for many pixels.
    pub fn to_xyz(&self) -> CorrectedXyz {
        // Columns: the corrected XYZ of pure R, G and B.
        let column = |rgb: [f64; 3]| {
            let lms = colour::xyz_to_lms(colour::linear_to_xyz(rgb));
            colour::lms_to_xyz([0, 1, 2].map(|i| lms[i] * self.lms_gains[i]))
        };
        let (r, g, b) = (column([1.0, 0.0, 0.0]), column([0.0, 1.0, 0.0]), column([0.0, 0.0, 1.0]));
        CorrectedXyz([0, 1, 2].map(|i| [r[i], g[i], b[i]]))
    }

    /// The light this correction undoes: its chromaticity and its level relative to the
    /// reference light (1 = as bright as the reference assumes).
    pub fn illuminant(&self) -> ([f64; 2], f64) {
        let white = colour::xyz_to_lms(D65);
        let lit = colour::lms_to_xyz([0, 1, 2].map(|i| white[i] / self.lms_gains[i]));
        (colour::chromaticity(lit), lit[1])
    }

    /// How much the correction brightens a grey pixel (its luminance gain).
    pub fn luminance_gain(&self) -> f64 {
        let [r, g, b] = self.rgb_gains();
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// The correction as per-channel multipliers of linear RGB (what it does to a grey pixel).
    pub fn rgb_gains(&self) -> [f64; 3] {
        let grey = [0.18f64; 3];
        let lms = colour::xyz_to_lms(colour::linear_to_xyz(grey));
        let out = colour::xyz_to_linear(colour::lms_to_xyz([0, 1, 2].map(|i| lms[i] * self.lms_gains[i])));
        out.map(|v| v / 0.18)
    }
}

/// A [`Correction`] folded into one linear RGB → XYZ matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CorrectedXyz([[f64; 3]; 3]);

impl CorrectedXyz {
    /// The corrected L*a*b* of a linear RGB pixel.
    pub fn lab(&self, rgb: [f32; 3]) -> [f64; 3] {
        let [r, g, b] = rgb.map(f64::from);
        let m = &self.0;
        colour::xyz_to_lab([0, 1, 2].map(|i| m[i][0] * r + m[i][1] * g + m[i][2] * b))
    }
}

/// Narrowest eye opening (pixels) whose whites can be read: below it lashes and iris blur in.
const MIN_EYE_WIDTH: f32 = 16.0;
/// How much brighter (linear luminance) the lit eye whites must be than the darkest quarter of
/// the eye opening for the eye to be a light reference.
pub const MIN_EYE_CONTRAST: f64 = 4.0;

/// The light one face is seen in: the kiosk's grey-card `calibration` when given, else the
/// face's own lit eye whites where the eyes are resolved (whites well above the darkest quarter
/// of the opening: a blurred or tiny eye mixes whites, iris and lashes into grey), else no
/// correction. Also returns how many eye-white pixels it rests on (0 when none). The advisor
/// reads skin through this correction and the renderer lights makeup by its inverse, so both
/// see the same light.
pub fn face_light(eyes: &EyeSamples, calibration: Option<&Correction>) -> (Correction, usize) {
    face_light_with(eyes, calibration, MIN_EYE_CONTRAST, &mut Vec::new())
}

/// [`face_light`] with the eye-white contrast it demands (the advisor's [`MIN_EYE_CONTRAST`] for
/// skin readings; the renderer also takes blurrier eyes, whose whites read a little dark, rather
/// than no light at all). `lit` is scratch, which the renderer keeps from frame to frame.
pub fn face_light_with(
    eyes: &EyeSamples,
    calibration: Option<&Correction>,
    min_contrast: f64,
    lit: &mut Vec<[f32; 3]>,
) -> (Correction, usize) {
    let sclera = lit_sclera(&eyes.sclera, lit).filter(|(rgb, _)| {
        let white = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
        eyes.width >= MIN_EYE_WIDTH && eyes.dark_luma.is_some_and(|dark| white >= f64::from(dark) * min_contrast)
    });
    let pixels = sclera.map(|(_, n)| n).unwrap_or(0);
    let correction = match (calibration, sclera) {
        (Some(c), _) => *c,
        (None, Some((rgb, _))) => Correction::mapping(rgb, SCLERA_LAB, Reference::Sclera).unwrap_or(Correction::NONE),
        (None, None) => Correction::NONE,
    };
    (correction, pixels)
}

/// The bright, unclipped part of the eye whites (their median), in linear RGB: the lit sclera,
/// without lashes, lid shadow or the cornea's glint.
/// `lit` is scratch (kept by the renderer from frame to frame).
pub fn lit_sclera(pixels: &[[f32; 3]], lit: &mut Vec<[f32; 3]>) -> Option<([f64; 3], usize)> {
    lit.clear();
    lit.extend(pixels.iter().filter(|p| p.iter().all(|c| *c < 0.98)));
    if lit.len() < MIN_SCLERA_PIXELS {
        return None;
    }
    let luma = super::sampling::linear_luma;
    // Unstable, ties broken by colour: a stable sort of more than a few hundred pixels would
    // allocate its scratch on every frame.
    lit.sort_unstable_by(|a, b| {
        luma(a).total_cmp(&luma(b)).then_with(|| a.map(f32::to_bits).cmp(&b.map(f32::to_bits)))
    });
    // The brightest half, less its top tenth (glints, reflections of the room).
    let (from, to) = (lit.len() / 2, lit.len() - lit.len() / 10);
    let bright = &mut lit[from..to.max(from + 1)];
    if bright.len() < MIN_LIT_SCLERA {
        return None;
    }
    let mut median = |c: usize| {
        bright.sort_unstable_by(|a, b| a[c].total_cmp(&b[c]));
        f64::from(bright[bright.len() / 2][c])
    };
    let rgb = [median(0), median(1), median(2)];
    Some((rgb, bright.len()))
}

/// How the light looks for measuring skin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Good enough to measure.
    Good,
    /// Under-exposed: the readings are noise.
    TooDark,
    /// Skin or eye whites clipped.
    TooBright,
    /// A strongly coloured light (neon, coloured lamp, green cast) no correction can trust.
    ColouredLight,
    /// One side of the face much darker than the other.
    Uneven,
    /// No eye whites visible and no calibration: colours are uncorrected.
    NoReference,
}

impl Verdict {
    /// Words for people.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::TooDark => "too dark",
            Verdict::TooBright => "too bright",
            Verdict::ColouredLight => "coloured light",
            Verdict::Uneven => "uneven",
            Verdict::NoReference => "no reference",
        }
    }

    /// One sentence of advice.
    pub fn advice(self) -> &'static str {
        match self {
            Verdict::Good => "The light is fine for measuring.",
            Verdict::TooDark => "It is too dark to read your skin: face the light or move somewhere brighter.",
            Verdict::TooBright => "The light is too strong: step back from the lamp or out of direct sun.",
            Verdict::ColouredLight => {
                "The light is strongly coloured: step away from coloured lamps or screens, towards daylight."
            }
            Verdict::Uneven => "One side of your face is much darker: turn to face the light.",
            Verdict::NoReference => {
                "Come closer and look straight at the camera with your eyes open, so the light can be read."
            }
        }
    }

    /// Whether recommendations may be made under this light.
    pub fn allows_advice(self) -> bool {
        self == Verdict::Good
    }
}

/// The light estimate reported per face.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Lighting {
    /// The verdict.
    pub verdict: Verdict,
    /// Correlated colour temperature of the estimated light, kelvin (0 when unknown).
    pub cct: f64,
    /// Distance of the light from the black-body locus (CIE 1960 Duv).
    pub duv: f64,
    /// The correction applied, as multipliers of linear R, G, B.
    pub correction: [f64; 3],
    /// What the correction was measured from.
    pub reference: Reference,
    /// 0–1: how far the estimate can be trusted.
    pub confidence: f64,
    /// One sentence for the person.
    pub advice: &'static str,
}

/// Raw (uncorrected) readings the verdict needs besides the correction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exposure {
    /// Linear luminance of the skin before correction (median).
    pub skin_luma: f64,
    /// Share of skin pixels with a clipped channel.
    pub clipped: f64,
    /// Corrected L* difference between the cheeks.
    pub side_difference: f64,
    /// Eye-white pixels used (0 with a calibration or none).
    pub sclera_pixels: usize,
    /// How much the correction brightens the picture (1 = not at all).
    pub gain: f64,
}

/// Darkest skin (linear luminance) still worth measuring, whatever the reference says: below
/// this 8-bit pixels are mostly noise, even for the deepest skin at a normal exposure.
const MIN_SKIN_LUMA: f64 = 0.006;
/// Most brightening a correction may apply (about 2.6 stops): beyond it the picture was too dark.
const MAX_GAIN: f64 = 6.0;
/// Share of clipped skin pixels above which the light is too bright.
const MAX_CLIPPED: f64 = 0.08;
/// Lights this far from the black-body locus are coloured, not white.
const MAX_DUV: f64 = 0.02;
/// Colour temperatures outside this range are candle- or sky-coloured, not room light.
const CCT_RANGE: (f64, f64) = (2200.0, 10000.0);
/// Cheeks further apart than this (L*, about 40 % less light) mean light from one side.
const MAX_SIDE_DIFFERENCE: f64 = 15.0;

/// The verdict on a face's light, from its correction and raw readings.
pub fn judge(correction: &Correction, exposure: &Exposure) -> Lighting {
    let (xy, _) = correction.illuminant();
    let (cct, duv) = if correction.reference == Reference::None {
        (0.0, 0.0)
    } else {
        let k = colour::cct(xy);
        (k, colour::duv(xy, k))
    };
    let verdict = if exposure.skin_luma < MIN_SKIN_LUMA || exposure.gain > MAX_GAIN {
        Verdict::TooDark
    } else if exposure.clipped > MAX_CLIPPED {
        Verdict::TooBright
    } else if correction.reference == Reference::None {
        Verdict::NoReference
    } else if duv > MAX_DUV || !(CCT_RANGE.0..=CCT_RANGE.1).contains(&cct) {
        Verdict::ColouredLight
    } else if exposure.side_difference > MAX_SIDE_DIFFERENCE {
        Verdict::Uneven
    } else {
        Verdict::Good
    };
    let confidence = match correction.reference {
        Reference::GreyCard => 0.9,
        Reference::None => 0.2,
        Reference::Sclera => {
            let pixels = (exposure.sclera_pixels as f64 / 60.0).min(1.0);
            let cast = (1.0 - duv / MAX_DUV).clamp(0.0, 1.0);
            (0.4 + 0.4 * pixels + 0.2 * cast).min(0.85)
        }
    };
    let confidence = if verdict == Verdict::Good { confidence } else { confidence.min(0.3) };
    Lighting {
        verdict,
        cct,
        duv,
        correction: correction.rgb_gains(),
        reference: correction.reference,
        confidence,
        advice: verdict.advice(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference under a light of `gains` (per linear RGB channel).
    fn seen(lab: [f64; 3], gains: [f64; 3]) -> [f64; 3] {
        let rgb = colour::xyz_to_linear(colour::lab_to_xyz(lab));
        [rgb[0] * gains[0], rgb[1] * gains[1], rgb[2] * gains[2]]
    }

    #[test]
    fn a_reference_maps_to_its_own_colour_and_undoes_the_light() {
        let c = Correction::mapping(seen(SCLERA_LAB, [1.3, 1.0, 0.6]), SCLERA_LAB, Reference::Sclera).unwrap();
        let back = c.lab(seen(SCLERA_LAB, [1.3, 1.0, 0.6]).map(|v| v as f32));
        assert!(colour::delta_e(back, SCLERA_LAB) < 0.05, "{back:?}");
        // The light was warm (red up, blue down): a low colour temperature.
        let (xy, _) = c.illuminant();
        assert!(colour::cct(xy) < 4500.0, "{}", colour::cct(xy));
        assert!(c.rgb_gains()[2] > c.rgb_gains()[0], "blue is raised to undo a warm light");
    }

    #[test]
    fn the_eye_whites_median_ignores_lashes_and_glints() {
        let mut px = vec![[0.55f32, 0.5, 0.45]; 40];
        px.extend(vec![[0.05f32, 0.04, 0.04]; 30]); // lashes and shadow
        px.extend(vec![[1.0f32, 1.0, 1.0]; 5]); // glints, clipped
        let (m, n) = lit_sclera(&px, &mut Vec::new()).unwrap();
        assert!((m[0] - 0.55).abs() < 1e-6 && n > 10, "{m:?}");
        assert!(lit_sclera(&px[..5], &mut Vec::new()).is_none(), "too few pixels");
    }

    #[test]
    fn verdicts_for_dark_clipped_coloured_and_one_sided_light() {
        let good = Exposure { skin_luma: 0.2, clipped: 0.0, side_difference: 2.0, sclera_pixels: 80, gain: 1.0 };
        let daylight = Correction::mapping(seen(SCLERA_LAB, [1.0; 3]), SCLERA_LAB, Reference::Sclera).unwrap();
        assert_eq!(judge(&daylight, &good).verdict, Verdict::Good);
        assert!((judge(&daylight, &good).cct - 6504.0).abs() < 150.0);
        assert_eq!(judge(&daylight, &Exposure { skin_luma: 0.004, ..good }).verdict, Verdict::TooDark);
        assert_eq!(judge(&daylight, &Exposure { gain: 10.0, ..good }).verdict, Verdict::TooDark);
        assert_eq!(judge(&daylight, &Exposure { clipped: 0.3, ..good }).verdict, Verdict::TooBright);
        assert_eq!(judge(&daylight, &Exposure { side_difference: 20.0, ..good }).verdict, Verdict::Uneven);
        let green = Correction::mapping(seen(SCLERA_LAB, [0.6, 1.0, 0.6]), SCLERA_LAB, Reference::Sclera).unwrap();
        assert_eq!(judge(&green, &good).verdict, Verdict::ColouredLight);
        assert!(!Verdict::ColouredLight.allows_advice() && Verdict::Good.allows_advice());
    }
}
