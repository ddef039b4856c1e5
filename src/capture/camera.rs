//! Webcams through nokhwa (V4L2 on Linux, AVFoundation on macOS, Media Foundation on Windows).
//!
//! MJPEG is preferred at the requested resolution: it is what webcams deliver at 720p30/60, and
//! it is decoded here, on the capture thread, never on the UI thread.

use std::time::Instant;

use image::RgbImage;
use nokhwa::Camera;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution,
};

use super::{Frame, FrameSource, SourceError};

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
}

impl CameraSource {
    /// Opens camera `index` asking for MJPEG at `width`×`height` and `fps` (or the closest mode).
    pub fn open(index: u32, width: u32, height: u32, fps: u32) -> Result<Self, SourceError> {
        let fail = |reason: String| SourceError::Camera { index, reason };
        let wanted = CameraFormat::new(Resolution::new(width, height), FrameFormat::MJPEG, fps);
        let requested = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted));
        let mut camera = Camera::new(CameraIndex::Index(index), requested).map_err(|e| fail(e.to_string()))?;
        camera.open_stream().map_err(|e| fail(e.to_string()))?;
        let res = camera.resolution();
        tracing::info!(index, width = res.width(), height = res.height(), format = ?camera.frame_format(), "camera open");
        Ok(Self { camera, index, size: (res.width(), res.height()), start: Instant::now() })
    }
}

impl FrameSource for CameraSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        let fail = |reason: String| SourceError::Camera { index: self.index, reason };
        let buffer = self.camera.frame().map_err(|e| fail(e.to_string()))?;
        let decoded = buffer.decode_image::<RgbFormat>().map_err(|e| fail(e.to_string()))?;
        let (w, h) = (decoded.width(), decoded.height());
        let image = RgbImage::from_raw(w, h, decoded.into_raw()).ok_or_else(|| fail("short frame".into()))?;
        Ok(Some(Frame { image, time: self.start.elapsed().as_secs_f64() }))
    }

    fn size(&self) -> (u32, u32) {
        self.size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_camera_is_a_clear_error() {
        // No machine has camera 97; opening it fails with a message naming it, never a panic.
        let e = CameraSource::open(97, 1280, 720, 30).err().expect("camera 97 does not exist");
        assert!(e.to_string().starts_with("camera 97:"), "{e}");
    }
}
