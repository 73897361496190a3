//! Draws a page as the thermal head would: 1-bit dots, 203 dpi, 576 dots wide on 80 mm paper
//! (384 on 58 mm), font A cells of 12×24 dots (ASCII) and 24×24 dots (CJK).

use std::path::Path;

use super::document::{Block, Line, Page};
use super::escpos_parse::Justify;
use super::glyph::{self, Bitmap};
use super::text::char_columns;

/// Blank paper above the first line and below the last, as on a real ticket.
const MARGIN: usize = 16;

struct Canvas {
    width: usize,
    rows: Vec<Vec<bool>>,
}

impl Canvas {
    fn ensure(&mut self, y: usize) {
        while self.rows.len() <= y {
            self.rows.push(vec![false; self.width]);
        }
    }

    fn plot(&mut self, x: i32, y: i32) {
        if x < 0 || y < 0 || x as usize >= self.width {
            return;
        }
        self.ensure(y as usize);
        self.rows[y as usize][x as usize] = true;
    }

    fn blit(&mut self, bm: &Bitmap, x: usize, y: usize) {
        for by in 0..bm.height {
            for bx in 0..bm.width {
                if bm.get(bx, by) {
                    self.plot((x + bx) as i32, (y + by) as i32);
                }
            }
        }
    }
}

fn x_for(justify: Justify, content: usize, width: usize) -> usize {
    match justify {
        Justify::Left => 0,
        Justify::Center => width.saturating_sub(content) / 2,
        Justify::Right => width.saturating_sub(content),
    }
}

fn line_width(line: &Line) -> usize {
    line.spans
        .iter()
        .map(|s| match &s.image {
            Some(bm) => bm.width,
            None => s
                .text
                .chars()
                .map(|c| char_columns(c) * 12 * s.size.0 as usize)
                .sum(),
        })
        .sum()
}

fn draw_line(canvas: &mut Canvas, line: &Line, top: usize) -> usize {
    let height = 24 * line.size().1 as usize;
    let height = line
        .spans
        .iter()
        .filter_map(|s| s.image.as_ref().map(|b| b.height))
        .fold(height, usize::max);
    let mut x = x_for(line.justify, line_width(line), canvas.width);
    let font = glyph::font();
    for span in &line.spans {
        if let Some(bm) = &span.image {
            canvas.blit(bm, x, top + height - bm.height);
            x += bm.width;
            continue;
        }
        let (w, h) = (span.size.0 as u32, span.size.1 as u32);
        let cell_h = 24 * h;
        for c in span.text.chars() {
            let cols = char_columns(c) as u32;
            if cols == 0 {
                continue;
            }
            let cell_w = 12 * cols * w;
            if c != ' ' {
                if let Some(f) = font {
                    let y = (top + height) as i32 - cell_h as i32;
                    f.draw(
                        c,
                        x as i32,
                        y,
                        cell_w,
                        24 * w,
                        cell_h,
                        span.bold,
                        &mut |px, py| canvas.plot(px, py),
                    );
                }
            }
            x += cell_w as usize;
        }
    }
    height.max(line.spacing as usize)
}

fn draw_qr(
    canvas: &mut Canvas,
    payload: &str,
    module: u8,
    ecc: u8,
    justify: Justify,
    top: usize,
) -> usize {
    let level = match ecc {
        48 => qrcode::EcLevel::L,
        50 => qrcode::EcLevel::Q,
        51 => qrcode::EcLevel::H,
        _ => qrcode::EcLevel::M,
    };
    let Ok(code) = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), level) else {
        return 0;
    };
    let n = code.width();
    let m = module as usize;
    let size = n * m;
    let x0 = x_for(justify, size, canvas.width);
    let colors = code.to_colors();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i % n, i / n);
            for dy in 0..m {
                for dx in 0..m {
                    canvas.plot((x0 + mx * m + dx) as i32, (top + my * m + dy) as i32);
                }
            }
        }
    }
    size
}

/// The page as a 1-bit picture `width_dots` wide.
pub fn render(page: &Page, width_dots: usize) -> Bitmap {
    let mut canvas = Canvas {
        width: width_dots,
        rows: Vec::new(),
    };
    let mut y = MARGIN;
    for block in &page.blocks {
        y += match block {
            Block::Line(l) => draw_line(&mut canvas, l, y),
            Block::Qr {
                payload,
                module,
                ecc,
                justify,
            } => draw_qr(&mut canvas, payload, *module, *ecc, *justify, y),
            Block::Image { bitmap, justify } => {
                canvas.blit(bitmap, x_for(*justify, bitmap.width, width_dots), y);
                bitmap.height
            }
            Block::Feed(d) => *d as usize,
        };
    }
    canvas.ensure(y + MARGIN);
    let height = canvas.rows.len();
    Bitmap {
        width: width_dots,
        height,
        dots: canvas.rows.into_iter().flatten().collect(),
    }
}

/// Writes a bitmap as a black-on-white PNG.
pub fn save_png(bm: &Bitmap, path: &Path) -> Result<(), image::ImageError> {
    let img = image::GrayImage::from_fn(bm.width as u32, bm.height as u32, |x, y| {
        image::Luma([if bm.get(x as usize, y as usize) {
            0
        } else {
            255
        }])
    });
    img.save_with_format(path, image::ImageFormat::Png)
}
