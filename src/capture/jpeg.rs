//! JPEG pictures decoded with libjpeg-turbo's decoder (through `mozjpeg`, which is built on it).
//!
//! MediaPipe, OpenCV and the camera's MJPEG path (nokhwa) all see libjpeg-turbo's pixels: its
//! accurate integer IDCT and its "fancy" (triangle) chroma upsampling. Another decoder rounds
//! differently, a level here and there, and that moves landmarks by ~0.5 % of the eye distance.
//! Stills are decoded the same way, so a photo tracks as the same frame from a webcam would.

use std::panic::{AssertUnwindSafe, catch_unwind};

use image::RgbImage;
use mozjpeg::{ColorSpace, DctMethod, Decompress};

/// Why libjpeg-turbo could not decode a picture.
#[derive(Debug, thiserror::Error)]
pub enum JpegError {
    /// The colour model is one libjpeg-turbo cannot turn into RGB (CMYK, YCCK): another decoder
    /// must do it.
    #[error("its colour model ({0:?}) has no RGB conversion in libjpeg-turbo")]
    NoRgbConversion(ColorSpace),
    /// The data is damaged or not a baseline/progressive JPEG; the decoder's own words.
    #[error("{0}")]
    Damaged(String),
}

/// Decodes `bytes` (a whole JPEG file) to 8-bit RGB exactly as libjpeg-turbo's defaults do.
pub fn decode_rgb(bytes: &[u8]) -> Result<RgbImage, JpegError> {
    decode_rgb_reusing(bytes, Vec::new())
}

/// [`decode_rgb`] into `spare`'s allocation (a frame buffer the caller is done with): a live
/// stream of same-sized frames then allocates no pixels at all.
pub fn decode_rgb_reusing(bytes: &[u8], spare: Vec<u8>) -> Result<RgbImage, JpegError> {
    // libjpeg reports fatal errors by unwinding out of the C code; `mozjpeg` turns them into a
    // payload holding the message, without calling the panic hook.
    catch_unwind(AssertUnwindSafe(|| decode_unguarded(bytes, spare))).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "libjpeg fatal error".into());
        Err(JpegError::Damaged(message.trim_start_matches("libjpeg fatal error: ").to_string()))
    })
}

/// Whether a JPEG holds its whole picture (libjpeg fills a cut-off one with grey and says
/// nothing): an end-of-image marker after the first top-level
/// start-of-scan (segments before it, an EXIF thumbnail with its own markers among them, are
/// skipped by their lengths).
pub fn is_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if marker == 0xDA {
            return bytes.get(at + 2 + length..).is_some_and(|rest| rest.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
        at += 2 + length;
    }
    false
}

fn decode_unguarded(bytes: &[u8], spare: Vec<u8>) -> Result<RgbImage, JpegError> {
    let damaged = |e: std::io::Error| JpegError::Damaged(e.to_string());
    let mut header = Decompress::new_mem(bytes).map_err(damaged)?;
    let colour = header.color_space();
    if matches!(colour, ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK) {
        return Err(JpegError::NoRgbConversion(colour));
    }
    // libjpeg-turbo's defaults, stated so a change of the wrapper's defaults cannot move them.
    header.dct_method(DctMethod::IntegerSlow);
    header.do_fancy_upsampling(true);
    let mut started = header.rgb().map_err(damaged)?;
    let (width, height) = (started.width(), started.height());
    let too_large = || JpegError::Damaged(format!("{width}×{height} pixels do not fit in memory"));
    let len = width.checked_mul(height).and_then(|n| n.checked_mul(3)).ok_or_else(too_large)?;
    let mut pixels = spare;
    // Same size as the spare's last picture (a live stream): nothing allocated, nothing cleared.
    // A header claiming more than memory holds is an error, not an abort.
    pixels.truncate(len);
    pixels.try_reserve_exact(len - pixels.len()).map_err(|_| too_large())?;
    pixels.resize(len, 0);
    started.read_scanlines_into::<u8>(&mut pixels).map_err(damaged)?;
    // Trailing garbage or a missing end marker is the caller's concern (it checks completeness).
    let _ = started.finish();
    let size = |n: usize| u32::try_from(n).map_err(|_| JpegError::Damaged(format!("{n} pixels is too wide")));
    RgbImage::from_raw(size(width)?, size(height)?, pixels)
        .ok_or_else(|| JpegError::Damaged("the decoder returned fewer rows than the header promised".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(image: &RgbImage, quality: u8) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(image).unwrap();
        bytes
    }

    #[test]
    fn decodes_a_picture_close_to_what_was_encoded() {
        let image = RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 128]));
        let decoded = decode_rgb(&encode(&image, 95)).unwrap();
        assert_eq!(decoded.dimensions(), (64, 48));
        let worst = image.pixels().zip(decoded.pixels()).flat_map(|(a, b)| (0..3).map(move |c| a[c].abs_diff(b[c])));
        assert!(worst.max().unwrap() <= 8);
    }

    #[test]
    fn a_spare_buffer_of_any_size_gives_the_same_pixels_and_its_allocation_is_kept() {
        let image = RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, (x ^ y) as u8]));
        let bytes = encode(&image, 90);
        let fresh = decode_rgb(&bytes).unwrap();
        // A smaller frame's buffer, a larger one's (a camera switching resolution), the same size.
        for spare_len in [10, 64 * 48 * 3, 200 * 100 * 3] {
            let spare = vec![7u8; spare_len];
            let kept = spare.capacity() >= 64 * 48 * 3;
            let spare_ptr = spare.as_ptr();
            let decoded = decode_rgb_reusing(&bytes, spare).unwrap();
            assert_eq!(decoded, fresh, "spare of {spare_len} bytes");
            if kept {
                assert_eq!(decoded.as_raw().as_ptr(), spare_ptr, "spare of {spare_len} bytes reallocated");
            }
        }
    }

    #[test]
    fn damaged_data_is_an_error_not_a_panic() {
        let bytes = encode(&RgbImage::new(16, 16), 90);
        for cut in [3, 20, bytes.len() / 2] {
            // A truncated file still decodes (libjpeg pads) or fails with words; never unwinds.
            let _ = decode_rgb(&bytes[..cut]);
        }
        assert!(matches!(decode_rgb(b"not a jpeg at all"), Err(JpegError::Damaged(_))));
    }
}
