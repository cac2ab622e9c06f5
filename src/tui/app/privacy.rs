//! `A` in the UI: privacy mode on and off. On, the app shows an anonymised copy of the
//! packets it holds (the same rewrite as `--anonymize`: addresses mapped prefix-preserving,
//! MACs keep their vendor prefix, everything above the transport header cut), indexed like
//! any capture, so every view reads only rewritten bytes. Off, the original store returns.
//! Every cache that could hold an original (narration, follow text, statistics) is dropped
//! both ways.

use std::sync::Arc;

use super::App;
use crate::dissect::anonymize::Anonymizer;
use crate::pcapio::CaptureWriter;
use crate::store::{lock, save_link, spawn_file_indexer, SharedStore};

#[derive(Default)]
pub struct PrivacyState {
    /// The real packets, kept while the anonymised copy is shown.
    original: Option<SharedStore>,
}

impl PrivacyState {
    pub fn on(&self) -> bool {
        self.original.is_some()
    }
}

impl App {
    pub fn toggle_privacy(&mut self) {
        if let Some(original) = self.privacy.original.take() {
            self.store = original;
            self.after_store_change();
            self.message = Some("privacy mode off: the real addresses and payloads".into());
            return;
        }
        if self.live.is_some() {
            self.message =
                Some("privacy mode: for live capture start sockeye with --anonymize".into());
            return;
        }
        match self.anonymized_store() {
            Ok(store) => {
                self.privacy.original = Some(std::mem::replace(&mut self.store, store));
                self.after_store_change();
                self.message = Some(
                    "privacy mode: addresses mapped, MACs keep their vendor, payload cut (A: off)"
                        .into(),
                );
            }
            Err(e) => self.message = Some(format!("privacy mode failed: {e}")),
        }
    }

    /// The packets held now, rewritten into a private temporary file and indexed (the
    /// store maps it; the mapping outlives the file, which is removed at once).
    fn anonymized_store(&self) -> Result<SharedStore, String> {
        let path =
            std::env::temp_dir().join(format!("sockeye-private-ui-{}.pcapng", std::process::id()));
        let text = path.to_string_lossy().into_owned();
        let written = (|| {
            let mut anonymizer = Anonymizer::random().map_err(|e| e.to_string())?;
            let store = lock(&self.store);
            let mut w = CaptureWriter::create(&text, 262_144, save_link(&store))
                .map_err(|e| e.to_string())?;
            for i in 0..store.len() {
                if let Some(frame) = store.frame(i) {
                    w.write_frame(&anonymizer.frame(&frame).as_frame())
                        .map_err(|e| e.to_string())?;
                }
            }
            w.flush().map_err(|e| e.to_string())
        })();
        let store = written.and_then(|()| {
            spawn_file_indexer(&text)
                .map(|job| job.wait())
                .map_err(|e| e.to_string())
        });
        let _ = std::fs::remove_file(&path);
        store
    }

    fn after_store_change(&mut self) {
        self.teach.narration = None;
        self.follow = None;
        self.expert = Default::default();
        self.stats = Default::default();
        self.stream = Default::default();
        self.quiz.open = None;
        // The graphs count again from the new store (its addresses and lengths differ).
        self.io_graph.recount();
        super::stevens::reopen(self);
        let now = self.now;
        self.tick(now);
        self.sync_stream();
        self.refresh_narration();
        // The store handle changed: nothing may keep the old one alive but `original`.
        debug_assert!(Arc::strong_count(&self.store) >= 1);
    }
}
