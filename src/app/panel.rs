//! The style panel: categories, product swatches, finish and intensity, looks, tools.

use egui::{Color32, RichText, Sense, Ui, Vec2};

use crate::capture::camera::CameraInfo;
use crate::looks::catalog::{Category, Product};
use crate::looks::look::{Blush, Brows, Contour, Eyeliner, Eyeshadow, Foundation, Gloss, Highlight, Lipstick};
use crate::looks::{Catalog, Finish, Look, Srgb};
use crate::pipeline::AdvisorState;
use crate::pipeline::advisor_thread::AdvisorResult;
use crate::tracking::ModelKind;

/// Width of the panel in points.
pub const PANEL_WIDTH: f32 = 340.0;
/// Colour chips per row.
const SWATCHES_PER_ROW: usize = 5;

/// Panel tabs, as a counter groups products.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Lips,
    Cheeks,
    Eyes,
    Brows,
    Face,
    /// The shade advisor: measure, then recommended products with reasons.
    Advisor,
}

impl Tab {
    const ALL: [Tab; 6] = [Tab::Lips, Tab::Cheeks, Tab::Eyes, Tab::Brows, Tab::Face, Tab::Advisor];
    fn label(self) -> &'static str {
        match self {
            Tab::Lips => "Lips",
            Tab::Cheeks => "Cheeks",
            Tab::Eyes => "Eyes",
            Tab::Brows => "Brows",
            Tab::Face => "Face",
            Tab::Advisor => "Advisor",
        }
    }
    fn categories(self) -> &'static [Category] {
        match self {
            Tab::Lips => &[Category::Lipstick],
            Tab::Cheeks => &[Category::Blush],
            Tab::Eyes => &[Category::Eyeshadow, Category::Eyeliner],
            Tab::Brows => &[Category::Brows],
            Tab::Face => &[Category::Foundation, Category::Contour, Category::Highlighter],
            Tab::Advisor => &[],
        }
    }
}

/// What the panel shows and edits.
#[derive(Debug, Clone)]
pub struct PanelState {
    /// The look on screen (edited in place).
    pub look: Look,
    /// Open tab.
    pub tab: Tab,
    /// Before/after split position (0–1 of the mirror's width), when on.
    pub split: Option<f32>,
    /// Mirror the image.
    pub flip: bool,
    /// Show the fps/latency overlay.
    pub show_stats: bool,
    /// Landmark model.
    pub model: ModelKind,
    /// Camera in use, when the source is a camera.
    pub camera: Option<u32>,
    /// Cameras to pick from.
    pub cameras: Vec<CameraInfo>,
    /// Simplified panel, no files.
    pub kiosk: bool,
    /// The shade advisor's progress or result (refreshed by the app each frame).
    pub advisor: AdvisorState,
    /// What the person asked the advisor for (occasion, intensity).
    pub preferences: crate::advisor::Preferences,
}

/// Requests the panel makes of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Use another landmark model.
    Model(ModelKind),
    /// Open another camera.
    Camera(u32),
    /// Save a snapshot.
    Snapshot,
    /// Start measuring the face for the shade advisor.
    FindShades,
    /// Re-rank the advisor's picks for new preferences.
    AdvisorPreferences(crate::advisor::Preferences),
    /// Staff: measure a grey card held in the marked box and store the store light's correction.
    CalibrateGreyCard,
}

fn color32(c: Srgb) -> Color32 {
    Color32::from_rgb(c.0[0], c.0[1], c.0[2])
}

/// A clickable colour chip with the product's name under it.
fn swatch(ui: &mut Ui, p: &Product, selected: bool) -> bool {
    let mut clicked = false;
    ui.vertical(|ui| {
        ui.set_width(60.0);
        let (rect, resp) = ui.allocate_exact_size(Vec2::new(44.0, 44.0), Sense::click());
        paint_chip(ui.painter(), rect.center(), 20.0, &p.colours());
        if selected {
            ui.painter().circle_stroke(rect.center(), 22.0, egui::Stroke::new(2.5, ui.visuals().strong_text_color()));
        }
        clicked = resp.on_hover_text(format!("{} {} ({})", p.brand, p.name, p.sku)).clicked();
        ui.label(RichText::new(&p.name).small());
    });
    clicked
}

/// A round chip in the product's colours: one colour fills it, a palette's colours share it as
/// equal slices (the first at the top, clockwise), as a palette looks in its case.
fn paint_chip(painter: &egui::Painter, centre: egui::Pos2, radius: f32, colours: &[Srgb]) {
    if let [only] = colours {
        painter.circle_filled(centre, radius, color32(*only));
        return;
    }
    const STEPS_PER_SLICE: usize = 24;
    let slice = std::f32::consts::TAU / colours.len() as f32;
    for (i, colour) in colours.iter().enumerate() {
        let start = -std::f32::consts::FRAC_PI_2 + slice * i as f32;
        let rim = (0..=STEPS_PER_SLICE).map(|k| {
            let a = start + slice * k as f32 / STEPS_PER_SLICE as f32;
            centre + radius * Vec2::new(a.cos(), a.sin())
        });
        let points: Vec<egui::Pos2> = std::iter::once(centre).chain(rim).collect();
        painter.add(egui::Shape::convex_polygon(points, color32(*colour), egui::Stroke::NONE));
    }
}

/// Whether `p` is what the look wears in its category (all of a palette's colours, in order).
fn is_worn(look: &Look, p: &Product) -> bool {
    match p.category {
        Category::Eyeshadow => look.eyeshadow.as_ref().is_some_and(|e| e.colors == p.colours()),
        c => shade_of(look, c) == Some(p.shade),
    }
}

/// Puts a product on the look.
pub fn apply_product(look: &mut Look, p: &Product) {
    match p.category {
        Category::Lipstick => {
            let old = look.lipstick.take();
            look.lipstick = Some(Lipstick {
                color: p.shade,
                finish: p.finish.unwrap_or(old.as_ref().map(|l| l.finish).unwrap_or_default()),
                opacity: old.as_ref().map(|l| l.opacity).unwrap_or(1.0),
                liner: old.as_ref().and_then(|l| l.liner),
                inner: old.and_then(|l| l.inner),
            });
        }
        Category::Blush => {
            let opacity = look.blush.as_ref().map(|b| b.opacity).unwrap_or(0.6);
            look.blush = Some(Blush { color: p.shade, opacity });
        }
        Category::Eyeshadow => {
            let (opacity, shimmer) = look.eyeshadow.as_ref().map(|e| (e.opacity, e.shimmer)).unwrap_or((0.7, 0.0));
            look.eyeshadow = Some(Eyeshadow { colors: p.colours(), opacity, shimmer });
        }
        Category::Eyeliner => {
            let old = look.eyeliner.take();
            look.eyeliner = Some(Eyeliner {
                color: p.shade,
                thickness: old.as_ref().map(|e| e.thickness).unwrap_or(0.5),
                wing: old.as_ref().map(|e| e.wing).unwrap_or(0.3),
                opacity: old.as_ref().map(|e| e.opacity).unwrap_or(1.0),
            });
        }
        Category::Brows => {
            let opacity = look.brows.as_ref().map(|b| b.opacity).unwrap_or(0.5);
            look.brows = Some(Brows { color: p.shade, opacity });
        }
        Category::Foundation => {
            let (opacity, smoothing) = look.foundation.as_ref().map(|f| (f.opacity, f.smoothing)).unwrap_or((0.4, 0.5));
            look.foundation = Some(Foundation { color: p.shade, opacity, smoothing });
        }
        Category::Contour => {
            let opacity = look.contour.as_ref().map(|c| c.opacity).unwrap_or(0.5);
            look.contour = Some(Contour { color: p.shade, opacity });
        }
        Category::Highlighter => {
            let opacity = look.highlight.as_ref().map(|h| h.opacity).unwrap_or(0.5);
            look.highlight = Some(Highlight { color: p.shade, opacity });
        }
    }
}

fn shade_of(look: &Look, c: Category) -> Option<Srgb> {
    match c {
        Category::Lipstick => look.lipstick.as_ref().map(|l| l.color),
        Category::Blush => look.blush.as_ref().map(|l| l.color),
        Category::Eyeshadow => look.eyeshadow.as_ref().and_then(|l| l.colors.first().copied()),
        Category::Eyeliner => look.eyeliner.as_ref().map(|l| l.color),
        Category::Brows => look.brows.as_ref().map(|l| l.color),
        Category::Foundation => look.foundation.as_ref().map(|l| l.color),
        Category::Contour => look.contour.as_ref().map(|l| l.color),
        Category::Highlighter => look.highlight.as_ref().map(|l| l.color),
    }
}

/// Ombré: the inner colour of two-tone lips, one of the catalog's lipsticks, or off.
fn ombre_picker(ui: &mut Ui, inner: &mut Option<Srgb>, catalog: &Catalog) {
    let name_of = |c: Srgb| catalog.of(Category::Lipstick).find(|p| p.shade == c).map(|p| p.name.clone());
    let shown = inner.map(|c| name_of(c).unwrap_or_else(|| c.to_string())).unwrap_or_else(|| "off".into());
    egui::ComboBox::from_label("Ombré centre").selected_text(shown).show_ui(ui, |ui| {
        ui.selectable_value(inner, None, "off");
        for p in catalog.of(Category::Lipstick) {
            ui.selectable_value(inner, Some(p.shade), &p.name);
        }
    });
}

/// The clear gloss topper: on/off over any lipstick (or bare lips), and how much shine.
fn gloss_controls(ui: &mut Ui, gloss: &mut Option<Gloss>) {
    let mut on = gloss.is_some();
    if ui.checkbox(&mut on, "Clear gloss on top").changed() {
        *gloss = on.then_some(Gloss { opacity: 0.8 });
    }
    if let Some(g) = gloss.as_mut() {
        intensity(ui, "Shine", &mut g.opacity);
    }
}

fn intensity(ui: &mut Ui, label: &str, value: &mut f32) {
    ui.add(egui::Slider::new(value, 0.0..=1.0).text(label));
}

/// A layer's sliders when the look has it on, and a button that takes it off.
fn layer_controls<T>(ui: &mut Ui, slot: &mut Option<T>, what: &str, sliders: impl FnOnce(&mut Ui, &mut T)) {
    let Some(layer) = slot.as_mut() else { return };
    sliders(ui, layer);
    if ui.button(format!("Remove {what}")).clicked() {
        *slot = None;
    }
}

/// Finish and intensity controls of one category, plus "remove".
fn controls(ui: &mut Ui, look: &mut Look, c: Category, catalog: &Catalog) {
    match c {
        Category::Lipstick => {
            layer_controls(ui, &mut look.lipstick, "lipstick", |ui, l| {
                egui::ComboBox::from_label("Finish").selected_text(l.finish.name()).show_ui(ui, |ui| {
                    for f in Finish::ALL {
                        ui.selectable_value(&mut l.finish, f, f.name());
                    }
                });
                intensity(ui, "Intensity", &mut l.opacity);
                ombre_picker(ui, &mut l.inner, catalog);
            });
            gloss_controls(ui, &mut look.gloss);
        }
        Category::Blush => {
            layer_controls(ui, &mut look.blush, "blush", |ui, b| intensity(ui, "Intensity", &mut b.opacity))
        }
        Category::Eyeshadow => layer_controls(ui, &mut look.eyeshadow, "eyeshadow", |ui, e| {
            intensity(ui, "Intensity", &mut e.opacity);
            intensity(ui, "Shimmer", &mut e.shimmer);
        }),
        Category::Eyeliner => layer_controls(ui, &mut look.eyeliner, "eyeliner", |ui, e| {
            intensity(ui, "Thickness", &mut e.thickness);
            intensity(ui, "Wing", &mut e.wing);
        }),
        Category::Brows => {
            layer_controls(ui, &mut look.brows, "brow tint", |ui, b| intensity(ui, "Intensity", &mut b.opacity))
        }
        Category::Foundation => layer_controls(ui, &mut look.foundation, "foundation", |ui, f| {
            intensity(ui, "Coverage", &mut f.opacity);
            intensity(ui, "Smoothing", &mut f.smoothing);
        }),
        Category::Contour => {
            layer_controls(ui, &mut look.contour, "contour", |ui, c| intensity(ui, "Intensity", &mut c.opacity))
        }
        Category::Highlighter => {
            layer_controls(ui, &mut look.highlight, "highlight", |ui, h| intensity(ui, "Intensity", &mut h.opacity))
        }
    }
}

/// Draws the panel's contents into `ui` and returns what the app must do.
pub fn show(ui: &mut Ui, state: &mut PanelState, catalog: &Catalog, looks: &[Look]) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.heading("Vanity");
    ui.label(RichText::new("Looks").strong());
    ui.horizontal_wrapped(|ui| {
        for l in looks {
            if ui.selectable_label(state.look.name == l.name, &l.name).clicked() {
                state.look = l.clone();
            }
        }
    });
    if ui.button("Clear all").clicked() {
        state.look = Look { name: "Custom".into(), ..Look::default() };
    }
    ui.separator();
    ui.horizontal(|ui| {
        for t in Tab::ALL {
            ui.selectable_value(&mut state.tab, t, t.label());
        }
    });
    if state.tab == Tab::Advisor {
        actions.extend(advisor_tab(ui, state, catalog));
    }
    for &c in state.tab.categories() {
        ui.label(RichText::new(c.name()).strong());
        egui::Grid::new(c.name()).spacing(Vec2::new(4.0, 6.0)).show(ui, |ui| {
            for (i, p) in catalog.of(c).enumerate() {
                if swatch(ui, p, is_worn(&state.look, p)) {
                    apply_product(&mut state.look, p);
                    state.look.name = "Custom".into();
                }
                if i % SWATCHES_PER_ROW == SWATCHES_PER_ROW - 1 {
                    ui.end_row();
                }
            }
        });
        if !state.kiosk {
            controls(ui, &mut state.look, c, catalog);
        }
    }
    if state.kiosk {
        return actions;
    }
    ui.separator();
    let mut before_after = state.split.is_some();
    if ui.checkbox(&mut before_after, "Before / after (drag the line)").changed() {
        state.split = before_after.then_some(0.5);
    }
    ui.checkbox(&mut state.flip, "Mirror image");
    ui.checkbox(&mut state.show_stats, "Show fps and latency");
    let mut model = state.model;
    egui::ComboBox::from_label("Tracking").selected_text(model_label(model)).show_ui(ui, |ui| {
        ui.selectable_value(&mut model, ModelKind::V1, model_label(ModelKind::V1));
        ui.selectable_value(&mut model, ModelKind::V2, model_label(ModelKind::V2));
    });
    if model != state.model {
        state.model = model;
        actions.push(Action::Model(model));
    }
    if !state.cameras.is_empty() {
        // Also offered when the app fell back to the sample video: plugging a camera in later works.
        let current = state.camera.unwrap_or(u32::MAX);
        let mut pick = current;
        let name = |i: u32| {
            state.cameras.iter().find(|c| c.index == i).map(|c| c.name.clone()).unwrap_or("Sample video".into())
        };
        egui::ComboBox::from_label("Camera").selected_text(name(current)).show_ui(ui, |ui| {
            for c in &state.cameras {
                ui.selectable_value(&mut pick, c.index, &c.name);
            }
        });
        if pick != current {
            actions.push(Action::Camera(pick));
        }
    }
    if ui.button("Snapshot").clicked() {
        actions.push(Action::Snapshot);
    }
    actions
}

/// The Advisor tab: "Find my shades", progress while measuring, then the person's skin beside
/// each recommended product with its reasons; one click tries a product, "Try all" a whole look.
fn advisor_tab(ui: &mut Ui, state: &mut PanelState, catalog: &Catalog) -> Option<Action> {
    let mut action = None;
    match state.advisor.clone() {
        AdvisorState::Idle => {
            ui.label("Find the foundation that matches your skin and the colours that suit you.");
            if ui.button("Find my shades").clicked() {
                action = Some(Action::FindShades);
            }
        }
        AdvisorState::Measuring { progress, frames } => {
            ui.label("Look at the camera and hold still…");
            ui.add(egui::ProgressBar::new(progress).text(format!("{frames} frames")));
        }
        AdvisorState::Done(None) => {
            ui.label("No face was seen. Step into the oval and try again.");
            if ui.button("Find my shades").clicked() {
                action = Some(Action::FindShades);
            }
        }
        AdvisorState::Done(Some(result)) => {
            if let Some(prefs) = preferences(ui, &mut state.preferences) {
                action = Some(Action::AdvisorPreferences(prefs));
            }
            advisor_result(ui, state, catalog, &result);
            if ui.button("Measure again").clicked() {
                action = Some(Action::FindShades);
            }
        }
    }
    if !state.kiosk && ui.button("Calibrate store light (grey card)").on_hover_text(CALIBRATE_HELP).clicked() {
        action = Some(Action::CalibrateGreyCard);
    }
    action
}

/// What the calibration button does, for staff.
const CALIBRATE_HELP: &str = "Hold an 18 % grey card so that it fills the marked box for 3 seconds. \
The store's light is then corrected from the card instead of the eye whites (kept in the settings).";

/// Occasions and intensities offered (keys of `assets/advice.toml`).
const OCCASIONS: [&str; 4] = ["everyday", "office", "evening", "bridal"];

/// Occasion and intensity pickers; the new preferences when one changed.
fn preferences(ui: &mut Ui, prefs: &mut crate::advisor::Preferences) -> Option<crate::advisor::Preferences> {
    let before = prefs.clone();
    ui.horizontal(|ui| {
        let occasion = prefs.occasion.get_or_insert_with(|| "everyday".into());
        egui::ComboBox::from_id_salt("occasion").selected_text(occasion.as_str()).show_ui(ui, |ui| {
            for o in OCCASIONS {
                ui.selectable_value(occasion, o.to_string(), o);
            }
        });
        let mut intensity = prefs.intensity.clone().unwrap_or_default();
        egui::ComboBox::from_id_salt("intensity")
            .selected_text(if intensity.is_empty() { "occasion's intensity" } else { intensity.as_str() })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut intensity, String::new(), "occasion's intensity");
                ui.selectable_value(&mut intensity, "natural".to_string(), "natural");
                ui.selectable_value(&mut intensity, "bold".to_string(), "bold");
            });
        prefs.intensity = (!intensity.is_empty()).then_some(intensity);
    });
    (*prefs != before).then(|| prefs.clone())
}

fn advisor_result(ui: &mut Ui, state: &mut PanelState, catalog: &Catalog, result: &AdvisorResult) {
    let m = &result.measurement;
    let light = &m.lighting;
    if !light.verdict.allows_advice() {
        ui.label(RichText::new(format!("Light: {}", light.verdict.name())).strong());
        ui.label(light.advice);
        return;
    }
    let skin: Srgb = m.skin.hex.parse().unwrap_or(Srgb([128, 128, 128]));
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(Vec2::new(36.0, 36.0), Sense::hover());
        ui.painter().circle_filled(rect.center(), 16.0, color32(skin));
        ui.add(
            egui::Label::new(format!(
                "Your skin: Monk {}, {} (ITA {:.0}°), {} undertone{} (h {:.0}°); light {:.0} K from {}, confidence {:.0} %",
                m.skin.monk,
                m.skin.ita_band.name(),
                m.skin.ita,
                m.skin.undertone.name(),
                if m.skin.certain { "" } else { " (uncertain)" },
                m.skin.hue,
                light.cct,
                match light.reference {
                    crate::advisor::Reference::GreyCard => "the store's grey card",
                    crate::advisor::Reference::Sclera => "your eye whites",
                    crate::advisor::Reference::None => "nothing",
                },
                light.confidence * 100.0
            ))
            .wrap(),
        );
    });
    for tip in crate::advisor::tips(m) {
        ui.add(egui::Label::new(RichText::new(tip).small()).wrap());
    }
    ui.separator();
    for r in &result.recommendations {
        let Some(p) = catalog.products.iter().find(|p| p.sku == r.sku) else { continue };
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::new(44.0, 22.0), Sense::hover());
            ui.painter().circle_filled(rect.left_center() + Vec2::new(11.0, 0.0), 10.0, color32(skin));
            ui.painter().circle_filled(rect.right_center() - Vec2::new(11.0, 0.0), 10.0, color32(p.shade));
            ui.label(RichText::new(format!("{}: {}", r.category, r.name)).strong());
            if ui.small_button("Try").clicked() {
                apply_product(&mut state.look, p);
                state.look.name = "Custom".into();
            }
        });
        ui.add(egui::Label::new(RichText::new(r.reasons.join("; ")).small()).wrap());
    }
    if !result.recommendations.is_empty() && ui.button("Try all").clicked() {
        state.look = crate::advisor::look_of(&result.recommendations, catalog, "Recommended for you");
    }
}

fn model_label(m: ModelKind) -> &'static str {
    match m {
        ModelKind::V1 => "fast (v1)",
        ModelKind::V2 => "precise (v2)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eyeshadow(sku: &str, shade: &str, palette: &[&str]) -> Product {
        Product {
            brand: "Vanity".into(),
            name: sku.into(),
            sku: sku.into(),
            category: Category::Eyeshadow,
            shade: shade.parse().unwrap(),
            palette: palette.iter().map(|c| c.parse().unwrap()).collect(),
            finish: None,
            undertone: None,
        }
    }

    #[test]
    fn picking_a_palette_puts_all_its_colours_on_the_eyes() {
        let trio = eyeshadow("TRIO", "#5B3A6E", &["#8E6A9E", "#2E1F38"]);
        let single = eyeshadow("ONE", "#5B3A6E", &[]);
        let mut look = Look::default();
        apply_product(&mut look, &trio);
        assert_eq!(look.eyeshadow.as_ref().unwrap().colors, trio.colours());
        assert_eq!(look.eyeshadow.as_ref().unwrap().colors.len(), 3);
        // The panel marks the palette as worn, not the single shade that shares its first colour.
        assert!(is_worn(&look, &trio) && !is_worn(&look, &single));
        apply_product(&mut look, &single);
        assert_eq!(look.eyeshadow.as_ref().unwrap().colors.len(), 1);
        assert!(is_worn(&look, &single) && !is_worn(&look, &trio));
    }

    #[test]
    fn the_bundled_catalog_has_palettes_that_are_valid_looks() {
        let catalog = Catalog::load(&Catalog::bundled_path()).unwrap();
        let palettes: Vec<&Product> = catalog.of(Category::Eyeshadow).filter(|p| !p.palette.is_empty()).collect();
        assert!(palettes.len() >= 2, "the demo counter shows palettes");
        for p in palettes {
            let mut look = Look { name: p.name.clone(), ..Look::default() };
            apply_product(&mut look, p);
            crate::looks::Look::parse(&look.to_toml(), std::path::Path::new("palette.toml"))
                .unwrap_or_else(|e| panic!("{}: {e}", p.sku));
        }
    }
}
