//! QR codes in camera frames and image files, with rqrr.
//!
//! rqrr's `decode()` insists on UTF-8, so each grid is decoded to raw bytes and then read as
//! UTF-8 or GB18030 ([`super::line::decode_text`]). When a frame yields nothing, a half-size
//! pass (merges blur and noise, shrinks large codes) and a double-size pass over the centre
//! of the frame (small codes: a code far from the camera is one held at the marked spot on
//! the glass, which is the centre of view) are tried. The centre crop keeps the last pass
//! the cost of the first rather than four times it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use super::line::decode_text;
use super::ScanError;

/// One QR code found in an image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecodedCode {
    /// The text: UTF-8, else GB18030, else UTF-8 with replacement characters.
    pub payload: String,
    /// The bytes the code holds.
    pub raw: Vec<u8>,
}

/// Larger images are refused rather than risk memory (a 48 MP photo is still accepted).
const MAX_PIXELS: usize = 50_000_000;

/// Finds and decodes the QR codes in a greyscale frame (`luma` row-major, one byte a pixel,
/// 0 black). A buffer shorter than `width * height` or an empty frame gives no codes.
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    let Some(n) = width.checked_mul(height) else {
        return Vec::new();
    };
    if n == 0 || n > MAX_PIXELS || luma.len() < n {
        return Vec::new();
    }
    let luma = &luma[..n];
    let found = decode_pass(width, height, luma);
    if !found.is_empty() {
        return found;
    }
    if width >= 64 && height >= 64 {
        let (w2, h2, half) = downscale2(width, height, luma);
        let found = decode_pass(w2, h2, &half);
        if !found.is_empty() {
            return found;
        }
    }
    let (cw, ch) = (width / 2, height / 2);
    if cw < 16 || ch < 16 {
        // A thumbnail: enlarge all of it.
        let (w2, h2, double) = upscale2(width, height, luma);
        return decode_pass(w2, h2, &double);
    }
    let (x0, y0) = ((width - cw) / 2, (height - ch) / 2);
    let centre: Vec<u8> = (y0..y0 + ch)
        .flat_map(|y| &luma[y * width + x0..y * width + x0 + cw])
        .copied()
        .collect();
    let (w2, h2, double) = upscale2(cw, ch, &centre);
    decode_pass(w2, h2, &double)
}

/// Decodes a PNG or JPEG file.
pub fn decode_file(path: impl AsRef<Path>) -> Result<Vec<DecodedCode>, ScanError> {
    let path = path.as_ref();
    let err = |reason: String| ScanError::Image {
        path: path.display().to_string(),
        reason,
    };
    let img = image::ImageReader::open(path)
        .map_err(|e| err(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| err(e.to_string()))?
        .decode()
        .map_err(|e| err(e.to_string()))?
        .into_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    Ok(decode_luma(w, h, img.as_raw()))
}

/// One pass over the frame as it is, without the retry passes (for comparisons and tests).
pub fn decode_single_pass(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    match width.checked_mul(height) {
        Some(n) if n > 0 && n <= MAX_PIXELS && luma.len() >= n => {
            decode_pass(width, height, &luma[..n])
        }
        _ => Vec::new(),
    }
}

fn decode_pass(width: usize, height: usize, luma: &[u8]) -> Vec<DecodedCode> {
    // rqrr is not written to be fed hostile frames; a panic in it must not kill the camera.
    catch_unwind(AssertUnwindSafe(|| {
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
        let mut out: Vec<DecodedCode> = Vec::new();
        for grid in img.detect_grids() {
            let mut raw = Vec::new();
            if grid.decode_to(&mut raw).is_err() {
                continue;
            }
            if out.iter().any(|c| c.raw == raw) {
                continue;
            }
            let payload =
                decode_text(&raw).unwrap_or_else(|_| String::from_utf8_lossy(&raw).into_owned());
            out.push(DecodedCode { payload, raw });
        }
        out
    }))
    .unwrap_or_default()
}

fn downscale2(width: usize, height: usize, luma: &[u8]) -> (usize, usize, Vec<u8>) {
    let (w2, h2) = (width / 2, height / 2);
    let mut out = Vec::with_capacity(w2 * h2);
    for y in 0..h2 {
        let r0 = &luma[2 * y * width..];
        let r1 = &luma[(2 * y + 1) * width..];
        for x in 0..w2 {
            let s = u16::from(r0[2 * x])
                + u16::from(r0[2 * x + 1])
                + u16::from(r1[2 * x])
                + u16::from(r1[2 * x + 1]);
            out.push((s / 4) as u8);
        }
    }
    (w2, h2, out)
}

/// Double size, bilinear with pixel centres kept (weights 3/4 and 1/4), in integers and
/// separably: this pass runs on every frame without a code, so it must stay cheap.
fn upscale2(width: usize, height: usize, luma: &[u8]) -> (usize, usize, Vec<u8>) {
    let (w2, h2) = (width * 2, height * 2);
    // Horizontal pass; values are 4x the grey level.
    let mut rows = vec![0u16; w2 * height];
    for y in 0..height {
        let src = &luma[y * width..(y + 1) * width];
        let dst = &mut rows[y * w2..(y + 1) * w2];
        for x in 0..width {
            let c = 3 * u16::from(src[x]);
            dst[2 * x] = c + u16::from(src[x.saturating_sub(1)]);
            dst[2 * x + 1] = c + u16::from(src[(x + 1).min(width - 1)]);
        }
    }
    let mut out = vec![0u8; w2 * h2];
    for y in 0..height {
        let (up, down) = (y.saturating_sub(1), (y + 1).min(height - 1));
        for x in 0..w2 {
            let c = 3 * u32::from(rows[y * w2 + x]);
            // 16x the grey level; +8 rounds.
            out[2 * y * w2 + x] = ((c + u32::from(rows[up * w2 + x]) + 8) / 16) as u8;
            out[(2 * y + 1) * w2 + x] = ((c + u32::from(rows[down * w2 + x]) + 8) / 16) as u8;
        }
    }
    (w2, h2, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_empty_buffers_give_no_codes_and_no_panic() {
        assert!(decode_luma(0, 0, &[]).is_empty());
        assert!(decode_luma(10, 10, &[0; 99]).is_empty());
        assert!(decode_luma(usize::MAX, 2, &[0; 4]).is_empty());
        assert!(decode_luma(64, 64, &[255; 64 * 64]).is_empty());
    }

    #[test]
    fn scaling_keeps_sizes_and_averages() {
        let (w, h, half) = downscale2(4, 2, &[0, 100, 200, 200, 100, 200, 200, 200]);
        assert_eq!((w, h), (2, 1));
        assert_eq!(half, vec![100, 200]);
        let (w, h, double) = upscale2(2, 1, &[0, 200]);
        assert_eq!((w, h), (4, 2));
        // Edges repeat; inner pixels are 3/4 of the nearer source pixel and 1/4 of the other.
        assert_eq!(double, vec![0, 50, 150, 200, 0, 50, 150, 200]);
        let (_, _, flat) = upscale2(3, 3, &[255; 9]);
        assert!(flat.iter().all(|&v| v == 255));
    }
}
