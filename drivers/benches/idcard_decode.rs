//! Decode time of a card read: parsing the 1295-byte 30 01 reply frame (preamble, length,
//! checksum) and decoding its 256-byte text block, for a resident card. The wire time of
//! that reply at 115200 baud is about 113 ms; decoding is a vanishing share of it.

use criterion::{criterion_group, criterion_main, Criterion};
use kiosk_drivers::idcard::protocol::{self, Parsed, Status};
use kiosk_drivers::idcard::sim::builtin_identities;
use kiosk_drivers::idcard::text::{self, PHOTO_LEN, TEXT_LEN};

fn reply() -> Vec<u8> {
    let id = &builtin_identities()[0];
    let mut d = Vec::new();
    d.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
    d.extend_from_slice(&(PHOTO_LEN as u16).to_be_bytes());
    d.extend_from_slice(&text::encode(id));
    d.extend((0..PHOTO_LEN).map(|i| (i * 7 % 251) as u8));
    protocol::frame(&protocol::reply_body(Status::Ok, &d))
}

fn bench(c: &mut Criterion) {
    let frame = reply();
    println!("30 01 reply: {} bytes", frame.len());
    c.bench_function("parse 30 01 reply frame", |b| {
        b.iter(|| match protocol::parse(&frame) {
            Parsed::Frame { body, .. } => body,
            _ => unreachable!("the frame is whole"),
        })
    });
    let Parsed::Frame { body, .. } = protocol::parse(&frame) else {
        unreachable!("the frame is whole")
    };
    let text_block = body[7..7 + TEXT_LEN].to_vec();
    let photo = body[7 + TEXT_LEN..].to_vec();
    c.bench_function("decode resident text block", |b| {
        b.iter(|| text::decode(&text_block, &photo).expect("valid"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
