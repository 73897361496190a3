//! The SAM frame protocol of second-generation ID-card readers (GA 467), as pure
//! functions over bytes: encoding commands, finding and checking reply frames in a byte
//! stream, and the status words.
//!
//! Frame: `AA AA AA 96 69 | LEN (u16 BE) | body | CHK`, where LEN counts the body and the
//! checksum, and CHK is the XOR of LEN and body. A command's body is `CMD PARA DATA`; a
//! reply's is `SW1 SW2 SW3 DATA`.

pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];
/// Longest frame body a reader sends (text + photo + fingerprint, with room to spare).
pub const MAX_LEN: usize = 4096;

/// Commands the kiosk sends: (CMD, PARA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    ResetSam,
    SamStatus,
    ReadSamId,
    FindCard,
    SelectCard,
    ReadTextPhoto,
    ReadWithFingerprint,
    ReadNewAddress,
}

impl Command {
    pub fn code(self) -> (u8, u8) {
        match self {
            Command::ResetSam => (0x10, 0xFF),
            Command::SamStatus => (0x11, 0xFF),
            Command::ReadSamId => (0x12, 0xFF),
            Command::FindCard => (0x20, 0x01),
            Command::SelectCard => (0x20, 0x02),
            Command::ReadTextPhoto => (0x30, 0x01),
            Command::ReadWithFingerprint => (0x30, 0x10),
            Command::ReadNewAddress => (0x30, 0x03),
        }
    }

    pub fn from_code(cmd: u8, para: u8) -> Option<Command> {
        [
            Command::ResetSam,
            Command::SamStatus,
            Command::ReadSamId,
            Command::FindCard,
            Command::SelectCard,
            Command::ReadTextPhoto,
            Command::ReadWithFingerprint,
            Command::ReadNewAddress,
        ]
        .into_iter()
        .find(|c| c.code() == (cmd, para))
    }
}

/// Builds a frame around a body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let len = (body.len() + 1) as u16;
    let mut f = Vec::with_capacity(body.len() + 8);
    f.extend_from_slice(&PREAMBLE);
    f.extend_from_slice(&len.to_be_bytes());
    f.extend_from_slice(body);
    let chk = f[5..].iter().fold(0u8, |a, b| a ^ b);
    f.push(chk);
    f
}

pub fn command(c: Command) -> Vec<u8> {
    let (cmd, para) = c.code();
    frame(&[cmd, para])
}

/// What the parser found at the front of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Not enough bytes yet for a whole frame.
    Incomplete,
    /// A frame: its body (without LEN and CHK), and how many bytes it used, including any
    /// garbage skipped before its preamble.
    Frame { body: Vec<u8>, consumed: usize },
    /// A frame-shaped run that is wrong (bad checksum, impossible length); skip `consumed`
    /// bytes and look again.
    Bad { error: FrameError, consumed: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("checksum mismatch")]
    Checksum,
    #[error("impossible frame length {0}")]
    Length(usize),
}

/// Finds the first frame in `buf`, resynchronising on the preamble after garbage. Never
/// panics, whatever the bytes.
pub fn parse(buf: &[u8]) -> Parsed {
    let Some(start) = buf.windows(PREAMBLE.len()).position(|w| w == PREAMBLE) else {
        // Keep a possible partial preamble at the end; the rest is garbage.
        return Parsed::Incomplete;
    };
    let rest = &buf[start + PREAMBLE.len()..];
    if rest.len() < 2 {
        return Parsed::Incomplete;
    }
    let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
    if !(2..=MAX_LEN).contains(&len) {
        return Parsed::Bad {
            error: FrameError::Length(len),
            consumed: start + 1,
        };
    }
    if rest.len() < 2 + len {
        return Parsed::Incomplete;
    }
    let chk = rest[..1 + len].iter().fold(0u8, |a, b| a ^ b);
    if chk != rest[1 + len] {
        return Parsed::Bad {
            error: FrameError::Checksum,
            consumed: start + 1,
        };
    }
    Parsed::Frame {
        body: rest[2..1 + len].to_vec(),
        consumed: start + PREAMBLE.len() + 2 + len,
    }
}

/// The blocks of a card read's reply data, found by the 2-byte big-endian lengths in front
/// of them: (text, photo) for Read Text+Photo, (text, photo, fingerprint) for the read with
/// fingerprint. A photo or fingerprint shorter than its length says comes out empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocks<'a> {
    pub text: &'a [u8],
    pub photo: &'a [u8],
    /// Empty for Read Text+Photo.
    pub fingerprint: &'a [u8],
}

/// Why a read reply's data could not be split into blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlocksError {
    /// The lengths or the text block are cut short.
    Short,
    /// A text length other than 256, or a photo length over 1024: the text length.
    Length(usize),
}

/// Splits the data of a Read Text+Photo (`fingerprint` false: two lengths) or of a read
/// with fingerprint (`fingerprint` true: three lengths) into its blocks. Never panics,
/// whatever the lengths say.
pub fn read_blocks(data: &[u8], fingerprint: bool) -> Result<Blocks<'_>, BlocksError> {
    use super::text::{PHOTO_LEN, TEXT_LEN};
    let len = |i: usize| {
        data.get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
            .ok_or(BlocksError::Short)
    };
    if !fingerprint {
        if data.len() < 4 {
            return Err(BlocksError::Short);
        }
        let (tl, pl) = (len(0)?, len(2)?);
        let text = data.get(4..4 + tl).ok_or(BlocksError::Short)?;
        let photo = data.get(4 + tl..4 + tl + pl).unwrap_or(&[]);
        if tl != TEXT_LEN || pl > PHOTO_LEN {
            return Err(BlocksError::Length(tl));
        }
        return Ok(Blocks {
            text,
            photo,
            fingerprint: &[],
        });
    }
    let (tl, pl, fl) = (len(0)?, len(2)?, len(4)?);
    if tl != TEXT_LEN || pl > PHOTO_LEN {
        return Err(BlocksError::Length(tl));
    }
    let text = data.get(6..6 + tl).ok_or(BlocksError::Short)?;
    let photo = data.get(6 + tl..6 + tl + pl).unwrap_or(&[]);
    let fingerprint = data.get(6 + tl + pl..6 + tl + pl + fl).unwrap_or(&[]);
    Ok(Blocks {
        text,
        photo,
        fingerprint,
    })
}

/// Status word SW3 of a reply, as the reader documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    CardFound,
    FindFailed,
    SelectFailed,
    ReadFailed,
    ChecksumError,
    LengthError,
    CommandError,
    AuthFailed(u8),
    UnknownCardType,
    SamSelfTestFailed,
    NoContent,
    Other(u8),
}

impl Status {
    pub fn from_sw3(sw3: u8) -> Status {
        match sw3 {
            0x90 => Status::Ok,
            0x9F => Status::CardFound,
            0x80 => Status::FindFailed,
            0x81 => Status::SelectFailed,
            0x41 => Status::ReadFailed,
            0x10 => Status::ChecksumError,
            0x11 => Status::LengthError,
            0x21 => Status::CommandError,
            0x31..=0x33 => Status::AuthFailed(sw3),
            0x40 => Status::UnknownCardType,
            0x60 => Status::SamSelfTestFailed,
            0x91 => Status::NoContent,
            other => Status::Other(other),
        }
    }

    pub fn sw3(self) -> u8 {
        match self {
            Status::Ok => 0x90,
            Status::CardFound => 0x9F,
            Status::FindFailed => 0x80,
            Status::SelectFailed => 0x81,
            Status::ReadFailed => 0x41,
            Status::ChecksumError => 0x10,
            Status::LengthError => 0x11,
            Status::CommandError => 0x21,
            Status::AuthFailed(b) => b,
            Status::UnknownCardType => 0x40,
            Status::SamSelfTestFailed => 0x60,
            Status::NoContent => 0x91,
            Status::Other(b) => b,
        }
    }
}

/// A reply body: status and data.
pub fn reply_body(status: Status, data: &[u8]) -> Vec<u8> {
    let mut b = vec![0x00, 0x00, status.sw3()];
    b.extend_from_slice(data);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_blocks_follow_the_lengths_and_refuse_impossible_ones() {
        let mut data = vec![0x01, 0x00, 0x00, 0x03];
        data.extend([7u8; 256]);
        data.extend([1, 2, 3]);
        let b = read_blocks(&data, false).unwrap();
        assert_eq!(
            (b.text.len(), b.photo, b.fingerprint),
            (256, &[1, 2, 3][..], &[][..])
        );
        assert_eq!(read_blocks(&data[..200], false), Err(BlocksError::Short));
        assert_eq!(
            read_blocks(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], true),
            Err(BlocksError::Length(65535))
        );
        assert_eq!(read_blocks(&[0x01, 0x00], true), Err(BlocksError::Short));
    }

    #[test]
    fn find_card_command_matches_the_reader_documentation() {
        assert_eq!(
            command(Command::FindCard),
            [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22]
        );
    }

    #[test]
    fn parser_resynchronises_after_garbage_and_checks_the_checksum() {
        let good = frame(&reply_body(Status::CardFound, &[0, 0, 0, 0]));
        let mut stream = vec![0x13, 0xAA, 0x96, 0x00];
        stream.extend_from_slice(&good);
        match parse(&stream) {
            Parsed::Frame { body, consumed } => {
                assert_eq!(body, [0, 0, 0x9F, 0, 0, 0, 0]);
                assert_eq!(consumed, stream.len());
            }
            other => panic!("{other:?}"),
        }
        let mut bad = good.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0xFF;
        assert!(matches!(
            parse(&bad),
            Parsed::Bad {
                error: FrameError::Checksum,
                consumed: 1
            }
        ));
        assert_eq!(parse(&good[..good.len() - 1]), Parsed::Incomplete);
        assert_eq!(parse(&[0x55; 40]), Parsed::Incomplete);
        let mut huge = PREAMBLE.to_vec();
        huge.extend_from_slice(&[0xFF, 0xFF]);
        assert!(matches!(
            parse(&huge),
            Parsed::Bad {
                error: FrameError::Length(65535),
                ..
            }
        ));
    }
}
