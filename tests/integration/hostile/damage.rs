//! Every shipped capture, truncated and bit-flipped: the library and the binary print every
//! packet before the damage exactly as they would undamaged, then stop with exit 2 and the
//! byte offset of the damage (or exit 0 when the damage happens to be harmless).

use sockeye::gen::Rng;

use super::counted;
use super::harness::{
    assert_damage_explained, outputs, prefix, read_lib, run_bin, textbook_captures, LibRead, MODES,
};
use crate::kit::Scratch;

/// Files up to this size are cut at every offset; larger ones at a deterministic sample.
const EVERY_OFFSET_UP_TO: usize = 1500;
const SAMPLED_OFFSETS: usize = 250;
const FLIPS_PER_CAPTURE: usize = 40;
/// Damaged variants per capture that also go through the binary (in each of the 3 modes).
const BINARY_CUTS: usize = 6;
const BINARY_FLIPS: usize = 4;

/// Where to cut `len` bytes: every offset, or the record boundaries and their neighbours
/// (where off-by-one bugs live) plus random offsets, at least [`SAMPLED_OFFSETS`] in all.
fn cut_offsets(len: usize, lib: &LibRead, rng: &mut Rng) -> Vec<usize> {
    if len <= EVERY_OFFSET_UP_TO {
        return (0..len).collect();
    }
    let mut cuts: Vec<usize> = (0..64).collect();
    for &end in &lib.ends {
        let end = end as usize;
        cuts.extend([end.saturating_sub(1), end, end + 1]);
    }
    while cuts.len() < SAMPLED_OFFSETS {
        cuts.push(rng.below(len as u64) as usize);
    }
    cuts.retain(|&c| c < len);
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// Flips 1–4 random bits; returns the damaged copy and the first damaged byte.
fn flip(bytes: &[u8], rng: &mut Rng) -> (Vec<u8>, usize) {
    let mut out = bytes.to_vec();
    let mut first = bytes.len();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() as u64) as usize;
        out[at] ^= 1 << rng.below(8);
        first = first.min(at);
    }
    (out, first)
}

fn undamaged(name: &str, bytes: &[u8]) -> LibRead {
    let lib = read_lib(bytes);
    assert!(lib.error.is_none(), "{name} reads cleanly: {:?}", lib.error);
    lib
}

#[test]
fn truncated_captures_through_the_library() {
    let mut rng = Rng::new(0x5eed_0001);
    let mut cases = 0;
    for (name, bytes) in textbook_captures() {
        let whole = undamaged(&name, &bytes);
        for cut in cut_offsets(bytes.len(), &whole, &mut rng) {
            let read = read_lib(&bytes[..cut]);
            let before = whole.frames_before(cut as u64);
            assert_eq!(
                read.frames,
                whole.frames[..before],
                "{name} cut at {cut}: the packets before the cut"
            );
            let on_boundary = cut == 0 || whole.ends.contains(&(cut as u64));
            if on_boundary && cut > 0 {
                assert!(read.error.is_none(), "{name} cut at record end {cut}");
            }
            if let Some(err) = &read.error {
                assert!(err.contains("byte offset"), "{name} cut at {cut}: {err}");
            } else {
                assert!(
                    cut > 0,
                    "{name}: an empty file must be an error, not an empty capture"
                );
            }
            cases += 1;
        }
    }
    counted("truncation (library)", cases);
}

#[test]
fn bit_flipped_captures_through_the_library() {
    let mut rng = Rng::new(0x5eed_0002);
    let mut cases = 0;
    for (name, bytes) in textbook_captures() {
        let whole = undamaged(&name, &bytes);
        let expected: Vec<_> = MODES.iter().map(|(m, _)| outputs(&whole, m)).collect();
        for _ in 0..FLIPS_PER_CAPTURE {
            let (damaged, first) = flip(&bytes, &mut rng);
            let read = read_lib(&damaged);
            let before = whole.frames_before(first as u64);
            assert!(
                read.frames.len() >= before && read.frames[..before] == whole.frames[..before],
                "{name} flipped at {first}: the packets before the damage"
            );
            if let Some(err) = &read.error {
                assert!(
                    err.contains("byte offset"),
                    "{name} flipped at {first}: {err}"
                );
            }
            // Decoding, analysis and every printer on whatever frames came out: no panic, and
            // the packets before the damage print as they did undamaged.
            for ((mode, _), want) in MODES.iter().zip(&expected) {
                let got = outputs(&read, mode);
                assert_eq!(
                    got[..before],
                    want[..before],
                    "{name} flipped at {first}: {mode} output before the damage"
                );
            }
            cases += 1;
        }
    }
    counted("bit flips (library)", cases);
}

/// Runs one damaged file through the binary in every mode and checks the printed prefix.
fn check_binary(path: &str, expected: &[Vec<Vec<u8>>], before: usize, what: &str) {
    for ((mode, flags), want) in MODES.iter().zip(expected) {
        let mut args = vec!["-r", path];
        args.extend_from_slice(flags);
        let out = run_bin(&args);
        let want = prefix(want, before);
        assert!(
            out.stdout.starts_with(&want),
            "{what} ({mode}): the packets before the damage must be printed as undamaged"
        );
        assert_damage_explained(&out, &format!("{what} ({mode})"));
    }
}

#[test]
fn damaged_captures_through_the_binary() {
    let scratch = Scratch::new("hostile-damage");
    let mut rng = Rng::new(0x5eed_0003);
    let mut cases = 0;
    for (name, bytes) in textbook_captures() {
        let whole = undamaged(&name, &bytes);
        let expected: Vec<_> = MODES.iter().map(|(m, _)| outputs(&whole, m)).collect();
        // Undamaged first: the binary prints exactly what the library printers produce, which
        // is what makes the prefix comparisons below meaningful.
        let path = scratch.file(&name, &bytes);
        for ((mode, flags), want) in MODES.iter().zip(&expected) {
            let mut args = vec!["-r", path.as_str()];
            args.extend_from_slice(flags);
            let out = run_bin(&args);
            assert_eq!(out.status.code(), Some(0), "{name} ({mode})");
            assert!(out.stdout == prefix(want, want.len()), "{name} ({mode})");
        }
        for i in 0..BINARY_CUTS {
            let cut = 1 + rng.below(bytes.len() as u64 - 1) as usize;
            let path = scratch.file(&format!("cut{i}-{name}"), &bytes[..cut]);
            let before = whole.frames_before(cut as u64);
            check_binary(&path, &expected, before, &format!("{name} cut at {cut}"));
            cases += 1;
        }
        for i in 0..BINARY_FLIPS {
            let (damaged, first) = flip(&bytes, &mut rng);
            let path = scratch.file(&format!("flip{i}-{name}"), &damaged);
            let before = whole.frames_before(first as u64);
            check_binary(
                &path,
                &expected,
                before,
                &format!("{name} flipped at {first}"),
            );
            cases += 1;
        }
    }
    counted("damaged files (binary, 3 modes each)", cases);
}
