//! The shade advisor: measures each face's skin (depth, undertone, condition), lips, irises and
//! face shape under the light it was seen in, corrected by references of known colour (the eye
//! whites, or a kiosk's grey card), and ranks a catalog's products with the reasons why.
//!
//! Everything runs on the CPU from the tracker's landmarks; a face costs well under a
//! millisecond per frame (see `vanity bench-advisor`). Nothing here normalises the skin itself:
//! the light is never estimated from the skin being measured.

pub mod colour;
pub mod light;
pub mod measure;
pub mod recommend;
pub mod rules;
pub mod sampling;

use glam::Vec3;
use image::RgbImage;
use serde::Serialize;

pub use light::{Correction, Lighting, Reference, Verdict};
pub use measure::{Accumulator, FaceReading, FaceShape, Measurement, Skin, SkinCondition};
pub use recommend::{Preferences, Recommendation, recommend};
pub use rules::Rules;

/// Measures faces; holds what is built once (the mesh triangles near each skin area).
pub struct Advisor {
    sampler: sampling::Sampler,
    calibration: Option<Correction>,
}

impl Advisor {
    /// An advisor using the eye whites as the light reference, or `calibration` (a grey card
    /// measured once under a kiosk's fixed light) when given.
    pub fn new(calibration: Option<Correction>) -> Self {
        Self { sampler: sampling::Sampler::new(), calibration }
    }

    /// One frame's reading of one face (`landmarks` in frame pixels).
    pub fn read(&self, frame: &RgbImage, landmarks: &[Vec3]) -> FaceReading {
        measure::read_face(&self.sampler, frame, landmarks, self.calibration.as_ref())
    }

    /// A face measured from a single image.
    pub fn measure(&self, frame: &RgbImage, landmarks: &[Vec3]) -> Option<Measurement> {
        let mut acc = Accumulator::default();
        acc.add(self.read(frame, landmarks));
        acc.measurement()
    }
}

/// The correction a grey card in `frame` asks for: the median of the central box (a fifth of
/// the frame's width and height, where the app's guide asks for the card). None when the box
/// is clipped or too dark to read.
pub fn calibrate_from_grey_card(frame: &RgbImage) -> Option<Correction> {
    let (w, h) = frame.dimensions();
    let (x0, y0, bw, bh) = (w * 2 / 5, h * 2 / 5, (w / 5).max(1), (h / 5).max(1));
    let mut channels: [Vec<f32>; 3] = Default::default();
    for y in y0..(y0 + bh).min(h) {
        for x in x0..(x0 + bw).min(w) {
            let p = frame.get_pixel(x, y).0;
            if p.iter().any(|c| *c >= 250) {
                return None;
            }
            for (c, v) in channels.iter_mut().zip(p) {
                c.push(crate::looks::color::srgb_to_linear(f32::from(v) / 255.0));
            }
        }
    }
    let median = |v: &mut Vec<f32>| {
        v.sort_by(f32::total_cmp);
        f64::from(v[v.len() / 2])
    };
    let rgb = [median(&mut channels[0]), median(&mut channels[1]), median(&mut channels[2])];
    if rgb.iter().any(|c| *c < 0.01) {
        return None;
    }
    Correction::mapping(rgb, light::GREY_CARD_LAB, Reference::GreyCard)
}

/// A face's analysis as `vanity analyze` writes it.
#[derive(Debug, Clone, Serialize)]
pub struct FaceJson {
    #[serde(rename = "box")]
    pub bbox: [f32; 4],
    pub skin: Skin,
    pub lips: Option<LipsJson>,
    pub iris: Option<&'static str>,
    pub face_shape: FaceShape,
    pub condition: SkinCondition,
    pub lighting: LightingJson,
    /// What the measurement suggests for the base (coverage, finish, corrector).
    pub tips: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendations: Option<Vec<Recommendation>>,
}

/// Natural lip colour.
#[derive(Debug, Clone, Serialize)]
pub struct LipsJson {
    pub lab: [f64; 3],
    pub hex: String,
}

/// The light, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct LightingJson {
    pub verdict: &'static str,
    pub cct: f64,
    pub correction: [f64; 3],
    pub reference: Reference,
    pub confidence: f64,
    pub advice: &'static str,
}

impl From<&Lighting> for LightingJson {
    fn from(l: &Lighting) -> Self {
        Self {
            verdict: l.verdict.name(),
            cct: l.cct.round(),
            correction: l.correction.map(|v| (v * 1000.0).round() / 1000.0),
            reference: l.reference,
            confidence: (l.confidence * 100.0).round() / 100.0,
            advice: l.advice,
        }
    }
}

/// Base-makeup tips from the skin condition: coverage, finish and corrector.
pub fn tips(m: &Measurement) -> Vec<String> {
    let c = &m.condition;
    let mut out = Vec::new();
    out.push(match c.evenness.label {
        "even" => format!("Even tone (L* spread {:.1}): a sheer or light-coverage base is enough.", c.evenness.value),
        _ => format!("Tone varies (L* spread {:.1}): a medium-coverage base evens it.", c.evenness.value),
    });
    out.push(match c.shine.label {
        "shiny" | "some shine" => {
            format!("{:.1} % of the T-zone shines: a matte base or a setting powder.", c.shine.value)
        }
        _ => format!("Little shine ({:.1} % of the T-zone): a satin or dewy base.", c.shine.value),
    });
    if c.redness.label != "low" {
        out.push(format!(
            "Cheeks redder than the forehead (a* +{:.1}): a green-tinted primer calms it.",
            c.redness.value
        ));
    }
    if c.under_eye.label != "none" {
        let corrector = if m.skin.monk >= 6 {
            "orange"
        } else if m.skin.monk >= 4 {
            "peach"
        } else {
            "pink-bisque"
        };
        out.push(format!(
            "Under the eyes {:.1} L* darker than the cheeks: a {corrector} corrector before concealer.",
            c.under_eye.value
        ));
    }
    out
}

/// The JSON of one measured face.
pub fn face_json(bbox: [f32; 4], m: &Measurement) -> FaceJson {
    FaceJson {
        bbox,
        skin: m.skin.clone(),
        lips: m
            .lips
            .map(|l| LipsJson { lab: l.map(|v| (v * 100.0).round() / 100.0), hex: colour::lab_to_srgb(l).to_string() }),
        iris: m.iris,
        face_shape: m.shape,
        condition: m.condition.clone(),
        lighting: LightingJson::from(&m.lighting),
        tips: tips(m),
        recommendations: None,
    }
}

/// A look made of the top recommendation of each category (for `--look-out` and "Try all").
///
/// The eyes take the recommended eyeshadows' colours in rank order, a palette's all together, up to
/// three: a palette recommended first is put on whole, as picking it in the panel does.
pub fn look_of(recommendations: &[Recommendation], catalog: &crate::looks::Catalog, name: &str) -> crate::looks::Look {
    use crate::looks::catalog::Category;
    use crate::looks::look::{Blush, Brows, Contour, Eyeliner, Eyeshadow, Foundation, Highlight, Lipstick};
    let product = |cat: &str| -> Option<&crate::looks::Product> {
        let r = recommendations.iter().find(|r| r.category == cat)?;
        catalog.products.iter().find(|p| p.sku == r.sku)
    };
    let mut look = crate::looks::Look { name: name.to_string(), ..Default::default() };
    if let Some(p) = product(Category::Lipstick.name()) {
        look.lipstick = Some(Lipstick {
            color: p.shade,
            finish: p.finish.unwrap_or(crate::looks::Finish::Satin),
            opacity: 0.9,
            liner: None,
            inner: None,
        });
    }
    if let Some(p) = product(Category::Blush.name()) {
        look.blush = Some(Blush { color: p.shade, opacity: 0.5 });
    }
    let shadows: Vec<_> = recommendations
        .iter()
        .filter(|r| r.category == Category::Eyeshadow.name())
        .filter_map(|r| catalog.products.iter().find(|p| p.sku == r.sku))
        .flat_map(|p| p.colours())
        .take(crate::looks::catalog::MAX_PRODUCT_COLOURS)
        .collect();
    if !shadows.is_empty() {
        look.eyeshadow = Some(Eyeshadow { colors: shadows, opacity: 0.6, shimmer: 0.0 });
    }
    if let Some(p) = product(Category::Eyeliner.name()) {
        look.eyeliner = Some(Eyeliner { color: p.shade, thickness: 0.4, wing: 0.2, opacity: 0.9 });
    }
    if let Some(p) = product(Category::Brows.name()) {
        look.brows = Some(Brows { color: p.shade, opacity: 0.5 });
    }
    if let Some(p) = product(Category::Foundation.name()) {
        look.foundation = Some(Foundation { color: p.shade, opacity: 0.35, smoothing: 0.4 });
    }
    if let Some(p) = product(Category::Contour.name()) {
        look.contour = Some(Contour { color: p.shade, opacity: 0.45 });
    }
    if let Some(p) = product(Category::Highlighter.name()) {
        look.highlight = Some(Highlight { color: p.shade, opacity: 0.45 });
    }
    look
}
