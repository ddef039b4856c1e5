//! Still images and folders of numbered frames.

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use image::metadata::Orientation;
use image::{DynamicImage, GenericImageView, ImageDecoder, ImageFormat, ImageReader, RgbImage};

use super::jpeg::{self, JpegError};
use super::{DEFAULT_FPS, EncodedPicture, Frame, FrameSource, RawFrame, RawPixels, SourceError};
use crate::pipeline::recycle::Recycler;

/// Decodes one image file to RGB, upright (EXIF orientation applied, as phones and viewers show
/// it), naming the file in any error.
pub fn load_rgb(path: &Path) -> Result<RgbImage, SourceError> {
    load_upright(path).map(DynamicImage::into_rgb8)
}

/// Decodes one image file with its EXIF orientation applied, keeping its channels (alpha too).
pub fn load_upright(path: &Path) -> Result<DynamicImage, SourceError> {
    decode_upright(path, &read_file(path)?, Vec::new())
}

/// A file's bytes, naming it in any error.
fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    let mut bytes = Vec::new();
    read_file_into(path, &mut bytes)?;
    Ok(bytes)
}

/// A file's bytes written into `bytes` (its allocation reused: a folder's frames of similar size
/// are read without allocating), naming the file in any error.
fn read_file_into(path: &Path, bytes: &mut Vec<u8>) -> Result<(), SourceError> {
    let failed = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => SourceError::NotFound { path: path.to_path_buf() },
        _ => SourceError::Io { path: path.to_path_buf(), source },
    };
    bytes.clear();
    std::fs::File::open(path).and_then(|mut file| file.read_to_end(bytes)).map_err(failed)?;
    Ok(())
}

/// Decodes an image file's `bytes` with its EXIF orientation applied, naming `path` in any error.
/// A JPEG's pixels go into `spare`'s allocation.
fn decode_upright(path: &Path, bytes: &[u8], spare: Vec<u8>) -> Result<DynamicImage, SourceError> {
    let bad = |e: image::ImageError| SourceError::BadImage { path: path.to_path_buf(), reason: e.to_string() };
    if bytes.starts_with(&[0xFF, 0xD8]) && !jpeg::is_complete(bytes) {
        // The decoder would fill the missing rows with grey and say nothing.
        let reason =
            "the JPEG is cut off (no end-of-image marker after its picture data): an incomplete download or copy?";
        return Err(SourceError::BadImage { path: path.to_path_buf(), reason: reason.into() });
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|source| SourceError::Io { path: path.to_path_buf(), source })?;
    let is_jpeg = reader.format() == Some(ImageFormat::Jpeg);
    let mut decoder = reader.into_decoder().map_err(bad)?;
    // A damaged EXIF block is no reason to refuse the picture: it is then shown as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = match is_jpeg {
        true => decode_jpeg(path, bytes, decoder, spare)?,
        false => DynamicImage::from_decoder(decoder).map_err(bad)?,
    };
    img.apply_orientation(orientation);
    Ok(img)
}

/// Pixels the image crate's own decoders may allocate (its default limit), applied to JPEG too.
const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

/// A JPEG's pixels from libjpeg-turbo (what cameras, OpenCV and MediaPipe see); the image
/// crate's decoder only for colour models libjpeg-turbo cannot turn into RGB (CMYK).
fn decode_jpeg(
    path: &Path,
    bytes: &[u8],
    header: impl ImageDecoder,
    spare: Vec<u8>,
) -> Result<DynamicImage, SourceError> {
    let bad = |reason: String| SourceError::BadImage { path: path.to_path_buf(), reason };
    if header.total_bytes() > MAX_DECODED_BYTES {
        let (w, h) = header.dimensions();
        return Err(bad(format!("{w}×{h} pixels is more than Vanity decodes (512 MiB of pixels)")));
    }
    match jpeg::decode_rgb_reusing(bytes, spare) {
        Ok(rgb) => Ok(DynamicImage::ImageRgb8(rgb)),
        Err(JpegError::NoRgbConversion(_)) => DynamicImage::from_decoder(header).map_err(|e| bad(e.to_string())),
        Err(e) => Err(bad(e.to_string())),
    }
}

/// A single image, yielded once (or a given number of times, as frames at [`DEFAULT_FPS`]).
pub struct ImageSource {
    image: Option<RgbImage>,
    size: (u32, u32),
    /// Times the image is still to be yielded after this one.
    repeats: u32,
    /// Frames yielded so far (their times).
    yielded: u32,
}

impl ImageSource {
    /// Reads and decodes the image now, so a bad file fails at open.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        Ok(Self::from_image(load_rgb(path)?))
    }

    /// A source for an image already decoded (a still the mirror loops without decoding again).
    pub fn from_image(image: RgbImage) -> Self {
        Self::repeated(image, 1)
    }

    /// A source yielding `image` `count` times at [`DEFAULT_FPS`]: a still shown in the mirror
    /// for long enough to be tracked and measured, after which the picture simply holds.
    pub fn repeated(image: RgbImage, count: u32) -> Self {
        Self { size: image.dimensions(), image: Some(image), repeats: count.saturating_sub(1), yielded: 0 }
    }
}

/// `image` scaled down (never up) to fit within `max_width`×`max_height`, aspect kept: a 108 MP
/// phone photo shown in the mirror is scaled to the display once, not carried at full size.
pub fn fit_within(image: RgbImage, max_width: u32, max_height: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let scale = (max_width as f64 / w as f64).min(max_height as f64 / h as f64);
    if scale >= 1.0 {
        return image;
    }
    let (nw, nh) = (((w as f64 * scale).round() as u32).max(1), ((h as f64 * scale).round() as u32).max(1));
    image::imageops::resize(&image, nw, nh, image::imageops::FilterType::Triangle)
}

impl FrameSource for ImageSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        let image = match self.repeats {
            0 => self.image.take(),
            _ => {
                self.repeats -= 1;
                self.image.clone()
            }
        };
        let time = f64::from(self.yielded) / DEFAULT_FPS;
        self.yielded += 1;
        Ok(image.map(|image| Frame { image, time }))
    }

    fn size(&self) -> (u32, u32) {
        self.size
    }
}

/// Image files of a folder in name order, as frames at [`DEFAULT_FPS`].
pub struct FolderSource {
    files: Vec<Arc<Path>>,
    next: usize,
    size: (u32, u32),
    /// The files' bytes, handed on undecoded and reused once the frame has been decoded.
    reads: Recycler<Vec<u8>>,
}

impl FolderSource {
    /// Lists the folder's images and reads the first to learn the frame size.
    pub fn open(dir: &Path) -> Result<Self, SourceError> {
        let io = |source| SourceError::Io { path: dir.to_path_buf(), source };
        let mut files: Vec<Arc<Path>> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                matches!(ext.as_deref(), Some("png" | "jpg" | "jpeg"))
            })
            .map(Arc::from)
            .collect();
        files.sort();
        let first = files.first().ok_or_else(|| SourceError::EmptyFolder { path: dir.to_path_buf() })?;
        // Decoded rather than read from the header: EXIF orientation may swap width and height.
        let size = load_upright(first)?.dimensions();
        // The frame in the hand-off slot, the one being decoded and the one being read.
        Ok(Self { files, next: 0, size, reads: Recycler::new(3) })
    }
}

impl FrameSource for FolderSource {
    fn next_frame(&mut self) -> Result<Option<Frame>, SourceError> {
        self.next_raw()?.map(RawFrame::decode).transpose()
    }

    /// Reads the next file; decoding (and the size check) is left to whoever takes the frame.
    fn next_raw(&mut self) -> Result<Option<RawFrame>, SourceError> {
        let Some(path) = self.files.get(self.next) else {
            return Ok(None);
        };
        let mut bytes = self.reads.spare();
        read_file_into(path, &mut bytes)?;
        let picture = FolderPicture { path: path.clone(), bytes: self.reads.share(bytes), size: self.size };
        let time = self.next as f64 / DEFAULT_FPS;
        self.next += 1;
        Ok(Some(RawFrame { pixels: RawPixels::Encoded(Arc::new(picture)), time }))
    }

    fn size(&self) -> (u32, u32) {
        self.size
    }
}

/// One frame of a folder, read but not decoded.
struct FolderPicture {
    path: Arc<Path>,
    bytes: Arc<Vec<u8>>,
    /// The folder's frame size (its first frame's): a frame of another size is an error.
    size: (u32, u32),
}

impl EncodedPicture for FolderPicture {
    fn decode_reusing(&self, spare: RgbImage) -> Result<RgbImage, SourceError> {
        let image = decode_upright(&self.path, &self.bytes, spare.into_raw())?.into_rgb8();
        if image.dimensions() != self.size {
            let (path, expected, got) = (self.path.to_path_buf(), self.size, image.dimensions());
            return Err(SourceError::SizeMismatch { path, expected, got });
        }
        Ok(image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn write_jpeg(dir: &Path, name: &str, image: &DynamicImage) -> PathBuf {
        let path = dir.join(name);
        image.save(&path).unwrap();
        path
    }

    #[test]
    fn a_jpeg_claiming_a_huge_size_is_refused_before_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_jpeg(dir.path(), "small.jpg", &DynamicImage::ImageRgb8(RgbImage::new(16, 16)));
        let mut bytes = std::fs::read(&path).unwrap();
        // The frame header (SOF0: FF C0, length, precision) holds height and width.
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bytes[sof + 5..sof + 9].copy_from_slice(&[0xFD, 0xE8, 0xFD, 0xE8]); // 65000 × 65000
        std::fs::write(&path, &bytes).unwrap();
        let err = load_rgb(&path).unwrap_err().to_string();
        assert!(err.contains("small.jpg") && err.contains("65000×65000"), "{err}");
    }

    #[test]
    fn a_grey_jpeg_decodes_to_equal_channels() {
        let dir = tempfile::tempdir().unwrap();
        let grey = image::GrayImage::from_fn(32, 24, |x, y| image::Luma([(x * 7 + y * 3) as u8]));
        let path = write_jpeg(dir.path(), "grey.jpg", &DynamicImage::ImageLuma8(grey));
        let rgb = load_rgb(&path).unwrap();
        assert_eq!(rgb.dimensions(), (32, 24));
        assert!(rgb.pixels().all(|p| p[0] == p[1] && p[1] == p[2]));
    }

    #[test]
    fn a_folder_hands_frames_on_undecoded_and_a_bad_one_fails_when_decoded_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let frame =
            |shade: u8, w: u32| DynamicImage::ImageRgb8(RgbImage::from_pixel(w, 24, image::Rgb([shade, 90, 40])));
        write_jpeg(dir.path(), "0.jpg", &frame(200, 32));
        write_jpeg(dir.path(), "1.jpg", &frame(60, 32));
        std::fs::write(dir.path().join("2.jpg"), b"not a jpeg at all").unwrap();
        write_jpeg(dir.path(), "3.jpg", &frame(60, 48));
        write_jpeg(dir.path(), "4.jpg", &frame(120, 32));
        let mut raw = FolderSource::open(dir.path()).unwrap();
        let mut decoded = FolderSource::open(dir.path()).unwrap();
        let mut outcomes = Vec::new();
        while let Some(frame) = raw.next_raw().unwrap() {
            assert!(matches!(frame.pixels, RawPixels::Encoded(_)), "read, not decoded");
            let time = frame.time;
            let result = frame.decode();
            if let Ok(frame) = &result {
                // The same pixels and time as a source that decodes as it reads.
                let same = decoded.next_frame().unwrap().unwrap();
                assert_eq!((same.image.as_raw(), same.time), (frame.image.as_raw(), time));
            } else {
                assert!(decoded.next_frame().is_err());
            }
            outcomes.push(result.map_err(|e| e.to_string()));
        }
        assert_eq!(outcomes.len(), 5, "a bad frame does not end the folder");
        let bad = outcomes[2].as_ref().unwrap_err();
        assert!(bad.contains("2.jpg"), "{bad}");
        let wrong_size = outcomes[3].as_ref().unwrap_err();
        assert!(wrong_size.contains("3.jpg") && wrong_size.contains("(48, 24)"), "{wrong_size}");
        assert!(outcomes[4].is_ok(), "frames after a bad one decode");
    }

    #[test]
    fn cut_off_and_garbage_jpegs_are_incomplete() {
        // SOI, a DQT-sized segment, SOS with its header, data, EOI.
        let whole = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x04, 1, 2, 0xFF, 0xDA, 0x00, 0x04, 0, 0, 7, 7, 0xFF, 0xD9];
        assert!(jpeg::is_complete(&whole));
        assert!(!jpeg::is_complete(&whole[..whole.len() - 2]));
        assert!(!jpeg::is_complete(&whole[..11]), "cut inside the scan header: no panic, incomplete");
        assert!(!jpeg::is_complete(&[0xFF, 0xD8, 0x12, 0x34, 0x56]));
    }
}
