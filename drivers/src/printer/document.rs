//! What came out of the printer: pages (cut to cut) of lines, QR codes and images, built
//! from the parsed ESC/POS stream. Tests assert on this; `render` draws it.

use super::escpos_parse::{self, Event, Justify};
use super::glyph::Bitmap;
use super::status::{self, PrinterStatus};
use super::text::TextEncoding;

/// A run of text in one style, or an inline bit image (a raster fallback glyph).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    /// Width and height multipliers.
    pub size: (u8, u8),
    pub image: Option<Bitmap>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub justify: Justify,
    pub spans: Vec<Span>,
    /// Dots from this line's top to the next line's top, unless the line is taller.
    pub spacing: u32,
}

impl Line {
    /// The text of the line; an inline image reads as U+FFFC.
    pub fn text(&self) -> String {
        self.spans
            .iter()
            .map(|s| {
                if s.image.is_some() {
                    "\u{FFFC}".to_string()
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    pub fn is_bold(&self) -> bool {
        self.spans
            .iter()
            .any(|s| s.bold && !s.text.trim().is_empty())
    }

    /// The largest character magnification on the line.
    pub fn size(&self) -> (u8, u8) {
        self.spans
            .iter()
            .fold((1, 1), |(w, h), s| (w.max(s.size.0), h.max(s.size.1)))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Line(Line),
    Qr {
        payload: String,
        module: u8,
        /// 48..=51: L, M, Q, H
        ecc: u8,
        justify: Justify,
    },
    Image {
        bitmap: Bitmap,
        justify: Justify,
    },
    /// Blank paper, in dots.
    Feed(u32),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub blocks: Vec<Block>,
    /// How the page ended: a partial cut, a full cut, or None while still on the roll.
    pub cut: Option<bool>,
    pub beeped: bool,
}

impl Page {
    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Line(l) => Some(l),
            _ => None,
        })
    }

    /// All text, one line per line, trailing spaces removed.
    pub fn text(&self) -> String {
        self.lines()
            .map(|l| l.text().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn qr_payloads(&self) -> Vec<String> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Qr { payload, .. } => Some(payload.clone()),
                _ => None,
            })
            .collect()
    }

    /// The first line whose text contains `needle`.
    pub fn line_with(&self, needle: &str) -> Option<&Line> {
        self.lines().find(|l| l.text().contains(needle))
    }
}

/// Printer state while a stream is interpreted.
#[derive(Debug, Clone)]
struct Style {
    chinese: bool,
    utf8: bool,
    bold: bool,
    size: (u8, u8),
    justify: Justify,
    spacing: u32,
    qr_module: u8,
    qr_ecc: u8,
    qr_data: Vec<u8>,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            chinese: false,
            utf8: false,
            bold: false,
            size: (1, 1),
            justify: Justify::Left,
            spacing: DEFAULT_SPACING,
            qr_module: 3,
            qr_ecc: 48,
            qr_data: Vec::new(),
        }
    }
}

/// ESC 2: 1/6 inch at 203 dpi.
pub const DEFAULT_SPACING: u32 = 30;

/// Builds pages from ESC/POS events.
#[derive(Debug, Default)]
pub struct DocumentBuilder {
    style: Style,
    pending: Vec<u8>,
    pending_style: Option<(bool, (u8, u8))>,
    line: Vec<Span>,
    page: Page,
    pages: Vec<Page>,
    /// Bytes no command starts with, for the simulator's log.
    pub unknown_bytes: usize,
}

impl DocumentBuilder {
    pub fn new() -> DocumentBuilder {
        DocumentBuilder::default()
    }

    fn encoding(&self) -> Option<TextEncoding> {
        if self.style.utf8 {
            Some(TextEncoding::Utf8)
        } else if self.style.chinese {
            Some(TextEncoding::Gb18030)
        } else {
            None
        }
    }

    fn close_span(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = match self.encoding() {
            Some(e) => e.decode(&self.pending),
            // Not in Chinese mode: a real printer prints its one-byte code page, so Chinese
            // bytes come out as mojibake, which is what the page shows.
            None => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&self.pending)
                .0
                .into_owned(),
        };
        let (bold, size) = self.pending_style.take().unwrap_or((false, (1, 1)));
        self.line.push(Span {
            text,
            bold,
            size,
            image: None,
        });
        self.pending.clear();
    }

    fn style_changes(&mut self) {
        self.close_span();
    }

    fn end_line(&mut self) {
        self.close_span();
        let spans = std::mem::take(&mut self.line);
        self.page.blocks.push(Block::Line(Line {
            justify: self.style.justify,
            spans,
            spacing: self.style.spacing,
        }));
    }

    fn flush_partial_line(&mut self) {
        self.close_span();
        if !self.line.is_empty() {
            self.end_line();
        }
    }

    /// Applies one event. Status requests are the simulator's business and ignored here.
    pub fn apply(&mut self, e: Event) {
        match e {
            Event::Text(bytes) => {
                if self.pending.is_empty() {
                    self.pending_style = Some((self.style.bold, self.style.size));
                }
                self.pending.extend_from_slice(&bytes);
            }
            Event::LineFeed => self.end_line(),
            Event::Init => {
                self.flush_partial_line();
                self.style = Style::default();
            }
            Event::ChineseMode(on) => {
                self.style_changes();
                self.style.chinese = on;
            }
            Event::Utf8Mode(on) => {
                self.style_changes();
                self.style.utf8 = on;
            }
            Event::Bold(on) => {
                self.style_changes();
                self.style.bold = on;
            }
            Event::Size(w, h) => {
                self.style_changes();
                self.style.size = (w, h);
            }
            Event::PrintMode(n) => {
                self.style_changes();
                self.style.bold = n & 0x08 != 0;
                self.style.size = (1 + (n >> 5 & 1), 1 + (n >> 4 & 1));
            }
            Event::Justify(j) => self.style.justify = j,
            Event::LineSpacing(s) => {
                self.style.spacing = s.map(u32::from).unwrap_or(DEFAULT_SPACING)
            }
            Event::FeedLines(n) => {
                // "Print and feed n lines": printing a pending line is the first of them.
                let mut lines = n as u32;
                self.close_span();
                if !self.line.is_empty() {
                    self.end_line();
                    lines = lines.saturating_sub(1);
                }
                if lines > 0 {
                    self.page
                        .blocks
                        .push(Block::Feed(lines * self.style.spacing));
                }
            }
            Event::FeedDots(n) => {
                self.flush_partial_line();
                self.page.blocks.push(Block::Feed(n as u32));
            }
            Event::Cut { partial, feed } => {
                self.flush_partial_line();
                if feed > 0 {
                    self.page.blocks.push(Block::Feed(feed as u32));
                }
                let mut page = std::mem::take(&mut self.page);
                page.cut = Some(partial);
                self.pages.push(page);
            }
            Event::QrModel(_) => {}
            Event::QrModule(n) => self.style.qr_module = n.clamp(1, 16),
            Event::QrEcc(n) => self.style.qr_ecc = n.clamp(48, 51),
            Event::QrStore(data) => self.style.qr_data = data,
            Event::QrPrint => {
                self.flush_partial_line();
                let payload = String::from_utf8_lossy(&self.style.qr_data).into_owned();
                self.page.blocks.push(Block::Qr {
                    payload,
                    module: self.style.qr_module,
                    ecc: self.style.qr_ecc,
                    justify: self.style.justify,
                });
            }
            Event::InlineImage {
                tall,
                columns,
                data,
            } => {
                self.close_span();
                let height = if tall { 24 } else { 8 };
                let per_col = height / 8;
                let mut bm = Bitmap::new(columns, height);
                for x in 0..columns {
                    for band in 0..per_col {
                        let byte = data.get(x * per_col + band).copied().unwrap_or(0);
                        for bit in 0..8 {
                            if byte & (0x80 >> bit) != 0 {
                                bm.set(x, band * 8 + bit);
                            }
                        }
                    }
                }
                self.line.push(Span {
                    text: String::new(),
                    bold: false,
                    size: (1, 1),
                    image: Some(bm),
                });
            }
            Event::Raster {
                width_bytes,
                height,
                data,
            } => {
                self.flush_partial_line();
                let mut bm = Bitmap::new(width_bytes * 8, height);
                for y in 0..height {
                    for xb in 0..width_bytes {
                        let byte = data.get(y * width_bytes + xb).copied().unwrap_or(0);
                        for bit in 0..8 {
                            if byte & (0x80 >> bit) != 0 {
                                bm.set(xb * 8 + bit, y);
                            }
                        }
                    }
                }
                self.page.blocks.push(Block::Image {
                    bitmap: bm,
                    justify: self.style.justify,
                });
            }
            Event::Beep => self.page.beeped = true,
            Event::StatusRequest(_)
            | Event::SensorRequest(_)
            | Event::Underline(_)
            | Event::Ignored(_) => {}
            Event::Unknown(_) => self.unknown_bytes += 1,
        }
    }

    /// Pages finished by a cut since the last call.
    pub fn take_pages(&mut self) -> Vec<Page> {
        std::mem::take(&mut self.pages)
    }

    /// Everything, including what is still on the roll (not cut yet), as pages.
    pub fn finish(mut self) -> Vec<Page> {
        self.flush_partial_line();
        let mut pages = std::mem::take(&mut self.pages);
        if !self.page.blocks.is_empty() {
            pages.push(std::mem::take(&mut self.page));
        }
        pages
    }
}

/// Interprets a whole captured stream (a `.bin` file) into pages.
pub fn pages_of(bytes: &[u8]) -> Vec<Page> {
    let mut b = DocumentBuilder::new();
    let (events, _) = escpos_parse::parse_all(bytes);
    for e in events {
        b.apply(e);
    }
    b.finish()
}

/// What a printer in `status` answers to a status request event, if it is one.
pub fn status_answer(e: &Event, status: &PrinterStatus) -> Option<u8> {
    match e {
        Event::StatusRequest(n @ 1..=4) => Some(status::encode_real_time(status, *n)),
        Event::SensorRequest(1 | 49) => Some(status::encode_gs_r(status)),
        _ => None,
    }
}
