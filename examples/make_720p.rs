//! Writes the bundled sample video as a folder of 1280×720 JPEG frames (30 fps when played as
//! a folder source): the 720p camera stand-in of `scripts/bench_live.sh`.
//!
//! `cargo run --release --example make_720p -- OUT_DIR`

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: make_720p OUT_DIR"))?);
    std::fs::create_dir_all(&out)?;
    let mut source = vanity::capture::open(&vanity::data::sample_video())?;
    let mut n = 0;
    while let Some(frame) = source.next_frame()? {
        let big = image::imageops::resize(&frame.image, 1280, 720, image::imageops::FilterType::Triangle);
        big.save(out.join(format!("frame{n:04}.jpg")))?;
        n += 1;
    }
    eprintln!("{n} frames of 1280×720 in {}", out.display());
    Ok(())
}
