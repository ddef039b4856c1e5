//! Webcams through nokhwa (V4L2 on Linux, AVFoundation on macOS, Media Foundation on Windows).
//!
//! MJPEG is preferred at the requested resolution: it is what webcams deliver at 720p30/60. The
//! live path hands each buffer on undecoded ([`FrameSource::next_raw`]) and the tracking thread
//! decodes the frames it takes, never the UI thread and never a frame nobody shows.

use std::sync::Arc;
use std::time::Instant;

use image::RgbImage;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
};
use nokhwa::{Buffer, Camera};

use super::jpeg;
use super::{EncodedPicture, Frame, FrameSource, RawFrame, RawPixels, SourceError};
#[cfg(target_os = "linux")]
use crate::pipeline::recycle::Recycler;

/// A camera the system reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraInfo {
    /// Index to open it by.
    pub index: u32,
    /// Name for the picker.
    pub name: String,
}

/// Cameras present now (empty when there are none or the backend is unavailable).
pub fn list() -> Vec<CameraInfo> {
    match nokhwa::query(ApiBackend::Auto) {
        Ok(cams) => cams
            .iter()
            .filter_map(|c| match c.index() {
                CameraIndex::Index(i) => Some(CameraInfo { index: *i, name: c.human_name() }),
                CameraIndex::String(_) => None,
            })
            .collect(),
        Err(e) => {
            tracing::debug!("camera query failed: {e}");
            Vec::new()
        }
    }
}

/// An open camera stream.
pub struct CameraSource {
    camera: Camera,
    index: u32,
    size: (u32, u32),
    start: Instant,
    /// The stream's format and resolution, as opened.
    #[cfg(target_os = "linux")]
    format: CameraFormat,
    /// The buffers frames are copied into out of the driver's own, reused once the tracking
    /// thread has decoded (or skipped) them: a stream allocates no frame buffers.
    #[cfg(target_os = "linux")]
    reads: Recycler<Vec<u8>>,
}

impl CameraSource {
    /// Opens camera `index` asking for MJPEG at `width`×`height` and `fps` (or the closest mode).
    pub fn open(index: u32, width: u32, height: u32, fps: u32) -> Result<Self, SourceError> {
        let fail = |reason: String| SourceError::Camera { index, reason };
        let wanted = CameraFormat::new(Resolution::new(width, height), FrameFormat::MJPEG, fps);
        let requested = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted));
        let mut camera = Camera::new(CameraIndex::Index(index), requested).map_err(|e| fail(e.to_string()))?;
        camera.open_stream().map_err(|e| fail(e.to_string()))?;
        let format = camera.camera_format();
        let res = format.resolution();
        tracing::info!(index, width = res.width(), height = res.height(), format = ?format.format(), "camera open");
        Ok(Self {
            camera,
            index,
            size: (res.width(), res.height()),
            start: Instant::now(),
            #[cfg(target_os = "linux")]
            format,
            // The frame in the hand-off slot, the one being decoded and the one being read.
            #[cfg(target_os = "linux")]
            reads: Recycler::new(3),
        })
    }

    /// The next frame from the driver. V4L2 lends its own mapped buffer ([`Camera::frame_raw`],
    /// read in the format the stream was opened with, as nokhwa's [`Camera::frame`] does there):
    /// copied into a buffer of ours, reused once decoded.
    #[cfg(target_os = "linux")]
    fn read_picture(&mut self) -> Result<CameraPicture, nokhwa::NokhwaError> {
        let mut bytes = self.reads.spare();
        bytes.clear();
        bytes.extend_from_slice(&self.camera.frame_raw()?);
        Ok(CameraPicture {
            delivered: Delivered::Reused(self.reads.share(bytes)),
            format: self.format.format(),
            resolution: self.format.resolution(),
            index: self.index,
        })
    }

    /// The next frame from the driver, through nokhwa's [`Camera::frame`]: Media Foundation
    /// refreshes the stream's format with each frame there, and AVFoundation drops stale frames,
    /// which [`Camera::frame_raw`] does not.
    #[cfg(not(target_os = "linux"))]
    fn read_picture(&mut self) -> Result<CameraPicture, nokhwa::NokhwaError> {
        let buffer = self.camera.frame()?;
        Ok(CameraPicture {
            format: buffer.source_frame_format(),
            resolution: buffer.resolution(),
            delivered: Delivered::Nokhwa(buffer),
            index: self.index,
        })
    }
}

impl FrameSource for CameraSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        self.next_raw()?.map(RawFrame::decode).transpose()
    }

    /// The camera's buffer as delivered (MJPEG, YUYV…), decoded by whoever takes it.
    fn next_raw(&mut self) -> Result<Option<RawFrame>, SourceError> {
        let picture =
            self.read_picture().map_err(|e| SourceError::Camera { index: self.index, reason: e.to_string() })?;
        Ok(Some(RawFrame { pixels: RawPixels::Encoded(Arc::new(picture)), time: self.start.elapsed().as_secs_f64() }))
    }

    fn size(&self) -> (u32, u32) {
        self.size
    }
}

/// A frame's bytes as the camera delivered them.
enum Delivered {
    /// Copied out of the driver's buffer into one reused once decoded (V4L2).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Reused(Arc<Vec<u8>>),
    /// nokhwa's own copy (other platforms).
    #[cfg_attr(target_os = "linux", allow(dead_code))]
    Nokhwa(Buffer),
}

impl Delivered {
    fn bytes(&self) -> &[u8] {
        match self {
            Self::Reused(bytes) => bytes,
            Self::Nokhwa(buffer) => buffer.buffer(),
        }
    }
}

/// One camera buffer, not yet decoded.
struct CameraPicture {
    /// The frame as the camera delivered it.
    delivered: Delivered,
    /// How it is encoded (MJPEG, YUYV…).
    format: FrameFormat,
    /// The camera's frame size.
    resolution: Resolution,
    /// The camera it came from, for errors.
    index: u32,
}

impl EncodedPicture for CameraPicture {
    /// MJPEG goes through the project's own libjpeg-turbo call ([`jpeg::decode_rgb`]: the same
    /// pixels as nokhwa's, but a damaged buffer is an error, where nokhwa's decoder unwinds through
    /// the thread that decodes); other formats through nokhwa. A cut-off buffer, or one whose
    /// picture is not the camera's size, is refused rather than shown with grey or skewed rows.
    fn decode_reusing(&self, spare: RgbImage) -> Result<RgbImage, SourceError> {
        let fail = |reason: String| SourceError::Camera { index: self.index, reason };
        let image = if self.format == FrameFormat::MJPEG {
            let bytes = self.delivered.bytes();
            if !jpeg::is_complete(bytes) {
                return Err(fail("an MJPEG frame was cut off (no end-of-image marker)".into()));
            }
            jpeg::decode_rgb_reusing(bytes, spare.into_raw())
                .map_err(|e| fail(format!("a damaged MJPEG frame: {e}")))?
        } else {
            let decoded = match &self.delivered {
                Delivered::Nokhwa(buffer) => buffer.decode_image::<RgbFormat>(),
                Delivered::Reused(bytes) => {
                    Buffer::new(self.resolution, bytes, self.format).decode_image::<RgbFormat>()
                }
            };
            let decoded = decoded.map_err(|e| fail(e.to_string()))?;
            let (w, h) = (decoded.width(), decoded.height());
            RgbImage::from_raw(w, h, decoded.into_raw()).ok_or_else(|| fail("short frame".into()))?
        };
        let expected = (self.resolution.width(), self.resolution.height());
        if image.dimensions() != expected {
            let ((w, h), (ew, eh)) = (image.dimensions(), expected);
            return Err(fail(format!("a {w}×{h} frame from a camera set to {ew}×{eh}")));
        }
        Ok(image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `image` as a camera's MJPEG buffer that says it is `width`×`height`.
    fn mjpeg_buffer(bytes: &[u8], width: u32, height: u32) -> CameraPicture {
        CameraPicture {
            delivered: Delivered::Reused(Arc::new(bytes.to_vec())),
            format: FrameFormat::MJPEG,
            resolution: Resolution::new(width, height),
            index: 3,
        }
    }

    #[test]
    fn damaged_cut_off_and_wrong_size_mjpeg_frames_are_errors_naming_the_camera() {
        let picture = RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut jpeg_bytes = Vec::new();
        picture.write_to(&mut std::io::Cursor::new(&mut jpeg_bytes), image::ImageFormat::Jpeg).unwrap();
        let good = mjpeg_buffer(&jpeg_bytes, 64, 48).decode().expect("a whole frame decodes");
        assert_eq!(good.dimensions(), (64, 48));
        let mut garbage = jpeg_bytes.clone();
        garbage[20..200].iter_mut().for_each(|b| *b = 0x5A);
        for (what, picture) in [
            ("garbage", mjpeg_buffer(&garbage, 64, 48)),
            ("not a JPEG", mjpeg_buffer(&[1, 2, 3, 4, 5, 6], 64, 48)),
            ("cut off", mjpeg_buffer(&jpeg_bytes[..jpeg_bytes.len() / 2], 64, 48)),
            ("wrong size", mjpeg_buffer(&jpeg_bytes, 32, 24)),
        ] {
            // An error, never an unwind out of libjpeg through the decoding thread.
            let e = std::panic::catch_unwind(|| picture.decode()).expect(what).expect_err(what).to_string();
            assert!(e.starts_with("camera 3:"), "{what}: {e}");
        }
    }

    #[test]
    fn a_missing_camera_is_a_clear_error() {
        // No machine has camera 97; opening it fails with a message naming it, never a panic.
        let e = CameraSource::open(97, 1280, 720, 30).err().expect("camera 97 does not exist");
        assert!(e.to_string().starts_with("camera 97:"), "{e}");
    }
}
