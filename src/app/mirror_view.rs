//! The mirror side of the window: the picture (before/after split, flipped or not) and what is
//! drawn over it (skin-area outlines, the grey-card box, messages, the advisor's face guide and
//! the kiosk's attract line). Pure egui: it paints what it is given and changes only the split.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use super::mirror_picture::PictureCallback;
use super::panel::PanelState;

/// What is drawn over the picture this frame.
#[derive(Debug, Default)]
pub struct MirrorOverlay<'a> {
    /// Skin areas the advisor measured, in frame pixels.
    pub outlines: &'a [Vec<glam::Vec2>],
    /// Show the box the grey card must fill (a calibration is counting down).
    pub calibrating: bool,
    /// Lines of text at the top left, in order (a note, the status, the statistics overlay).
    pub messages: Vec<&'a str>,
    /// Show where to put the face (the advisor is measuring).
    pub face_guide: bool,
    /// The kiosk's "step up" line (nobody in front).
    pub attract: bool,
}

/// Colour of messages and the face guide.
const MESSAGE_COLOUR: Color32 = Color32::from_rgb(255, 230, 150);

/// Paints the mirror into `rect`: the picture aspect-fit (once the renderer has a frame of
/// `frame_size`), then the overlay. Around the picture is the window's clear colour, black: no fill
/// is painted under the picture.
pub fn show(
    ui: &mut egui::Ui,
    rect: Rect,
    state: &mut PanelState,
    frame_size: Option<(u32, u32)>,
    overlay: &MirrorOverlay<'_>,
) {
    let image_rect = picture(ui, state, frame_size);
    if let (Some(image), Some(size)) = (image_rect, frame_size) {
        outlines(ui, image, size, state.flip, overlay.outlines);
        if overlay.calibrating {
            grey_card_box(ui, image);
        }
    }
    let painter = ui.painter();
    let mut y = rect.top() + 12.0;
    for msg in &overlay.messages {
        painter.text(
            Pos2::new(rect.left() + 12.0, y),
            Align2::LEFT_TOP,
            *msg,
            FontId::proportional(16.0),
            MESSAGE_COLOUR,
        );
        y += 22.0;
    }
    if overlay.face_guide {
        face_guide(ui, rect);
    }
    if overlay.attract {
        ui.painter().text(
            rect.center(),
            Align2::CENTER_CENTER,
            "Step up to the mirror and try a look",
            FontId::proportional(36.0),
            Color32::WHITE,
        );
    }
}

/// Draws the mirror image (made-up frame, or camera frame left of the before/after line),
/// aspect-fit, flipped when asked; handles dragging the split line. Returns where the frame is.
fn picture(ui: &mut egui::Ui, state: &mut PanelState, size: Option<(u32, u32)>) -> Option<Rect> {
    let (w, h) = size?;
    let area = ui.max_rect();
    let scale = (area.width() / w as f32).min(area.height() / h as f32);
    let rect = Rect::from_center_size(area.center(), Vec2::new(w as f32, h as f32) * scale);
    let painter = ui.painter();
    painter
        .add(egui_wgpu::Callback::new_paint_callback(rect, PictureCallback { split: state.split, flip: state.flip }));
    if let Some(split) = state.split {
        let x = rect.left() + rect.width() * split;
        painter.line_segment([Pos2::new(x, rect.top()), Pos2::new(x, rect.bottom())], Stroke::new(2.0, Color32::WHITE));
        let handle = Rect::from_center_size(Pos2::new(x, rect.center().y), Vec2::new(24.0, rect.height()));
        let resp = ui.interact(handle, ui.scope_id().with("mirror split"), Sense::drag());
        if resp.dragged()
            && let Some(p) = resp.interact_pointer_pos()
        {
            state.split = Some(((p.x - rect.left()) / rect.width()).clamp(0.0, 1.0));
        };
    }
    Some(rect)
}

/// The advisor's skin areas, outlined where they lie in the picture.
fn outlines(ui: &egui::Ui, image: Rect, size: (u32, u32), flip: bool, outlines: &[Vec<glam::Vec2>]) {
    for outline in outlines {
        let points: Vec<Pos2> = outline.iter().map(|p| to_screen(image, size, flip, *p)).collect();
        ui.painter().add(egui::Shape::closed_line(points, Stroke::new(1.5, Color32::from_rgb(150, 230, 255))));
    }
}

/// The box the grey card must fill: the frame's middle fifth.
fn grey_card_box(ui: &egui::Ui, image: Rect) {
    let card = Rect::from_center_size(image.center(), image.size() / 5.0);
    ui.painter().rect_stroke(card, 0.0, Stroke::new(3.0, Color32::WHITE), egui::StrokeKind::Outside);
    ui.painter().text(
        card.center_bottom() + Vec2::new(0.0, 8.0),
        Align2::CENTER_TOP,
        "Hold the grey card in the box",
        FontId::proportional(18.0),
        Color32::WHITE,
    );
}

/// Where to put the face while the advisor measures: an oval in the middle of the mirror.
fn face_guide(ui: &egui::Ui, rect: Rect) {
    let c = rect.center();
    let r = Vec2::new(rect.height() * 0.2, rect.height() * 0.27);
    let oval: Vec<Pos2> = (0..64)
        .map(|i| {
            let a = i as f32 / 64.0 * std::f32::consts::TAU;
            Pos2::new(c.x + r.x * a.cos(), c.y + r.y * a.sin())
        })
        .collect();
    ui.painter().add(egui::Shape::closed_line(oval, Stroke::new(3.0, MESSAGE_COLOUR)));
}

/// Where a frame pixel is drawn in the mirror's image rectangle (`flip`: shown mirrored).
fn to_screen(rect: Rect, (w, h): (u32, u32), flip: bool, p: glam::Vec2) -> Pos2 {
    let x = if flip { w as f32 - p.x } else { p.x };
    Pos2::new(rect.left() + x / w as f32 * rect.width(), rect.top() + p.y / h as f32 * rect.height())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_point_lands_where_the_mirrored_picture_shows_it() {
        let rect = Rect::from_min_size(Pos2::new(100.0, 50.0), Vec2::new(640.0, 360.0));
        let p = glam::Vec2::new(320.0, 90.0); // a quarter down, a quarter across, in a 1280x720 frame
        assert_eq!(to_screen(rect, (1280, 720), false, p), Pos2::new(260.0, 95.0));
        // Mirrored: the same point is a quarter from the right.
        assert_eq!(to_screen(rect, (1280, 720), true, p), Pos2::new(580.0, 95.0));
    }
}
