//! One truth: what the UI shows and filters on is exactly what the headless pipeline
//! computed. Every packet of every shipped textbook capture, as the UI's store re-dissects
//! it, emits the same fields (names, values, byte ranges) as the streaming pipeline that
//! `-V`, `-T fields`, JSON and `-Y` use; its details tree lists the same lines as `-V`; and
//! every expression of the recorded tshark filter tables, typed into the UI's filter bar,
//! keeps tshark's frames.

use std::collections::HashSet;
use std::time::Duration;

use super::tests::{app_sized, type_keys};
use crate::decode::FieldList;
use crate::dissect::{Dissection, Dissector};
use crate::field::ValueFormatter;
use crate::source::{FileSource, PacketSource};
use crate::store::{lock, spawn_file_indexer};

fn textbook() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("captures/textbook")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".pcapng") || n.ends_with(".pcap"))
        .collect();
    names.sort();
    assert!(names.len() >= 17, "{names:?}");
    names
}

/// Each field as one comparable line: depth, name, value as tshark prints it, bytes.
fn field_lines(d: &Dissection<'_>) -> Vec<String> {
    let mut scratch = String::new();
    let mut fields = FieldList::new();
    d.emit_fields(&mut scratch, &mut fields);
    fields
        .iter()
        .map(|f| {
            format!(
                "{} {} = {} @{:?}",
                f.depth,
                f.name(),
                ValueFormatter(f.def(), &f.value),
                f.range
            )
        })
        .collect()
}

/// The `-V` tree of each packet, split per packet, as the headless printer writes it.
fn verbose_blocks(path: &str) -> Vec<Vec<String>> {
    let mut source = FileSource::open(path).unwrap();
    // As the headless loop: the source's interfaces name the frames.
    let mut dissector = Dissector::new().with_interfaces(source.interfaces());
    let mut out = Vec::new();
    while let Some(frame) = source.next_frame().unwrap() {
        let d = dissector.dissect(&frame);
        let mut scratch = String::new();
        let mut fields = FieldList::new();
        d.emit_fields(&mut scratch, &mut fields);
        let mut text = Vec::new();
        crate::headless::write_tree(&d.packet, &fields, d.names.as_deref(), &mut text);
        let text = String::from_utf8(text).unwrap();
        out.push(
            text.lines()
                .filter(|l| !l.is_empty())
                .map(|l| l.trim_end().to_string())
                .collect(),
        );
    }
    out
}

#[test]
fn the_store_dissects_every_packet_as_the_pipeline_does() {
    let mut packets = 0;
    for name in textbook() {
        let path = format!("captures/textbook/{name}");
        let mut source = FileSource::open(&path).unwrap();
        // As the headless loop: the source's interfaces name the frames.
        let mut dissector = Dissector::new().with_interfaces(source.interfaces());
        let mut streamed = Vec::new();
        while let Some(frame) = source.next_frame().unwrap() {
            streamed.push(field_lines(&dissector.dissect(&frame)));
        }
        let shared = spawn_file_indexer(&path).unwrap().wait();
        let store = lock(&shared);
        assert_eq!(store.len(), streamed.len(), "{name}");
        let verbose = verbose_blocks(&path);
        for (i, expected) in streamed.iter().enumerate() {
            let d = store.dissect(i).unwrap();
            assert_eq!(&field_lines(&d), expected, "{name} frame {}", i + 1);
            let tree: Vec<String> = super::tree::rows(&d, &HashSet::new())
                .into_iter()
                .map(|r| r.text)
                .collect();
            assert_eq!(
                tree,
                verbose[i],
                "{name} frame {}: details tree vs -V",
                i + 1
            );
            packets += 1;
        }
    }
    assert!(packets >= 111, "{packets}");
}

fn settle(app: &mut super::App) {
    for _ in 0..10_000 {
        if !app.filter_pending() {
            return;
        }
        app.tick(Duration::ZERO);
    }
    panic!("filter never finished");
}

#[test]
fn every_recorded_tshark_filter_selects_tshark_frames_in_the_ui() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for table in ["tests/data/filters.tsv", "tests/data/filters_analysis.tsv"] {
        let text = std::fs::read_to_string(table).unwrap();
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let mut cols = line.split('\t');
            let (capture, expr) = (cols.next().unwrap(), cols.next().unwrap());
            let frames = cols.next().unwrap_or("");
            let mut app = app_sized(capture, 120, 40);
            type_keys(&mut app, &format!("/{expr}\n"));
            if app.filter.is_none() {
                failures.push(format!("{capture} `{expr}`: the UI did not apply it"));
                continue;
            }
            settle(&mut app);
            let shown: Vec<String> = (0..app.row_count())
                .filter_map(|r| app.row_packet(r))
                .map(|p| (p + 1).to_string())
                .collect();
            let expected: Vec<&str> = frames.split(',').filter(|f| !f.is_empty()).collect();
            if shown != expected {
                failures.push(format!(
                    "{capture} `{expr}`: UI {shown:?}, tshark {expected:?}"
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 110, "{checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
