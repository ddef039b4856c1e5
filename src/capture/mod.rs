//! Frame sources: still images, folders of frames and H.264 video files.
//!
//! Every source yields RGB frames with a timestamp, so the tracker and the app never care where
//! frames come from. The live camera (nokhwa) joins these in the app.

pub mod camera;
pub mod jpeg;
pub mod still;
pub mod video;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::RgbImage;

/// One frame and when it was seen.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Pixels, 8-bit sRGB.
    pub image: RgbImage,
    /// Seconds since the start of the source.
    pub time: f64,
}

/// A frame as a source hands it over, its pixels possibly still compressed. Decoding is left to
/// whoever takes the frame, so a frame replaced before anyone looks at it costs no decode: a
/// webcam's MJPEG or a folder of JPEGs delivers 30 frames a second while tracking may take 15.
#[derive(Debug, Clone)]
pub struct RawFrame {
    /// Pixels, decoded or not yet.
    pub pixels: RawPixels,
    /// Seconds since the start of the source.
    pub time: f64,
}

impl RawFrame {
    /// The frame decoded; an error names the file or camera the picture came from.
    pub fn decode(self) -> Result<Frame, SourceError> {
        Ok(Frame { image: self.pixels.decode()?, time: self.time })
    }
}

impl From<Frame> for RawFrame {
    fn from(frame: Frame) -> Self {
        Self { pixels: RawPixels::Decoded(frame.image), time: frame.time }
    }
}

/// A frame's pixels: decoded already (video, stills), or the compressed picture as delivered.
#[derive(Clone)]
pub enum RawPixels {
    /// 8-bit sRGB pixels.
    Decoded(RgbImage),
    /// 8-bit sRGB pixels in a buffer the source reuses once everyone has let go of it (a video's
    /// decoded frames): whoever takes the frame shares it on as it is, without copying it.
    Shared(Arc<RgbImage>),
    /// A compressed picture and how to decode it.
    Encoded(Arc<dyn EncodedPicture>),
}

impl RawPixels {
    /// The pixels, decoding them if the source left them compressed.
    pub fn decode(self) -> Result<RgbImage, SourceError> {
        self.decode_reusing(RgbImage::default())
    }

    /// [`Self::decode`] into `spare`'s allocation where there is a decode (a frame the caller is
    /// done with): a live stream then allocates no frame buffers.
    pub fn decode_reusing(self, spare: RgbImage) -> Result<RgbImage, SourceError> {
        match self {
            Self::Decoded(image) => Ok(image),
            // Held by the source's recycler too: a copy (the tracking thread shares it instead).
            Self::Shared(image) => Ok(Arc::unwrap_or_clone(image)),
            Self::Encoded(picture) => picture.decode_reusing(spare),
        }
    }
}

impl std::fmt::Debug for RawPixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Decoded(image) => write!(f, "Decoded({}×{})", image.width(), image.height()),
            Self::Shared(image) => write!(f, "Shared({}×{})", image.width(), image.height()),
            Self::Encoded(_) => f.write_str("Encoded"),
        }
    }
}

/// A compressed picture a source delivered (a JPEG file's bytes, a camera's MJPEG buffer) that
/// can be decoded on any thread.
pub trait EncodedPicture: Send + Sync {
    /// The picture as 8-bit sRGB, or why it cannot be decoded (naming its file or camera).
    fn decode(&self) -> Result<RgbImage, SourceError> {
        self.decode_reusing(RgbImage::default())
    }

    /// [`Self::decode`] into `spare`'s allocation where the decoder can (a frame the caller is
    /// done with; any size, its pixels are overwritten).
    fn decode_reusing(&self, spare: RgbImage) -> Result<RgbImage, SourceError>;
}

/// Why a source could not be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The path does not exist.
    #[error("{path}: no such file or folder")]
    NotFound { path: PathBuf },
    /// The file exists but is not an image we can decode.
    #[error("{path}: not a readable image ({reason})")]
    BadImage { path: PathBuf, reason: String },
    /// The folder holds no images.
    #[error("{path}: folder holds no .png or .jpg images")]
    EmptyFolder { path: PathBuf },
    /// Frames in a folder differ in size.
    #[error("{path}: frame is {got:?} but earlier frames are {expected:?}")]
    SizeMismatch { path: PathBuf, expected: (u32, u32), got: (u32, u32) },
    /// The video container or its H.264 stream is unreadable.
    #[error("{path}: {reason}")]
    BadVideo { path: PathBuf, reason: String },
    /// A camera could not be opened or stopped delivering frames.
    #[error("camera {index}: {reason}")]
    Camera { index: u32, reason: String },
    /// Reading failed at the OS level.
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// A sequence of frames.
pub trait FrameSource: Send {
    /// The next frame, or None at the end.
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError>;
    /// The next frame as delivered, possibly not yet decoded (see [`RawFrame`]): what the live
    /// capture thread hands on. Sources that decode as they read (video, stills) yield decoded
    /// frames.
    fn next_raw(&mut self) -> Result<Option<RawFrame>, SourceError> {
        Ok(self.next_frame()?.map(RawFrame::from))
    }
    /// Frame size in pixels.
    fn size(&self) -> (u32, u32);
}

/// Opens a path as a source: an .mp4 file, a folder of images, or a single image.
pub fn open(path: &Path) -> Result<Box<dyn FrameSource>, SourceError> {
    if !path.exists() {
        return Err(SourceError::NotFound { path: path.to_path_buf() });
    }
    if path.is_dir() {
        return Ok(Box::new(still::FolderSource::open(path)?));
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("mp4" | "m4v" | "mov") => Ok(Box::new(video::Mp4Source::open(path)?)),
        _ => Ok(Box::new(still::ImageSource::open(path)?)),
    }
}

/// Whether `path` is a single image (not a folder of frames or a video).
pub fn is_still(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    path.is_file() && !matches!(ext.as_deref(), Some("mp4" | "m4v" | "mov"))
}

/// Frames per second assumed for sources with no timing of their own (folders of images).
pub const DEFAULT_FPS: f64 = 30.0;
