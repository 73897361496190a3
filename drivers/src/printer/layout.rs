//! What the kiosk prints, for 58 and 80 mm paper: data in, ESC/POS bytes out.
//!
//! Commands come from the `escpos` crate (initialisation, justification, emphasis, size,
//! line spacing, GS ( k QR codes, partial cut), collected into memory rather than sent, so a
//! job is a byte string that can be checked, logged by size, and refused as a whole when the
//! printer has no paper. Chinese text goes out in the printer's own character mode (FS &,
//! GB 18030), which is fast and sharp; only characters the printer's font lacks are sent as
//! small raster glyphs (ESC *, inline in the text line). Tibetan, which no receipt printer
//! has a font for and which needs shaping, goes out a line at a time as a raster image
//! (GS v 0) cropped to its ink ([`JobBuilder::raster_text`], [`shaped`]).

use std::cell::RefCell;
use std::rc::Rc;

use escpos::printer::Printer as Commands;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use super::glyph::{self, Bitmap};
use super::shaped::{self, ShapeError, TibetanFace};
use super::text::{self, TextEncoding};

/// Paper roll width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum PaperWidth {
    #[serde(rename = "58")]
    Mm58,
    #[default]
    #[serde(rename = "80")]
    Mm80,
}

impl PaperWidth {
    pub fn from_mm(mm: u8) -> Option<PaperWidth> {
        match mm {
            58 => Some(PaperWidth::Mm58),
            80 => Some(PaperWidth::Mm80),
            _ => None,
        }
    }

    /// Printable dots at 203 dpi (8 dots/mm): 48 mm of a 58 mm roll, 72 mm of an 80 mm roll.
    pub fn dots(self) -> usize {
        match self {
            PaperWidth::Mm58 => 384,
            PaperWidth::Mm80 => 576,
        }
    }

    /// Columns of font A (12 dots per ASCII character, 24 per CJK character).
    pub fn columns(self) -> usize {
        self.dots() / 12
    }
}

/// QR error correction (GS ( k fn 69).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QrEcc {
    L,
    #[default]
    M,
    Q,
    H,
}

/// What one printer model needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub width: PaperWidth,
    pub encoding: TextEncoding,
    /// ESC B n t: a short beep when the ticket is ready (printers with a buzzer).
    pub beep: bool,
    /// QR module size in dots (GS ( k fn 67), 1..=16.
    pub qr_module: u8,
    pub qr_ecc: QrEcc,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            width: PaperWidth::Mm80,
            encoding: TextEncoding::Gb18030,
            beep: true,
            qr_module: 6,
            qr_ecc: QrEcc::M,
        }
    }
}

/// A job could not be laid out (a QR payload too long, a size out of range).
#[derive(Debug, thiserror::Error)]
#[error("cannot lay out the page: {0}")]
pub struct LayoutError(String);

impl From<escpos::errors::PrinterError> for LayoutError {
    fn from(e: escpos::errors::PrinterError) -> Self {
        LayoutError(e.to_string())
    }
}

/// A raster line could not be printed: no font can draw it, or the job could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error(transparent)]
    Font(#[from] ShapeError),
    #[error(transparent)]
    Layout(#[from] LayoutError),
}

/// A print job: the bytes, and what it is (for logs and the status screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub kind: &'static str,
    pub bytes: Vec<u8>,
}

/// The escpos crate's commands go to a driver; this one keeps them in memory.
#[derive(Clone, Default)]
struct Memory(Rc<RefCell<Vec<u8>>>);

impl escpos::driver::Driver for Memory {
    fn name(&self) -> String {
        "memory".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Builds one job. Text methods take care of encoding and wrapping.
pub struct JobBuilder {
    cmd: Commands<Memory>,
    out: Memory,
    profile: Profile,
    /// Current character magnification, to wrap at the right number of columns.
    size: (u8, u8),
    /// The face raster lines are drawn with: None until asked for, so a Chinese-only job
    /// never pays for the system font lookup.
    tibetan: Option<Result<&'static TibetanFace, ShapeError>>,
    /// The em of raster lines, in dots.
    raster_em: f32,
}

/// The em of raster Tibetan, in dots. At 26 a Tibetan Machine Uni consonant stands 21 dots
/// tall, close to the printer's 24-dot Chinese, and a line with stacks and vowel signs takes
/// 29 to 36 rows. At 28 it would match the Chinese, but a bilingual ticket with every field
/// set would no longer fit in 8 KB.
pub const TIBETAN_EM_DOTS: f32 = 26.0;

/// Blank dots fed after each raster line: GS v 0 advances the paper by the image's height
/// only, and raster lines cropped to their ink would otherwise touch the next line.
const RASTER_GAP_DOTS: u8 = 4;

/// GS v 0 m=0: a raster image `ceil(width / 8)` bytes wide, printed at the current
/// justification. Row-major, the leftmost dot in the high bit.
fn raster_image(bm: &Bitmap) -> Vec<u8> {
    let width_bytes = bm.width.div_ceil(8).min(0xFFFF);
    let height = bm.height.min(0xFFFF);
    let mut out = Vec::with_capacity(8 + width_bytes * height);
    out.extend_from_slice(&[
        0x1D,
        b'v',
        b'0',
        0,
        width_bytes as u8,
        (width_bytes >> 8) as u8,
        height as u8,
        (height >> 8) as u8,
    ]);
    for y in 0..height {
        for xb in 0..width_bytes {
            let mut byte = 0u8;
            for bit in 0..8 {
                if bm.get(xb * 8 + bit, y) {
                    byte |= 0x80 >> bit;
                }
            }
            out.push(byte);
        }
    }
    out
}

/// ESC * m=33: 24-dot double-density bit image, printed inline in the text line.
fn inline_glyph(bm: &glyph::Bitmap) -> Vec<u8> {
    let mut out = vec![0x1B, b'*', 33, bm.width as u8, (bm.width >> 8) as u8];
    for x in 0..bm.width {
        for band in 0..3 {
            let mut byte = 0u8;
            for bit in 0..8 {
                if bm.get(x, band * 8 + bit) {
                    byte |= 0x80 >> bit;
                }
            }
            out.push(byte);
        }
    }
    out
}

impl JobBuilder {
    pub fn new(profile: Profile) -> Result<JobBuilder, LayoutError> {
        let out = Memory::default();
        let mut cmd = Commands::new(out.clone(), Protocol::default(), None);
        cmd.init()?.custom(profile.encoding.enter())?;
        Ok(JobBuilder {
            cmd,
            out,
            profile,
            size: (1, 1),
            tibetan: None,
            raster_em: TIBETAN_EM_DOTS,
        })
    }

    /// Draws raster lines with `face` instead of the system's Tibetan face; None: as if no
    /// Tibetan font were installed.
    pub fn tibetan_face(&mut self, face: Option<&'static TibetanFace>) -> &mut Self {
        self.tibetan = Some(face.ok_or(ShapeError::NoFont));
        self
    }

    fn face(&mut self) -> Result<&'static TibetanFace, ShapeError> {
        self.tibetan.get_or_insert_with(shaped::face).clone()
    }

    /// The em of the following raster lines, in dots ([`TIBETAN_EM_DOTS`] until set).
    pub fn raster_em(&mut self, dots: f32) -> &mut Self {
        self.raster_em = dots;
        self
    }

    /// Whether [`raster_text`](Self::raster_text) has a font to draw with.
    pub fn can_raster(&mut self) -> bool {
        self.face().is_ok()
    }

    /// Prints `s` as shaped raster lines (GS v 0), wrapped to the paper, each image as wide
    /// as its ink and placed by the current justification. For text the printer's font
    /// cannot print: Tibetan. Character size and bold do not apply. Without a font nothing is
    /// printed and the error says so; the job stays valid.
    pub fn raster_text(&mut self, s: &str) -> Result<&mut Self, RasterError> {
        let face = self.face()?;
        for bm in face.render_lines(s, self.raster_em, self.profile.width.dots()) {
            self.cmd
                .custom(&raster_image(&bm))
                .map_err(LayoutError::from)?;
            self.cmd
                .custom(&[0x1B, b'J', RASTER_GAP_DOTS])
                .map_err(LayoutError::from)?;
        }
        Ok(self)
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Columns available at the current character size.
    pub fn columns(&self) -> usize {
        self.profile.width.columns() / self.size.0 as usize
    }

    pub fn align(&mut self, a: Align) -> Result<&mut Self, LayoutError> {
        self.cmd.justify(match a {
            Align::Left => JustifyMode::LEFT,
            Align::Center => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        })?;
        Ok(self)
    }

    pub fn bold(&mut self, on: bool) -> Result<&mut Self, LayoutError> {
        self.cmd.bold(on)?;
        Ok(self)
    }

    /// Character magnification, 1..=8 each way (GS !).
    pub fn size(&mut self, w: u8, h: u8) -> Result<&mut Self, LayoutError> {
        self.cmd.size(w, h)?;
        self.size = (w, h);
        Ok(self)
    }

    /// Text without a line feed. Characters the printer cannot print come out as a raster
    /// glyph, or as □ when not even a font for that is installed: never an error.
    pub fn text(&mut self, s: &str) -> Result<&mut Self, LayoutError> {
        let mut bytes = Vec::with_capacity(s.len() * 2);
        for c in s.chars() {
            if let Some(b) = self.profile.encoding.encode_char(c) {
                bytes.extend_from_slice(&b);
            } else if c.is_control() || text::char_columns(c) == 0 {
                // Nothing to print: a control, or a zero-width mark the printer lacks
                // (combining, joiner), which wrapping counted as no column; a glyph or a
                // box would take two and push the line past the paper's edge.
                continue;
            } else if let Some(font) = glyph::font().filter(|f| f.covers(c)) {
                bytes.extend(inline_glyph(&font.bitmap(c, 24)));
            } else {
                bytes.extend(
                    self.profile
                        .encoding
                        .encode_char('□')
                        .unwrap_or_else(|| b"?".to_vec()),
                );
            }
        }
        self.cmd.custom(&bytes)?;
        Ok(self)
    }

    /// One line (no wrapping: the caller knows it fits).
    pub fn line(&mut self, s: &str) -> Result<&mut Self, LayoutError> {
        self.text(s)?;
        self.cmd.custom(b"\n")?;
        Ok(self)
    }

    /// A paragraph wrapped to the paper width; continuation lines are indented by `indent`
    /// columns (so numbered list items line up).
    pub fn paragraph(&mut self, s: &str, indent: usize) -> Result<&mut Self, LayoutError> {
        let width = self.columns();
        let pad = " ".repeat(indent);
        let first = text::wrap(s, width);
        let mut lines = first.into_iter();
        if let Some(l) = lines.next() {
            self.line(&l)?;
        }
        let rest: String = lines.collect::<Vec<_>>().join("");
        if !rest.is_empty() {
            for l in text::wrap(&rest, width.saturating_sub(indent)) {
                self.line(&format!("{pad}{l}"))?;
            }
        }
        Ok(self)
    }

    /// A label on the left and a value flush right.
    pub fn pair(&mut self, label: &str, value: &str) -> Result<&mut Self, LayoutError> {
        let width = self.columns();
        if text::columns(label) + text::columns(value) < width {
            self.line(&text::two_columns(label, value, width))
        } else {
            self.paragraph(&format!("{label}{value}"), 2)
        }
    }

    /// A dashed rule across the paper.
    pub fn rule(&mut self) -> Result<&mut Self, LayoutError> {
        let w = self.columns();
        self.line(&"-".repeat(w))
    }

    pub fn feed(&mut self, lines: u8) -> Result<&mut Self, LayoutError> {
        self.cmd.feeds(lines)?;
        Ok(self)
    }

    /// A QR code (model 2), centred.
    pub fn qr(&mut self, payload: &str) -> Result<&mut Self, LayoutError> {
        let ecc = match self.profile.qr_ecc {
            QrEcc::L => QRCodeCorrectionLevel::L,
            QrEcc::M => QRCodeCorrectionLevel::M,
            QrEcc::Q => QRCodeCorrectionLevel::Q,
            QrEcc::H => QRCodeCorrectionLevel::H,
        };
        let module = self.profile.qr_module.clamp(1, 16);
        self.align(Align::Center)?;
        self.cmd
            .qrcode_option(payload, QRCodeOption::new(QRCodeModel::Model2, module, ecc))?;
        self.cmd.custom(b"\n")?;
        Ok(self)
    }

    /// Feeds past the cutter, beeps if the printer can, leaves the text mode, cuts partially
    /// (the ticket hangs on a tab and does not fall to the floor).
    pub fn finish(mut self, kind: &'static str) -> Result<Job, LayoutError> {
        self.cmd
            .reset_size()?
            .bold(false)?
            .justify(JustifyMode::LEFT)?;
        self.cmd.feeds(4)?;
        if self.profile.beep {
            // ESC B n t: one beep of 100 ms.
            self.cmd.custom(&[0x1B, b'B', 1, 1])?;
        }
        self.cmd.custom(self.profile.encoding.leave())?;
        self.cmd.partial_cut()?;
        self.cmd.print()?;
        let bytes = std::mem::take(&mut *self.out.0.borrow_mut());
        Ok(Job { kind, bytes })
    }
}

/// A queue ticket.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TicketSlip {
    pub hall: String,
    pub category: String,
    pub number: String,
    pub waiting_ahead: Option<u32>,
    pub wait_minutes: Option<u32>,
    pub windows: String,
    /// "2026-11-24 09:41"
    pub issued_at: String,
    /// Link to follow the queue on a phone.
    pub follow_url: Option<String>,
    /// Taken while the backend was unreachable: the number is from the kiosk's own block.
    pub offline: bool,
    /// 老年人优先 / 军人优先 ...; empty when none.
    pub priority: String,
    /// "item slot" of an appointment checked in.
    pub appointment: Option<String>,
    /// Set when the citizen took the ticket in the Tibetan UI: the slip is then bilingual,
    /// the Chinese in text mode with Tibetan raster lines under the key ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tibetan: Option<TicketTibetan>,
}

/// The Tibetan part of a bilingual ticket. Names absent here print in Chinese only; the
/// labels' wording is fixed ([`TICKET_BO`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TicketTibetan {
    /// The hall's name in Tibetan.
    pub hall: Option<String>,
    /// The category's name in Tibetan (the catalog's name_bo).
    pub category: Option<String>,
}

/// The fixed Tibetan wording of a ticket. `{}` stands for a number, written in Tibetan
/// digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketWordingBo {
    /// 前面等候 (a label; the count follows it)
    pub people_ahead: &'static str,
    /// 预计等候
    pub wait: &'static str,
    /// 约 {} 分钟
    pub minutes: &'static str,
    /// 办理窗口
    pub window: &'static str,
    /// 取号时间
    pub time: &'static str,
    /// 请留意叫号屏幕和广播
    pub watch: &'static str,
    /// 微信扫码，手机查看排队进度
    pub scan: &'static str,
    /// 本票据不含个人信息
    pub no_personal: &'static str,
    /// 排队号 (the slip's name)
    pub ticket: &'static str,
}

/// The Tibetan wording printed on bilingual tickets, as the translator delivered it
/// (ticket-bo.json, keys as the field names).
///
/// Awaits review by a native speaker before it is relied on in a hall: it has been checked
/// only for being Tibetan-block text in NFC, not for its wording.
pub const TICKET_BO: TicketWordingBo = TicketWordingBo {
    people_ahead: "ཁྱེད་ཀྱི་མདུན་དུ་སྒུག་མཁན།",
    wait: "ཚོད་དཔག་སྒུག་ཡུན།",
    minutes: "སྐར་མ་ {} ཙམ།",
    window: "ཞབས་ཞུའི་སྒེའུ་ཁུང་།",
    time: "ཨང་གྲངས་ལེན་པའི་དུས་ཚོད།",
    watch: "ཨང་འབོད་བརྙན་ཡོལ་ལ་ལྟ་ཞིང་རང་གི་ཨང་གྲངས་ལ་ཉན་རོགས།",
    scan: "སྐད་འཕྲིན་གྱིས་བཤར་ནས་ཁ་པར་ཐོག་གྲལ་རིམ་ལ་ལྟ་ཆོག",
    no_personal: "ཤོག་བུ་འདིའི་ནང་མི་སྒེར་གྱི་ཆ་འཕྲིན་མེད།",
    ticket: "གྲལ་རིམ་ཨང་གྲངས།",
};

/// `n` in Tibetan digits (U+0F20..U+0F29).
pub fn tibetan_digits(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|d| char::from_u32(0x0F20 + d.to_digit(10).unwrap_or(0)).unwrap_or(d))
        .collect()
}

fn with_number(template: &str, n: u32) -> String {
    template.replace("{}", &tibetan_digits(n))
}

/// Prints a Tibetan line if the ticket is bilingual and a font can draw it; a missing font
/// was logged once already, so it is not an error here.
fn bo_line(j: &mut JobBuilder, on: bool, s: &str) -> Result<(), LayoutError> {
    if !on || s.trim().is_empty() {
        return Ok(());
    }
    match j.raster_text(s) {
        Ok(_) | Err(RasterError::Font(_)) => Ok(()),
        Err(RasterError::Layout(e)) => Err(e),
    }
}

/// Most bytes a bilingual ticket may take on the wire. Raster Tibetan costs a byte per 8
/// dots; past this a ticket takes over half a second at 115200 baud, and printers with a
/// small receive buffer (4 to 8 KB) stall the line mid-ticket.
pub const TICKET_MAX_BYTES: usize = 8192;

/// Ems tried in turn until a bilingual ticket fits [`TICKET_MAX_BYTES`]: long Tibetan names
/// print a little smaller rather than not at all. Past the last, the ticket is Chinese only.
const TICKET_EMS: &[f32] = &[TIBETAN_EM_DOTS, 24.0, 22.0];

/// A queue ticket, bilingual when `t.tibetan` is set and a Tibetan font is installed (the
/// Chinese alone otherwise).
pub fn ticket(p: Profile, t: &TicketSlip) -> Result<Job, LayoutError> {
    ticket_fitted(p, t, None)
}

/// [`ticket`] with the Tibetan drawn by `face` (None: as on a kiosk without the font).
pub fn ticket_with_face(
    p: Profile,
    t: &TicketSlip,
    face: Option<&'static TibetanFace>,
) -> Result<Job, LayoutError> {
    ticket_fitted(p, t, Some(face))
}

fn ticket_fitted(
    p: Profile,
    t: &TicketSlip,
    face: Option<Option<&'static TibetanFace>>,
) -> Result<Job, LayoutError> {
    let build = |em: Option<f32>| {
        let mut j = JobBuilder::new(p)?;
        if let Some(f) = face {
            j.tibetan_face(f);
        }
        ticket_job(j, t, em)
    };
    if t.tibetan.is_none() {
        return build(None);
    }
    for &em in TICKET_EMS {
        let job = build(Some(em))?;
        if job.bytes.len() < TICKET_MAX_BYTES {
            return Ok(job);
        }
    }
    tracing::warn!(
        kind = "over_budget",
        "bilingual ticket too long for the wire: printed in Chinese only"
    );
    build(None)
}

/// The ticket, with its Tibetan lines at an em of `bo_em` dots (None: Chinese only).
fn ticket_job(mut j: JobBuilder, t: &TicketSlip, bo_em: Option<f32>) -> Result<Job, LayoutError> {
    let bo = match (&t.tibetan, bo_em) {
        (Some(part), Some(em)) => match j.face() {
            Ok(_) => {
                j.raster_em(em);
                Some(part)
            }
            Err(e) => {
                // The kind only: the slip's text is the citizen's business.
                tracing::warn!(kind = e.kind(), "bilingual ticket printed in Chinese only");
                None
            }
        },
        _ => None,
    };
    let on = bo.is_some();
    let name = |f: fn(&TicketTibetan) -> &Option<String>| {
        bo.and_then(|b| f(b).as_deref()).unwrap_or_default()
    };
    j.align(Align::Center)?.bold(true)?;
    j.paragraph(&t.hall, 0)?;
    bo_line(&mut j, on, name(|b| &b.hall))?;
    // The category and the number come from the backend: wrapped, like every other text
    // of unknown length (at 4x a 58 mm slip holds 8 columns).
    j.bold(false)?.paragraph(&t.category, 0)?;
    bo_line(&mut j, on, name(|b| &b.category))?;
    j.feed(1)?;
    j.size(4, 4)?.bold(true)?.paragraph(&t.number, 0)?;
    j.size(1, 1)?.bold(false)?;
    if !t.priority.is_empty() {
        j.paragraph(&format!("【{}】", t.priority), 0)?;
    }
    j.feed(1)?.align(Align::Left)?;
    if let Some(a) = &t.appointment {
        j.paragraph(&format!("预约：{a}"), 2)?;
    }
    if let Some(n) = t.waiting_ahead {
        j.pair("前面等候", &format!("{n} 人"))?;
        let ahead = format!("{} {}", TICKET_BO.people_ahead, tibetan_digits(n));
        bo_line(&mut j, on, &ahead)?;
    }
    if let Some(m) = t.wait_minutes {
        j.pair("预计等候", &format!("约 {m} 分钟"))?;
        let minutes = with_number(TICKET_BO.minutes, m);
        bo_line(&mut j, on, &format!("{} {minutes}", TICKET_BO.wait))?;
    }
    if !t.windows.is_empty() {
        j.pair("办理窗口", &t.windows)?;
        // The window numbers are on the Chinese line just above, in digits everyone reads.
        bo_line(&mut j, on, TICKET_BO.window)?;
    }
    j.pair("取号时间", &t.issued_at)?;
    if t.offline {
        j.paragraph("网络暂不可用，本号已登记，叫号时以大厅屏幕为准。", 0)?;
    }
    j.paragraph("请留意叫号屏幕和广播，过号请到服务台。", 0)?;
    bo_line(&mut j, on, TICKET_BO.watch)?;
    if let Some(url) = &t.follow_url {
        j.feed(1)?;
        j.qr(url)?;
        j.line("微信扫码，手机查看排队进度")?;
    }
    j.align(Align::Center)?.rule()?;
    j.line("本票据不含个人信息")?;
    j.finish("ticket")
}

/// One material of a checklist.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Material {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub note: String,
}

/// A material checklist (材料清单): the one-time notice of everything to bring.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChecklistSlip {
    pub hall: String,
    pub item: String,
    pub materials: Vec<Material>,
    /// Where to hand the materials in.
    pub hand_in: String,
    pub printed_at: String,
    /// Link to the full guide.
    pub guide_url: Option<String>,
}

pub fn checklist(p: Profile, c: &ChecklistSlip) -> Result<Job, LayoutError> {
    let mut j = JobBuilder::new(p)?;
    j.align(Align::Center)?.bold(true)?.size(1, 2)?;
    j.line("材料清单")?;
    j.size(1, 1)?.bold(false)?.paragraph(&c.hall, 0)?;
    j.align(Align::Left)?.rule()?;
    j.bold(true)?
        .paragraph(&format!("办理事项：{}", c.item), 2)?;
    j.bold(false)?;
    for (i, m) in c.materials.iter().enumerate() {
        let mut counts = Vec::new();
        if m.originals > 0 {
            counts.push(format!("原件{}份", m.originals));
        }
        if m.copies > 0 {
            counts.push(format!("复印件{}份", m.copies));
        }
        let mut line = format!("{}. {}", i + 1, m.name);
        if !counts.is_empty() {
            line.push_str(&format!("（{}）", counts.join("，")));
        }
        let indent = format!("{}. ", i + 1).len();
        j.paragraph(&line, indent)?;
        if !m.note.is_empty() {
            j.paragraph(&format!("{}{}", " ".repeat(indent), m.note), indent)?;
        }
    }
    j.rule()?;
    if !c.hand_in.is_empty() {
        j.paragraph(&format!("递交地点：{}", c.hand_in), 2)?;
    }
    j.pair("打印时间", &c.printed_at)?;
    j.paragraph("材料齐全可一次办结；如有疑问请到咨询台。", 0)?;
    if let Some(url) = &c.guide_url {
        j.feed(1)?.qr(url)?.line("扫码查看完整办事指南")?;
    }
    j.finish("checklist")
}

/// A receipt for a self-service submission or a complaint.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReceiptSlip {
    pub hall: String,
    /// 受理回执 / 投诉回执
    pub title: String,
    pub receipt_no: String,
    pub item: String,
    /// Already masked: 110***********1234, 张*.
    pub applicant: String,
    pub submitted_at: String,
    pub progress_url: Option<String>,
    pub note: String,
}

pub fn receipt(p: Profile, r: &ReceiptSlip) -> Result<Job, LayoutError> {
    let mut j = JobBuilder::new(p)?;
    j.align(Align::Center)?.bold(true)?.size(1, 2)?;
    j.line(&r.title)?;
    j.size(1, 1)?.bold(false)?.paragraph(&r.hall, 0)?;
    j.align(Align::Left)?.rule()?;
    j.pair("回执编号", &r.receipt_no)?;
    j.paragraph(&format!("事项：{}", r.item), 2)?;
    if !r.applicant.is_empty() {
        j.pair("申请人", &r.applicant)?;
    }
    j.pair("提交时间", &r.submitted_at)?;
    if !r.note.is_empty() {
        j.paragraph(&r.note, 0)?;
    }
    if let Some(url) = &r.progress_url {
        j.feed(1)?.qr(url)?.line("扫码查询办理进度")?;
    }
    j.align(Align::Center)?.rule()?.line("请妥善保管本回执")?;
    j.finish("receipt")
}

/// An appointment booked at the kiosk (预约凭证): what, when, where, and the code that
/// checks it in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AppointmentSlip {
    pub hall: String,
    pub item: String,
    /// "2026-12-07 周一"
    pub day: String,
    /// "09:00-09:30": printed large, on a line of its own.
    pub hours: String,
    pub windows: String,
    /// Already masked: 110***********1234, 张*.
    pub applicant: String,
    pub appointment_no: String,
    /// The check-in code in words, for a citizen who tells it at a window.
    pub code: String,
    /// What the kiosk's check-in accepts (`hk:appt:v1:<hall>:<code>`).
    pub checkin_qr: String,
    pub booked_at: String,
}

pub fn appointment(p: Profile, a: &AppointmentSlip) -> Result<Job, LayoutError> {
    let mut j = JobBuilder::new(p)?;
    j.align(Align::Center)?.bold(true)?.size(1, 2)?;
    j.line("预约凭证")?;
    j.size(1, 1)?.bold(false)?.paragraph(&a.hall, 0)?;
    j.align(Align::Left)?.rule()?;
    j.paragraph(&format!("事项：{}", a.item), 2)?;
    j.pair("预约日期", &a.day)?;
    j.align(Align::Center)?.bold(true)?.size(2, 2)?;
    j.paragraph(&a.hours, 0)?;
    j.size(1, 1)?.bold(false)?.align(Align::Left)?;
    if !a.windows.is_empty() {
        j.pair("办理窗口", &a.windows)?;
    }
    if !a.applicant.is_empty() {
        j.pair("预约人", &a.applicant)?;
    }
    j.pair("预约编号", &a.appointment_no)?;
    j.pair("签到码", &a.code)?;
    j.pair("预约时间", &a.booked_at)?;
    j.feed(1)?.align(Align::Center)?.qr(&a.checkin_qr)?;
    j.line("到大厅后在自助终端扫此码签到取号")?;
    j.align(Align::Left)?.paragraph(
        "也可刷身份证签到。请按时段到达；如需取消，请在自助终端「进度查询」刷身份证办理。",
        0,
    )?;
    j.align(Align::Center)?.rule()?.line("请妥善保管本凭证")?;
    j.finish("appointment")
}

/// A fee paid at the kiosk (缴费凭证), with the e-invoice (电子票据) to fetch.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PaymentSlip {
    pub hall: String,
    /// What the fee is for: the matter and its reference (受理编号 ...).
    pub reference: String,
    pub items: Vec<(String, String)>,
    /// "80.00 元"
    pub total: String,
    pub payment_no: String,
    pub paid_at: String,
    /// The e-invoice link, as a QR code; None while the backend has not issued it.
    pub einvoice_url: Option<String>,
    /// Printed for staff: the citizen had left before the payment was confirmed.
    pub for_staff: bool,
}

pub fn payment(p: Profile, r: &PaymentSlip) -> Result<Job, LayoutError> {
    let mut j = JobBuilder::new(p)?;
    j.align(Align::Center)?.bold(true)?.size(1, 2)?;
    j.line("缴费凭证")?;
    j.size(1, 1)?.bold(false)?.paragraph(&r.hall, 0)?;
    if r.for_staff {
        j.bold(true)?
            .paragraph("【市民离开后到账，请工作人员代为保管并联系缴费人】", 0)?;
        j.bold(false)?;
    }
    j.align(Align::Left)?.rule()?;
    j.paragraph(&r.reference, 2)?;
    for (name, amount) in &r.items {
        j.pair(name, amount)?;
    }
    j.bold(true)?.pair("合计", &r.total)?.bold(false)?;
    j.pair("支付单号", &r.payment_no)?;
    j.pair("支付时间", &r.paid_at)?;
    if let Some(url) = &r.einvoice_url {
        j.feed(1)?.align(Align::Center)?.qr(url)?;
        j.line("扫码获取电子票据")?;
    } else {
        j.paragraph("电子票据开具后可在进度查询中获取。", 0)?;
    }
    j.align(Align::Center)?.rule()?.line("请妥善保管本凭证")?;
    j.finish("payment")
}

/// The page `kiosk device printer test` prints: every feature the kiosk relies on.
pub fn test_page(p: Profile, kiosk_id: &str, time: &str) -> Result<Job, LayoutError> {
    let mut j = JobBuilder::new(p)?;
    j.align(Align::Center)?.bold(true)?.size(2, 2)?;
    j.line("打印测试")?;
    j.size(1, 1)?.bold(false)?.align(Align::Left)?.rule()?;
    j.pair("终端编号", kiosk_id)?;
    j.pair("时间", time)?;
    j.pair(
        "纸宽",
        match p.width {
            PaperWidth::Mm58 => "58 mm",
            PaperWidth::Mm80 => "80 mm",
        },
    )?;
    j.pair(
        "编码",
        match p.encoding {
            TextEncoding::Gb18030 => "GB18030",
            TextEncoding::Gbk => "GBK",
            TextEncoding::Utf8 => "UTF-8",
        },
    )?;
    j.rule()?;
    j.paragraph(
        "中文 ASCII 混排：社保卡 A023 号，请到 3 号窗口 (Window 3)。",
        0,
    )?;
    j.line("生僻字：𠈌")?;
    j.bold(true)?.line("粗体 Bold")?.bold(false)?;
    j.size(2, 2)?.line("A023")?.size(1, 1)?;
    j.line(&"0123456789".repeat(p.width.columns() / 10 + 1)[..p.width.columns()])?;
    j.qr("https://hall.example.gov.cn/kiosk/printer-test")?;
    j.align(Align::Center)?.line("二维码：printer-test")?;
    j.finish("test_page")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_starts_with_init_and_chinese_mode_and_ends_with_a_cut() {
        let job = test_page(Profile::default(), "K-01", "2026-11-24 09:41").unwrap();
        assert!(job.bytes.starts_with(&[0x1B, b'@', 0x1C, b'&']));
        assert!(job.bytes.ends_with(&[0x1C, b'.', 0x1D, b'V', b'A', 1]));
    }

    /// Each line's width in dots, as the printer prints it.
    fn widths(job: &Job) -> Vec<(String, usize)> {
        super::super::document::pages_of(&job.bytes)[0]
            .lines()
            .map(|l| {
                let dots = l
                    .spans
                    .iter()
                    .map(|s| match &s.image {
                        Some(bm) => bm.width,
                        None => text::columns(&s.text) * 12 * usize::from(s.size.0),
                    })
                    .sum();
                (l.text(), dots)
            })
            .collect()
    }

    #[test]
    fn long_ticket_numbers_and_categories_wrap_instead_of_running_off_the_paper() {
        // Found by the slip_layout fuzz target: the number went out at 4x without wrapping,
        // so nine columns of it were 432 dots on 384-dot (58 mm) paper.
        let p = Profile {
            width: PaperWidth::Mm58,
            ..Profile::default()
        };
        let t = TicketSlip {
            hall: "合作市政务服务中心".into(),
            category: "不动产登记及抵押权注销登记一件事联办窗口".into(),
            number: "VIP-000123456".into(),
            waiting_ahead: Some(3),
            wait_minutes: None,
            windows: "3".into(),
            issued_at: "2026-11-24 09:41".into(),
            follow_url: None,
            offline: false,
            priority: "老年人优先".repeat(4),
            appointment: None,
            tibetan: None,
        };
        let job = ticket(p, &t).unwrap();
        for (line, dots) in widths(&job) {
            assert!(dots <= p.width.dots(), "{line:?}: {dots} dots");
        }
        let page = super::super::document::pages_of(&job.bytes).remove(0);
        assert!(page.text().replace('\n', "").contains("VIP-000123456"));
    }

    #[test]
    fn a_zero_width_mark_the_printer_lacks_takes_no_column() {
        // Found by the slip_layout fuzz target: U+033C after a flush-right label came out
        // as a two-column box where wrapping had counted none, 600 dots on 576-dot paper.
        let mut j = JobBuilder::new(Profile::default()).unwrap();
        j.pair("申请人", "\u{33C}").unwrap();
        let job = j.finish("t").unwrap();
        let page = &super::super::document::pages_of(&job.bytes)[0];
        let line = page.line_with("申请人").unwrap();
        assert_eq!(line.text().trim_end(), "申请人");
    }

    #[test]
    fn a_raster_line_is_gs_v_0_in_whole_bytes_and_reads_back_dot_for_dot() {
        let mut bm = Bitmap::new(13, 3);
        for (x, y) in [(0, 0), (5, 1), (12, 2), (7, 0)] {
            bm.set(x, y);
        }
        let bytes = raster_image(&bm);
        assert_eq!(&bytes[..8], &[0x1D, b'v', b'0', 0, 2, 0, 3, 0]);
        assert_eq!(bytes.len(), 8 + 2 * 3);
        let page = &super::super::document::pages_of(&bytes)[0];
        let Some(super::super::document::Block::Image { bitmap, .. }) = page.blocks.first() else {
            panic!("{:?}", page.blocks);
        };
        assert_eq!((bitmap.width, bitmap.height), (16, 3));
        for y in 0..3 {
            for x in 0..16 {
                assert_eq!(bitmap.get(x, y), bm.get(x, y), "({x}, {y})");
            }
        }
    }

    #[test]
    fn numbers_on_tibetan_lines_are_in_tibetan_digits() {
        assert_eq!(tibetan_digits(0), "༠");
        assert_eq!(tibetan_digits(2026), "༢༠༢༦");
        assert_eq!(with_number(TICKET_BO.minutes, 35), "སྐར་མ་ ༣༥ ཙམ།");
    }

    #[test]
    fn the_rare_character_goes_out_as_an_inline_glyph_not_a_lost_ticket() {
        let job = test_page(Profile::default(), "K-01", "t").unwrap();
        let has_glyph = job.bytes.windows(3).any(|w| w == [0x1B, b'*', 33]);
        let has_box = job
            .bytes
            .windows(2)
            .any(|w| w == TextEncoding::Gb18030.encode_char('□').unwrap());
        assert!(has_glyph || has_box);
        // No four-byte GB 18030 sequence reached the printer.
        let (four_byte, _, _) = encoding_rs::GB18030.encode("𠈌");
        assert!(!job.bytes.windows(4).any(|w| w == &*four_byte));
    }

    #[test]
    fn an_appointment_slip_carries_the_time_the_window_and_the_check_in_code() {
        let a = AppointmentSlip {
            hall: "合作市政务服务中心".into(),
            item: "不动产转移登记（二手房买卖）".into(),
            day: "2026-12-07 周一".into(),
            hours: "09:00-09:30".into(),
            windows: "3, 4".into(),
            applicant: "张* 110***********1234".into(),
            appointment_no: "YY20261207001".into(),
            code: "AP0042".into(),
            checkin_qr: "hk:appt:v1:hall-01:AP0042".into(),
            booked_at: "2026-12-03 10:20".into(),
        };
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let p = Profile {
                width,
                ..Profile::default()
            };
            let job = appointment(p, &a).unwrap();
            let page = &super::super::document::pages_of(&job.bytes)[0];
            // Long lines wrap on 58 mm paper: look for the words across line ends.
            let text = page.text().replace('\n', "");
            for want in ["预约凭证", "09:00-09:30", "AP0042", "YY20261207001", "3, 4"] {
                assert!(text.contains(want), "{want} missing from {text}");
            }
            assert_eq!(page.qr_payloads(), ["hk:appt:v1:hall-01:AP0042"]);
            assert!(widths(&job).iter().all(|(_, d)| *d <= p.width.dots()));
        }
    }

    #[test]
    fn a_payment_slip_totals_the_fee_and_links_the_einvoice_or_says_it_comes_later() {
        let mut r = PaymentSlip {
            hall: "合作市政务服务中心".into(),
            reference: "受理编号 SL20261203001 不动产登记".into(),
            items: vec![("住宅登记费".into(), "80.00 元".into())],
            total: "80.00 元".into(),
            payment_no: "PAY0001".into(),
            paid_at: "2026-12-03 10:21".into(),
            einvoice_url: Some("https://einvoice.example.gov.cn/i/PAY0001".into()),
            for_staff: false,
        };
        let page = |r: &PaymentSlip| {
            super::super::document::pages_of(&payment(Profile::default(), r).unwrap().bytes)[0]
                .clone()
        };
        let paid = page(&r);
        assert!(paid.text().contains("合计") && paid.text().contains("80.00 元"));
        assert_eq!(
            paid.qr_payloads(),
            ["https://einvoice.example.gov.cn/i/PAY0001"]
        );
        assert!(!paid.text().contains("工作人员代为保管"));
        r.einvoice_url = None;
        r.for_staff = true;
        let later = page(&r);
        assert!(later.qr_payloads().is_empty());
        assert!(later.text().contains("电子票据开具后"));
        assert!(later.text().contains("工作人员代为保管"));
    }
}
