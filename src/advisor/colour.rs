//! Colour science for the advisor: CIE XYZ and L*a*b* (D65), Bradford chromatic adaptation,
//! correlated colour temperature, ITA°, hue angle, the Monk Skin Tone scale and undertone classes.

use serde::Serialize;

use crate::looks::Srgb;
use crate::looks::color::ciede2000_f64;

/// D65 white point (XYZ, Y = 1).
pub const D65: [f64; 3] = [0.950_47, 1.0, 1.088_83];

/// Linear sRGB → XYZ (D65).
pub fn linear_to_xyz([r, g, b]: [f64; 3]) -> [f64; 3] {
    [
        0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b,
        0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b,
        0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b,
    ]
}

/// XYZ (D65) → linear sRGB.
pub fn xyz_to_linear([x, y, z]: [f64; 3]) -> [f64; 3] {
    [
        3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
        -0.969_266 * x + 1.876_010_8 * y + 0.041_556 * z,
        0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z,
    ]
}

/// Cube root of a positive number: a bit-level first guess refined by Newton steps to full
/// double precision, several times faster than the soft-float `cbrt` (this runs per pixel).
fn cube_root(x: f64) -> f64 {
    let mut y = f64::from_bits(x.to_bits() / 3 + 0x2A9F_7893_782D_A1CE);
    for _ in 0..4 {
        y -= (y * y * y - x) / (3.0 * y * y);
    }
    y
}

/// XYZ → CIE L*a*b* relative to D65.
pub fn xyz_to_lab(xyz: [f64; 3]) -> [f64; 3] {
    let f = |t: f64| if t > 216.0 / 24389.0 { cube_root(t) } else { (24389.0 / 27.0 * t + 16.0) / 116.0 };
    let [fx, fy, fz] = [f(xyz[0] / D65[0]), f(xyz[1] / D65[1]), f(xyz[2] / D65[2])];
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIE L*a*b* (D65) → XYZ.
pub fn lab_to_xyz([l, a, b]: [f64; 3]) -> [f64; 3] {
    let fy = (l + 16.0) / 116.0;
    let (fx, fz) = (fy + a / 500.0, fy - b / 200.0);
    let inv = |f: f64| if f.powi(3) > 216.0 / 24389.0 { f.powi(3) } else { (116.0 * f - 16.0) * 27.0 / 24389.0 };
    [inv(fx) * D65[0], inv(fy) * D65[1], inv(fz) * D65[2]]
}

/// An sRGB colour as L*a*b*.
pub fn srgb_lab(c: Srgb) -> [f64; 3] {
    xyz_to_lab(linear_to_xyz(c.to_linear().map(f64::from)))
}

/// The nearest 8-bit sRGB colour of an L*a*b* colour (clamped into the gamut).
pub fn lab_to_srgb(lab: [f64; 3]) -> Srgb {
    let lin = xyz_to_linear(lab_to_xyz(lab));
    Srgb(lin.map(|c| (crate::looks::color::linear_to_srgb(c.clamp(0.0, 1.0) as f32) * 255.0).round() as u8))
}

/// CIEDE2000 between two L*a*b* colours.
pub fn delta_e(a: [f64; 3], b: [f64; 3]) -> f64 {
    ciede2000_f64(a, b)
}

/// Bradford cone-response matrix (XYZ → LMS).
const BRADFORD: [[f64; 3]; 3] = [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]];
/// Its inverse (LMS → XYZ).
const BRADFORD_INV: [[f64; 3]; 3] = [
    [0.986_992_9, -0.147_054_3, 0.159_962_7],
    [0.432_305_3, 0.518_360_3, 0.049_291_2],
    [-0.008_528_7, 0.040_042_8, 0.968_486_7],
];

fn mul(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    [0, 1, 2].map(|i| m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2])
}

/// XYZ → Bradford cone responses.
pub fn xyz_to_lms(xyz: [f64; 3]) -> [f64; 3] {
    mul(&BRADFORD, xyz)
}

/// Bradford cone responses → XYZ.
pub fn lms_to_xyz(lms: [f64; 3]) -> [f64; 3] {
    mul(&BRADFORD_INV, lms)
}

/// CIE 1931 xy chromaticity of an XYZ colour.
pub fn chromaticity([x, y, z]: [f64; 3]) -> [f64; 2] {
    let s = (x + y + z).max(1e-12);
    [x / s, y / s]
}

/// Correlated colour temperature of a chromaticity, kelvin (McCamy's cubic; good to a few
/// percent from 2000 K to 12500 K).
pub fn cct([x, y]: [f64; 2]) -> f64 {
    let n = (x - 0.3320) / (0.1858 - y);
    449.0 * n.powi(3) + 3525.0 * n.powi(2) + 6823.3 * n + 5520.33
}

/// Distance of a chromaticity from the black-body locus in CIE 1960 uv (Duv, unsigned):
/// daylight and lamps lie within ~0.01; a green or magenta cast lies farther.
pub fn duv(xy: [f64; 2], kelvin: f64) -> f64 {
    let [x, y] = xy;
    let d = -2.0 * x + 12.0 * y + 3.0;
    let (u, v) = (4.0 * x / d, 6.0 * y / d);
    // Krystek's rational approximation of the Planckian locus in uv (1000 K – 15000 K).
    let t = kelvin.clamp(1000.0, 15000.0);
    let pu = (0.860_117_757 + 1.541_182_54e-4 * t + 1.286_412_12e-7 * t * t)
        / (1.0 + 8.424_202_35e-4 * t + 7.081_451_63e-7 * t * t);
    let pv = (0.317_398_726 + 4.228_062_45e-5 * t + 4.204_816_91e-8 * t * t)
        / (1.0 - 2.897_418_16e-5 * t + 1.614_560_53e-7 * t * t);
    ((u - pu).powi(2) + (v - pv).powi(2)).sqrt()
}

/// Individual Typology Angle, degrees: atan((L* − 50) / b*) · 180/π.
pub fn ita([l, _, b]: [f64; 3]) -> f64 {
    ((l - 50.0) / b).atan().to_degrees()
}

/// ITA° skin-colour bands (Chardon et al.).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItaBand {
    VeryLight,
    Light,
    Intermediate,
    Tan,
    Brown,
    Dark,
}

impl ItaBand {
    /// The band of an ITA angle: > 55 very light, 41–55 light, 28–41 intermediate, 10–28 tan,
    /// −30–10 brown, < −30 dark.
    pub fn of(ita: f64) -> Self {
        match ita {
            a if a > 55.0 => ItaBand::VeryLight,
            a if a > 41.0 => ItaBand::Light,
            a if a > 28.0 => ItaBand::Intermediate,
            a if a > 10.0 => ItaBand::Tan,
            a if a > -30.0 => ItaBand::Brown,
            _ => ItaBand::Dark,
        }
    }

    /// Words for people.
    pub fn name(self) -> &'static str {
        match self {
            ItaBand::VeryLight => "very light",
            ItaBand::Light => "light",
            ItaBand::Intermediate => "intermediate",
            ItaBand::Tan => "tan",
            ItaBand::Brown => "brown",
            ItaBand::Dark => "dark",
        }
    }
}

/// Hue angle h_ab in degrees, 0–360.
pub fn hue([_, a, b]: [f64; 3]) -> f64 {
    b.atan2(a).to_degrees().rem_euclid(360.0)
}

/// Chroma C*ab.
pub fn chroma([_, a, b]: [f64; 3]) -> f64 {
    a.hypot(b)
}

/// The Monk Skin Tone scale's ten swatches, lightest first (depth only, never undertone).
pub const MONK: [&str; 10] =
    ["#f6ede4", "#f3e7db", "#f7ead0", "#eadaba", "#d7bd96", "#a07e56", "#825c43", "#604134", "#3a312a", "#292420"];

/// The Monk step (1–10) nearest to a skin colour, by CIEDE2000.
pub fn monk_step(skin: [f64; 3]) -> u8 {
    let swatch = |hex: &str| srgb_lab(hex.to_uppercase().parse().expect("Monk swatches are valid hex"));
    let (best, _) = MONK
        .iter()
        .enumerate()
        .map(|(i, h)| (i, delta_e(skin, swatch(h))))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("ten swatches");
    best as u8 + 1
}

/// Undertone classes. No standard threshold exists: the cuts below sit halfway between the
/// median hue angles of the words brands use for 6,816 real foundation shades (The Pudding's
/// `allShades.csv`: cool 57.8°, neutral 61.1°, warm 64.3°, olive 65.8°), and a hue within
/// [`UNDERTONE_MARGIN`] of a cut is reported as uncertain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UndertoneClass {
    Cool,
    Neutral,
    Warm,
    Olive,
}

impl UndertoneClass {
    /// Words for people.
    pub fn name(self) -> &'static str {
        match self {
            UndertoneClass::Cool => "cool",
            UndertoneClass::Neutral => "neutral",
            UndertoneClass::Warm => "warm",
            UndertoneClass::Olive => "olive",
        }
    }
}

/// Hue cuts between cool | neutral | warm | olive, degrees.
pub const UNDERTONE_CUTS: [f64; 3] = [59.45, 62.7, 65.05];
/// Degrees either side of a cut within which the undertone is uncertain.
pub const UNDERTONE_MARGIN: f64 = 0.8;

/// The undertone of a skin hue angle, and whether it is clear of the cuts by
/// [`UNDERTONE_MARGIN`] (or by the measurement's own hue uncertainty, when larger).
pub fn undertone(hue: f64, hue_uncertainty: f64) -> (UndertoneClass, bool) {
    let class = match hue {
        h if h < UNDERTONE_CUTS[0] => UndertoneClass::Cool,
        h if h < UNDERTONE_CUTS[1] => UndertoneClass::Neutral,
        h if h < UNDERTONE_CUTS[2] => UndertoneClass::Warm,
        _ => UndertoneClass::Olive,
    };
    let margin = UNDERTONE_MARGIN.max(hue_uncertainty);
    let certain = UNDERTONE_CUTS.iter().all(|c| (hue - c).abs() > margin);
    (class, certain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_and_xyz_round_trip_and_match_srgb_references() {
        for lab in [[50.0, 20.0, -30.0], [85.0, 5.0, 15.0], [20.0, -10.0, 5.0], [100.0, 0.0, 0.0]] {
            let back = xyz_to_lab(lab_to_xyz(lab));
            assert!((0..3).all(|i| (back[i] - lab[i]).abs() < 1e-9), "{lab:?} -> {back:?}");
        }
        // sRGB white is D65 white: L* 100, a* = b* = 0.
        let white = srgb_lab(Srgb([255, 255, 255]));
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.01 && white[2].abs() < 0.01, "{white:?}");
        // Pure sRGB red: L* 53.24, a* 80.09, b* 67.20 (Lindbloom's calculator).
        let red = srgb_lab(Srgb([255, 0, 0]));
        assert!((red[0] - 53.24).abs() < 0.02 && (red[1] - 80.09).abs() < 0.05 && (red[2] - 67.20).abs() < 0.05);
        for c in [Srgb([12, 200, 99]), Srgb([240, 200, 180]), Srgb([40, 30, 25])] {
            assert_eq!(lab_to_srgb(srgb_lab(c)), c);
        }
    }

    #[test]
    fn the_fast_cube_root_is_exact() {
        for x in [0.008_857, 0.01, 0.1, 0.18, 0.5, 0.999, 1.0, 1.7, 3.0] {
            assert!((cube_root(x) - x.cbrt()).abs() < 1e-13, "{x}: {} vs {}", cube_root(x), x.cbrt());
        }
    }

    #[test]
    fn bradford_matrices_are_inverse() {
        let v = [0.3, 0.5, 0.2];
        let back = lms_to_xyz(xyz_to_lms(v));
        assert!((0..3).all(|i| (back[i] - v[i]).abs() < 1e-6), "{back:?}");
    }

    #[test]
    fn colour_temperature_of_standard_illuminants() {
        // D65 (6504 K), illuminant A (2856 K), D50 (5003 K).
        for (xy, k) in [([0.31271, 0.32902], 6504.0), ([0.44757, 0.40745], 2856.0), ([0.34567, 0.35850], 5003.0)] {
            let t = cct(xy);
            assert!((t - k).abs() / k < 0.01, "{xy:?}: {t} K, expected {k}");
            assert!(duv(xy, t) < 0.004, "{xy:?} is on the locus: {}", duv(xy, t));
        }
        // A green cast is far from it.
        assert!(duv([0.30, 0.40], cct([0.30, 0.40])) > 0.02);
    }

    #[test]
    fn ita_band_edges() {
        assert_eq!(ItaBand::of(55.01), ItaBand::VeryLight);
        assert_eq!(ItaBand::of(55.0), ItaBand::Light);
        assert_eq!(ItaBand::of(41.0), ItaBand::Intermediate);
        assert_eq!(ItaBand::of(28.0), ItaBand::Tan);
        assert_eq!(ItaBand::of(10.0), ItaBand::Brown);
        assert_eq!(ItaBand::of(-30.0), ItaBand::Dark);
        assert_eq!(ItaBand::of(-30.01), ItaBand::Dark);
        // L* 70, b* 14: atan(20/14) = 55.0°.
        assert!((ita([70.0, 10.0, 14.0]) - 55.008).abs() < 0.01);
    }

    #[test]
    fn monk_swatches_are_their_own_steps_and_undertones_have_an_uncertain_zone() {
        for (i, hex) in MONK.iter().enumerate() {
            assert_eq!(monk_step(srgb_lab(hex.to_uppercase().parse().unwrap())), i as u8 + 1);
        }
        assert_eq!(undertone(55.0, 0.0), (UndertoneClass::Cool, true));
        assert_eq!(undertone(61.0, 0.0), (UndertoneClass::Neutral, true));
        assert_eq!(undertone(64.0, 0.0), (UndertoneClass::Warm, true));
        assert_eq!(undertone(68.0, 0.0), (UndertoneClass::Olive, true));
        assert_eq!(undertone(59.6, 0.0), (UndertoneClass::Neutral, false));
        assert!(!undertone(61.0, 2.0).1, "a wide hue uncertainty reaches a cut");
    }

    /// Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
    /// supplementary test data, and mathematical observations", Table 1: all 34 pairs.
    #[test]
    fn ciede2000_matches_all_34_sharma_pairs() {
        const PAIRS: [([f64; 3], [f64; 3], f64); 34] = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 3.1571, -77.2803], [50.0, 0.0, -82.7485], 2.8615),
            ([50.0, 2.8361, -74.0200], [50.0, 0.0, -82.7485], 3.4412),
            ([50.0, -1.3802, -84.2814], [50.0, 0.0, -82.7485], 1.0000),
            ([50.0, -1.1848, -84.8006], [50.0, 0.0, -82.7485], 1.0000),
            ([50.0, -0.9009, -85.5211], [50.0, 0.0, -82.7485], 1.0000),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, -1.0, 2.0], [50.0, 0.0, 0.0], 2.3669),
            ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0009], 7.1792),
            ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0010], 7.1792),
            ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0011], 7.2195),
            ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0012], 7.2195),
            ([50.0, -0.0010, 2.4900], [50.0, 0.0009, -2.4900], 4.8045),
            ([50.0, -0.0010, 2.4900], [50.0, 0.0010, -2.4900], 4.8045),
            ([50.0, -0.0010, 2.4900], [50.0, 0.0011, -2.4900], 4.7461),
            ([50.0, 2.5, 0.0], [50.0, 0.0, -2.5], 4.3065),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            ([50.0, 2.5, 0.0], [61.0, -5.0, 29.0], 22.8977),
            ([50.0, 2.5, 0.0], [56.0, -27.0, -3.0], 31.9030),
            ([50.0, 2.5, 0.0], [58.0, 24.0, 15.0], 19.4535),
            ([50.0, 2.5, 0.0], [50.0, 3.1736, 0.5854], 1.0000),
            ([50.0, 2.5, 0.0], [50.0, 3.2972, 0.0], 1.0000),
            ([50.0, 2.5, 0.0], [50.0, 1.8634, 0.5757], 1.0000),
            ([50.0, 2.5, 0.0], [50.0, 3.2592, 0.3350], 1.0000),
            ([60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644),
            ([63.0109, -31.0961, -5.8663], [62.8187, -29.7946, -4.0864], 1.2630),
            ([61.2901, 3.7196, -5.3901], [61.4292, 2.2480, -4.9620], 1.8731),
            ([35.0831, -44.1164, 3.7933], [35.0232, -40.0716, 1.5901], 1.8645),
            ([22.7233, 20.0904, -46.6940], [23.0331, 14.9730, -42.5619], 2.0373),
            ([36.4612, 47.8580, 18.3852], [36.2715, 50.5065, 21.2231], 1.4146),
            ([90.8027, -2.0831, 1.4410], [91.1528, -1.6435, 0.0447], 1.4441),
            ([90.9257, -0.5406, -0.9208], [88.6381, -0.8985, -0.7239], 1.5381),
            ([6.7747, -0.2908, -2.4247], [5.8714, -0.0985, -2.2286], 0.6377),
            ([2.0776, 0.0795, -1.1350], [0.9033, -0.0636, -0.5514], 0.9082),
        ];
        for (i, (a, b, expected)) in PAIRS.iter().enumerate() {
            let d = delta_e(*a, *b);
            assert!((d - expected).abs() < 1e-4, "pair {}: {d:.6} vs {expected}", i + 1);
        }
    }
}
