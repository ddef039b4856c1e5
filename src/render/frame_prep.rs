//! The CPU half of drawing makeup on a frame: each face's lips fitted to the picture, its skin,
//! the light on it, what covers it, and the vertices and per-face uniforms the layers draw with.
//! Kept apart from the GPU half ([`super::Renderer::encode`]) so that it can be measured alone,
//! and built on buffers kept from frame to frame: once the faces are tracked, a live frame
//! allocates nothing here (`tests/frame_buffers.rs` counts).

use glam::{Vec2, Vec3};
use image::RgbImage;

use super::body_occluders::Outline;
use super::eye_edges::{EyeEdges, LinerScale};
use super::face_memory::FaceMemory;
use super::hand_silhouette::HandSilhouette;
use super::lighting::{FaceLight, LightProbe, vertex_normals};
use super::lip_edges::LipEdges;
use super::lip_feather::LipFeatherMap;
use super::occluders::{OccluderMask, hand_colour, pixel_box};
use super::renderer::{FaceDraw, FaceInfo, MAX_FACES, Vertex, shape_id};
use super::skin_model::{ChromaModel, FaceSkin, SampleSites, SkinSamples};
use super::stats;
use crate::advisor::Correction;
use crate::advisor::measure::FaceShape;
use crate::face::mesh::{CanonicalMesh, VERTEX_COUNT};
use crate::face::regions::{FACE_OVAL, contour};
use crate::tracking::bodies::Body;
use crate::tracking::hands::Hand;
use crate::tracking::tracker::inter_ocular;

/// In video, a face whose last body skin search found nothing is searched again only every this
/// many frames (a tenth of a second at 30 fps): a chin coming to rest on a shoulder is found
/// within it, and the search (~6 ms a face at kiosk distance here) is not run on every frame of
/// a face with nothing in front of it. A face with a shoulder in front is searched every frame.
const BODY_RECHECK_FRAMES: u32 = 3;

/// Whether a face's body skin search found anything, and how many frames ago it ran.
#[derive(Debug, Clone, Copy, Default)]
struct BodyCheck {
    found: bool,
    idle_frames: u32,
}

/// One face's working data in a frame, kept between frames for its allocations.
#[derive(Debug, Default)]
struct FaceWork {
    /// The landmarks with the lip contours moved to the picture's lip edges (the mesh's own with
    /// fitting off).
    landmarks: Vec<Vec3>,
    /// The lipstick's feather at each outer lip vertex, pixels.
    feathers: [f32; 20],
    /// The mesh's unit normals at `landmarks`.
    normals: Vec<Vec3>,
    /// The pixels the skin was read from.
    skin_samples: SkinSamples,
    /// The face's skin this frame.
    skin: FaceSkin,
    /// How soft the picture draws the face's eyes this frame.
    eye_edges: EyeEdges,
    /// The light on the face this frame.
    light: FaceLight,
}

/// What the makeup layers need from the CPU for one frame, and the state carried between
/// frames (steadied lip edges, light and skin and hair models, the occluder mask).
pub struct FramePrep {
    /// The mesh's atlas coordinates, per vertex.
    uvs: Vec<[f32; 2]>,
    /// The mesh's triangles (all of them: normals need the closed surface).
    triangles: Vec<[u16; 3]>,
    /// The light on each face.
    light: LightProbe,
    /// Last frame's lip edges per face (video keeps them steady).
    lip_edges: FaceMemory<LipEdges>,
    /// Each face's skin as read and followed last frame: video keeps its skin and hair models
    /// steady, and a face near the limit of telling its hair on one side of it.
    skin: FaceMemory<FaceSkin>,
    /// Each face's eye edges as measured and followed last frame: video keeps the eyeliner's
    /// softness steady.
    eye_edges: FaceMemory<EyeEdges>,
    /// Whether lips are read from the picture: contours fitted, occluders found (off: the mesh's
    /// own lip line, for comparisons).
    fit_lips: bool,
    /// A light direction every face is drawn with instead of its own estimate (for comparisons).
    pinned_direction: Option<Vec3>,
    /// Whether each face's hair is read, so that a lock across the brow or lid stays bare (off:
    /// for comparisons).
    read_hair: bool,
    /// What covers the faces this frame.
    pub(super) occluder_mask: OccluderMask,
    /// Hands in the frames drawn next (see [`FramePrep::set_hands`]).
    pub(super) hands: Vec<Hand>,
    /// The bodies under the faces in the frames drawn next (see [`FramePrep::set_bodies`]).
    pub(super) bodies: Vec<Body>,
    /// Their shoulders, this frame.
    shoulders: Vec<Vec2>,
    /// Each face's outline, this frame (where the body's skin search may start).
    outlines: Vec<Outline>,
    /// Per face, in video: whether last frame's body skin search found a shoulder in front of
    /// it, and how many frames ago it last ran.
    body_checks: FaceMemory<BodyCheck>,
    /// Where each face's skin and hair are read.
    skin_sites: SampleSites,
    /// Converts each face's lip feathers from pixels to the atlas's units, per vertex.
    lip_feather: LipFeatherMap,
    /// Converts each face's eyeliner feather from pixels to the atlas's units.
    liner_scale: LinerScale,
    /// Per face: its working data (the first [`FramePrep::drawn`] are this frame's; the rest are
    /// kept from frames with more faces, for their allocations).
    faces: Vec<FaceWork>,
    /// This frame's hand outlines.
    silhouettes: Vec<HandSilhouette>,
    /// Each hand's own colour this frame.
    hand_colours: Vec<Option<Vec3>>,
    /// The vertices of every face drawn, in order.
    pub(super) vertices: Vec<Vertex>,
    /// Per face drawn: what its layers read.
    pub(super) infos: [FaceInfo; MAX_FACES],
    /// How many faces this frame draws.
    pub(super) drawn: usize,
}

impl FramePrep {
    /// Reads what it needs from the canonical mesh.
    pub fn new(mesh: &CanonicalMesh) -> Self {
        Self {
            uvs: mesh.uvs.clone(),
            triangles: mesh.triangles.clone(),
            light: LightProbe::new(mesh),
            lip_edges: FaceMemory::new(),
            skin: FaceMemory::new(),
            eye_edges: FaceMemory::new(),
            fit_lips: true,
            pinned_direction: None,
            read_hair: true,
            occluder_mask: OccluderMask::default(),
            hands: Vec::new(),
            bodies: Vec::new(),
            shoulders: Vec::new(),
            outlines: Vec::new(),
            body_checks: FaceMemory::new(),
            skin_sites: SampleSites::of(mesh),
            lip_feather: LipFeatherMap::new(&mesh.uvs, &mesh.triangles),
            liner_scale: LinerScale::new(mesh),
            faces: Vec::new(),
            silhouettes: Vec::new(),
            hand_colours: Vec::new(),
            vertices: Vec::with_capacity(MAX_FACES * VERTEX_COUNT),
            infos: [FaceInfo::default(); MAX_FACES],
            drawn: 0,
        }
    }

    /// Uses a grey-card calibration instead of each face's eye whites.
    pub fn set_calibration(&mut self, calibration: Option<Correction>) {
        self.light.set_calibration(calibration);
    }

    /// The hands in the frames prepared from now on.
    pub fn set_hands(&mut self, hands: &[Hand]) {
        self.hands.clear();
        self.hands.extend_from_slice(hands);
    }

    /// The bodies under the faces in the frames prepared from now on.
    pub fn set_bodies(&mut self, bodies: &[Body]) {
        self.bodies.clear();
        self.bodies.extend_from_slice(bodies);
    }

    /// Reads lips from the picture or draws the mesh's own lip line (see
    /// [`super::Renderer::set_lips_from_picture`]).
    pub fn set_lips_from_picture(&mut self, on: bool) {
        self.fit_lips = on;
        self.lip_edges.forget();
    }

    /// Draws every face lit from `direction` instead of its estimated light direction (see
    /// [`super::Renderer::pin_light_direction`]).
    pub fn pin_light_direction(&mut self, direction: Option<Vec3>) {
        self.pinned_direction = direction.and_then(Vec3::try_normalize);
    }

    /// Reads each face's hair or not (see [`super::Renderer::set_hair_read`]).
    pub fn set_hair_read(&mut self, on: bool) {
        self.read_hair = on;
    }

    /// Measures the light the faces of a whole photo stand in, for its parts drawn next (regions
    /// of a photo too large for the device, or more faces than one pass draws) until
    /// [`FramePrep::end_photo`] (see [`LightProbe::measure_room`]).
    pub fn measure_photo(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) {
        let normals: Vec<Vec<Vec3>> = faces
            .iter()
            .map(|face| {
                let mut normals = Vec::new();
                vertex_normals(face.landmarks, &self.triangles, &mut normals);
                normals
            })
            .collect();
        self.light.measure_room(frame, faces.iter().zip(&normals).map(|(face, n)| (face.landmarks, &n[..])));
    }

    /// Each picture's faces are lit by their own light again (see [`FramePrep::measure_photo`]).
    pub fn end_photo(&mut self) {
        self.light.forget_room();
    }

    /// The feather (pixels) each face of the last prepared frame draws its eyeliner's edges with
    /// (0 where the picture's blur was not measured): what the eyeliner follows in video, for
    /// tests and figures.
    pub fn liner_feathers(&self) -> impl Iterator<Item = f32> + '_ {
        self.infos[..self.drawn].iter().map(|info| info.eye_edges[0])
    }

    /// The next frame is not the next frame of a video: nothing to smooth with.
    pub fn forget(&mut self) {
        self.light.forget();
        self.lip_edges.forget();
        self.skin.forget();
        self.eye_edges.forget();
        self.body_checks.forget();
    }

    /// Works out the first [`MAX_FACES`] of `faces` in `frame`: lips, skin, occluders, light,
    /// then the vertices and per-face uniforms.
    pub fn prepare(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) {
        let faces = &faces[..faces.len().min(MAX_FACES)];
        if self.faces.len() < faces.len() {
            self.faces.resize_with(faces.len(), FaceWork::default);
        }
        self.drawn = faces.len();
        self.fit_lips_to(frame, faces);
        self.measure_eyes(frame, faces);
        self.silhouettes.clear();
        self.silhouettes.extend(self.hands.iter().filter_map(HandSilhouette::of));
        // Each face's skin, hair and brows, read once for the layers that paint skin and not
        // what is in front of it, and for the hands' edges.
        let (sites, hands) = (&self.skin_sites, &self.silhouettes);
        self.skin.update(
            &mut self.faces[..faces.len()],
            |work| &work.landmarks,
            |work, before| {
                let samples = &mut work.skin_samples;
                let read_on = before.map(|b| b.hair_read_on);
                let skin = FaceSkin::read(frame, &work.landmarks, sites, hands, samples, read_on);
                work.skin = before.map_or(skin, |b| skin.steadied(b));
                work.skin
            },
        );
        for work in &mut self.faces[..faces.len()] {
            if !self.read_hair {
                work.skin.hair = ChromaModel::ANY;
            }
            vertex_normals(&work.landmarks, &self.triangles, &mut work.normals);
        }
        self.estimate_lights(frame);
        self.mark_occluders(frame);
        self.fill_vertices_and_infos(frame, faces);
    }

    /// Each face's lips as the picture shows them ([`LipEdges`], steadied over video frames):
    /// the landmarks with the lip contours moved to the lip's edges and the lipstick's feather
    /// as soft as those edges; the mesh's own line and the default feather with fitting off.
    fn fit_lips_to(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) {
        let edges: &[LipEdges] = if self.fit_lips {
            self.lip_edges.update(
                faces,
                |face| face.landmarks,
                |face, before| {
                    let fit = LipEdges::fit(frame, face.landmarks);
                    before.map_or(fit, |b| b.follow(&fit))
                },
            )
        } else {
            &[]
        };
        for (i, (face, work)) in faces.iter().zip(&mut self.faces).enumerate() {
            let e = edges.get(i).copied().unwrap_or_default();
            e.apply_into(face.landmarks, &mut work.landmarks);
            work.feathers = e.outer_feathers(inter_ocular(face.landmarks));
        }
    }

    /// How soft the picture draws each face's eyes ([`EyeEdges`], followed over video frames),
    /// for an eyeliner as sharp as the picture.
    fn measure_eyes(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) {
        let edges = self.eye_edges.update(
            faces,
            |face| face.landmarks,
            |face, before| {
                let now = EyeEdges::measure(frame, face.landmarks);
                before.map_or(now, |b| b.follow(&now))
            },
        );
        for (work, edges) in self.faces.iter_mut().zip(edges) {
            work.eye_edges = *edges;
        }
    }

    /// The light on each face ([`LightProbe`], followed over video frames): the makeup's light,
    /// and the one the finger finder divides out of the lips' colours.
    fn estimate_lights(&mut self, frame: &RgbImage) {
        let works = &mut self.faces[..self.drawn];
        let lights = self.light.estimate(frame, works.iter().map(|w| (&w.landmarks[..], &w.normals[..])));
        for (work, light) in works.iter_mut().zip(lights) {
            work.light = *light;
        }
    }

    /// Finds what covers each face ([`OccluderMask`]: the hands, a finger on the lips, a shoulder
    /// under the chin).
    fn mark_occluders(&mut self, frame: &RgbImage) {
        let (w, h) = frame.dimensions();
        let faces = &self.faces[..self.drawn];
        self.occluder_mask.begin(w, h);
        for work in faces.iter().filter(|_| self.fit_lips) {
            self.occluder_mask.mark_lips(frame, &work.landmarks, work.light.colour);
        }
        // Each hand's own colour, read once per frame whatever the number of faces it covers.
        self.hand_colours.clear();
        self.hand_colours.extend(self.silhouettes.iter().map(|hand| hand_colour(frame, hand)));
        for work in faces.iter().filter(|_| !self.silhouettes.is_empty()) {
            let (lo, hi) = crate::tracking::roi::bounds(&work.landmarks);
            let margin = (hi - lo) * 0.1;
            let Some(area) = pixel_box(lo - margin, hi + margin, w, h) else { continue };
            for (hand, colour) in self.silhouettes.iter().zip(&self.hand_colours) {
                self.occluder_mask.mark_hand(frame, hand, area, (*colour, work.skin.colour));
            }
        }
        self.shoulders.clear();
        self.shoulders.extend(self.bodies.iter().flat_map(Body::visible_shoulders));
        if self.shoulders.is_empty() {
            self.body_checks.forget();
            return;
        }
        self.outlines.clear();
        self.outlines.extend(faces.iter().map(|w| contour(&w.landmarks, &FACE_OVAL)));
        let (mask, outlines, shoulders) = (&mut self.occluder_mask, &self.outlines, &self.shoulders);
        self.body_checks.update(
            faces.iter().zip(outlines),
            |(work, _)| &work.landmarks,
            |(work, oval), before| match before {
                Some(b) if !b.found && b.idle_frames + 1 < BODY_RECHECK_FRAMES => {
                    BodyCheck { found: false, idle_frames: b.idle_frames + 1 }
                }
                _ => BodyCheck {
                    found: mask.mark_body_skin(frame, (&work.landmarks, oval), outlines, shoulders),
                    idle_frames: 0,
                },
            },
        );
    }

    /// The vertices (positions, atlas coordinates, normals, lip feathers) and per-face uniforms
    /// (light, skin, shape, statistics) of each face.
    fn fill_vertices_and_infos(&mut self, frame: &RgbImage, faces: &[FaceDraw<'_>]) {
        let works = &self.faces[..faces.len()];
        self.vertices.clear();
        self.infos = [FaceInfo::default(); MAX_FACES];
        for ((face, work), info) in faces.iter().zip(works).zip(&mut self.infos) {
            let light = &work.light;
            let s = stats::measure(frame, &work.landmarks);
            let liner = self.liner_scale.uniform(work.eye_edges.feather_px(), &work.landmarks);
            let [r, g, b] = light.colour;
            let d = self.pinned_direction.unwrap_or(light.direction);
            *info = FaceInfo {
                lip_luma: s.lip_luma,
                skin_luma: s.skin_luma,
                iod_px: s.iod_px,
                strength: face.strength,
                light: [r, g, b, if light.measured() { 1.0 } else { 0.0 }],
                light_dir: [d.x, d.y, d.z, 0.0],
                shape: [shape_id(FaceShape::of(&work.landmarks)), 0.0, 0.0, 0.0],
                skin: work.skin.model.as_uniform(),
                hair: work.skin.hair.as_uniform(),
                brows: work.skin.brows.map_or([0.0; 4], |[r, g]| [r, g, 1.0 - r - g, 1.0]),
                eye_edges: liner.eye_edges,
                liner_wing: liner.wing,
            };
            let feathers = self.lip_feather.per_vertex(&work.landmarks, &work.feathers);
            self.vertices.extend(
                work.landmarks[..VERTEX_COUNT].iter().zip(&self.uvs).zip(&work.normals).zip(feathers).map(
                    |(((p, uv), n), &lip_feather)| Vertex {
                        pos: [p.x, p.y],
                        uv: *uv,
                        normal: n.to_array(),
                        lip_feather,
                    },
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::skin_model::{HairReadOn, flat_face_frame};

    /// Whether `prep` tells the hair of a flat face whose skin reaches `forehead` times its
    /// outline's reach (see [`flat_face_frame`]), as the next frame of its video.
    fn hair_told(prep: &mut FramePrep, forehead: f32) -> bool {
        let (frame, landmarks) = flat_face_frame([200, 150, 120], [190, 165, 90], forehead, |_| false);
        prep.prepare(&frame, &[FaceDraw { landmarks: &landmarks, strength: 1.0 }]);
        prep.faces[0].skin.hair != ChromaModel::ANY
    }

    #[test]
    fn a_video_frame_is_held_to_what_the_last_frame_read_the_hair_on() {
        let mesh = CanonicalMesh::load();
        let sites = SampleSites::of(&mesh);
        // A forehead where what the last frame read decides (see skin_model's tests).
        let decided_by_the_last_frame = (0..=20)
            .map(|k| 1.0 + 0.01 * k as f32)
            .find(|&forehead| {
                let (frame, landmarks) = flat_face_frame([200, 150, 120], [190, 165, 90], forehead, |_| false);
                let told = |before| {
                    let skin = FaceSkin::read(&frame, &landmarks, &sites, &[], &mut SkinSamples::default(), before);
                    skin.hair != ChromaModel::ANY
                };
                told(Some(HairReadOn::Hair)) && !told(Some(HairReadOn::Skin))
            })
            .expect("a forehead between the two limits");
        // After a frame of plain hair above the forehead, the hair stays told; after a frame of a
        // much higher forehead, it stays untold; a still (forgotten video) takes the middle.
        let mut prep = FramePrep::new(&mesh);
        assert!(hair_told(&mut prep, 1.0));
        assert!(hair_told(&mut prep, decided_by_the_last_frame), "the hair was dropped after a frame of hair");
        prep.forget();
        assert!(!hair_told(&mut prep, 1.3));
        assert!(!hair_told(&mut prep, decided_by_the_last_frame), "the hair was told after a frame of skin");
    }

    #[test]
    fn a_video_frame_s_skin_model_moves_part_way_to_what_it_reads_and_a_still_s_all_the_way() {
        let mesh = CanonicalMesh::load();
        let skin_of = |prep: &mut FramePrep, skin: [u8; 3]| {
            let (frame, landmarks) = flat_face_frame(skin, [60, 45, 35], 1.0, |_| false);
            prep.prepare(&frame, &[FaceDraw { landmarks: &landmarks, strength: 1.0 }]);
            prep.faces[0].skin.model.chroma[0]
        };
        let read = |skin: [u8; 3]| skin_of(&mut FramePrep::new(&mesh), skin);
        let (rosy, paler, sallow) = (read([210, 140, 120]), read([205, 140, 122]), read([190, 160, 110]));
        assert!(rosy - paler > 0.005, "the two skins read apart: {rosy} {paler}");
        // The next frame of the video, a little paler (within the model's tolerance): part of
        // the way.
        let mut prep = FramePrep::new(&mesh);
        skin_of(&mut prep, [210, 140, 120]);
        let next = skin_of(&mut prep, [205, 140, 122]);
        assert!(
            next < rosy - 0.2 * (rosy - paler) && next > paler + 0.5 * (rosy - paler),
            "{rosy} -> {next} ({paler})"
        );
        // Another face in its place (far outside the model's tolerance) is read as it is, as a
        // still is.
        assert_eq!(skin_of(&mut prep, [190, 160, 110]), sallow);
        skin_of(&mut prep, [210, 140, 120]);
        prep.forget();
        assert_eq!(skin_of(&mut prep, [205, 140, 122]), paler);
    }
}
