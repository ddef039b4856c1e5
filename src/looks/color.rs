//! Colours as people write them (sRGB hex) and as shaders blend them (linear light).

use std::fmt;
use std::str::FromStr;

/// An 8-bit sRGB colour, written `#RRGGBB` in looks and catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Srgb(pub [u8; 3]);

impl Srgb {
    /// Linear-light RGB (0–1), what all blending works in.
    pub fn to_linear(self) -> [f32; 3] {
        self.0.map(|c| srgb_to_linear(c as f32 / 255.0))
    }

    /// CIE L*a*b* (D65), for colour distances.
    pub fn to_lab(self) -> [f32; 3] {
        linear_to_lab(self.to_linear())
    }
}

/// Why a hex colour was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadHex(pub String);

impl fmt::Display for BadHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad colour `{}`: expected #RRGGBB hex", self.0)
    }
}

impl FromStr for Srgb {
    type Err = BadHex;
    fn from_str(s: &str) -> Result<Self, BadHex> {
        let hex = s.strip_prefix('#').ok_or_else(|| BadHex(s.into()))?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(BadHex(s.into()));
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("checked hex");
        Ok(Srgb([byte(0), byte(2), byte(4)]))
    }
}

impl fmt::Display for Srgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02X}{:02X}{:02X}", self.0[0], self.0[1], self.0[2])
    }
}

impl serde::Serialize for Srgb {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Srgb {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// sRGB transfer function, decoding.
pub fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
}

/// Linear value of an 8-bit sRGB channel, from a table built once (per-pixel work uses this).
pub fn srgb8_to_linear(v: u8) -> f32 {
    static TABLE: std::sync::LazyLock<[f32; 256]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|v| srgb_to_linear(v as f32 / 255.0)));
    TABLE[v as usize]
}

/// sRGB transfer function, encoding.
pub fn linear_to_srgb(c: f32) -> f32 {
    if c <= 0.003_130_8 { c * 12.92 } else { 1.055 * c.powf(1.0 / 2.4) - 0.055 }
}

/// Linear sRGB to CIE L*a*b* (D65 white).
pub fn linear_to_lab(rgb: [f32; 3]) -> [f32; 3] {
    let [r, g, b] = rgb;
    let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / 0.950_47;
    let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b;
    let z = (0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b) / 1.088_83;
    let f = |t: f32| {
        if t > 0.008_856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// CIEDE2000 colour difference between two L*a*b* colours.
pub fn ciede2000(lab1: [f32; 3], lab2: [f32; 3]) -> f32 {
    ciede2000_f64(lab1.map(f64::from), lab2.map(f64::from)) as f32
}

/// CIEDE2000 in double precision (Sharma, Wu & Dalal 2005), for reference-grade comparisons.
pub fn ciede2000_f64(lab1: [f64; 3], lab2: [f64; 3]) -> f64 {
    let [l1, a1, b1] = lab1;
    let [l2, a2, b2] = lab2;
    let c1 = (a1 * a1 + b1 * b1).sqrt();
    let c2 = (a2 * a2 + b2 * b2).sqrt();
    let cm = (c1 + c2) / 2.0;
    let g = 0.5 * (1.0 - (cm.powi(7) / (cm.powi(7) + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = (a1 * (1.0 + g), a2 * (1.0 + g));
    let (c1p, c2p) = ((a1p * a1p + b1 * b1).sqrt(), (a2p * a2p + b2 * b2).sqrt());
    let hue = |b: f64, a: f64| {
        let h = b.atan2(a).to_degrees();
        if h < 0.0 { h + 360.0 } else { h }
    };
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let dhh = 2.0 * (c1p * c2p).sqrt() * (dh.to_radians() / 2.0).sin();
    let lm = (l1 + l2) / 2.0;
    let cmp = (c1p + c2p) / 2.0;
    let hm = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        (h1p + h2p) / 2.0
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (hm - 30.0).to_radians().cos()
        + 0.24 * (2.0 * hm).to_radians().cos()
        + 0.32 * (3.0 * hm + 6.0).to_radians().cos()
        - 0.20 * (4.0 * hm - 63.0).to_radians().cos();
    let dtheta = 30.0 * (-((hm - 275.0) / 25.0).powi(2)).exp();
    let rc = 2.0 * (cmp.powi(7) / (cmp.powi(7) + 25f64.powi(7))).sqrt();
    let sl = 1.0 + 0.015 * (lm - 50.0).powi(2) / (20.0 + (lm - 50.0).powi(2)).sqrt();
    let sc = 1.0 + 0.045 * cmp;
    let sh = 1.0 + 0.015 * cmp * t;
    let rt = -(2.0 * dtheta).to_radians().sin() * rc;
    let v = (dl / sl).powi(2) + (dc / sc).powi(2) + (dhh / sh).powi(2) + rt * (dc / sc) * (dhh / sh);
    v.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        let c: Srgb = "#B0153A".parse().unwrap();
        assert_eq!(c.0, [0xB0, 0x15, 0x3A]);
        assert_eq!(c.to_string(), "#B0153A");
        for bad in ["B0153A", "#B0153", "#GG153A", "#B0153AA", ""] {
            assert!(bad.parse::<Srgb>().is_err(), "{bad}");
        }
    }

    #[test]
    fn ciede2000_matches_sharma_reference_pairs() {
        // Sharma, Wu & Dalal (2005), test data pairs 1, 7 and 17.
        let cases = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
        ];
        for (a, b, expected) in cases {
            assert!((ciede2000(a, b) - expected).abs() < 1e-3, "{a:?} {b:?}: {}", ciede2000(a, b));
        }
    }

    #[test]
    fn linear_conversion_round_trips() {
        for v in 0..=255 {
            let c = v as f32 / 255.0;
            assert!((linear_to_srgb(srgb_to_linear(c)) - c).abs() < 1e-5);
        }
    }
}
