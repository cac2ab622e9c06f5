//! Several inputs at once (`-r A -r B`, `-i eth0 -i ssh://gw/eth0 -i -`): opened one by
//! one, merged by time into one source, then printed, written or shown exactly as one
//! source would be.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use crate::capture::CaptureOptions;
use crate::headless::{self, Printer, Stats};
use crate::pcapio::CaptureWriter;
use crate::source::{
    FileSource, MergeInput, MergedSource, OpenOptions, PacketSource, RemoteOptions, RemoteSource,
    RemoteSpec, SourceError,
};

use super::read::Plan;
use super::ui::UiFilters;

/// One input of a merge, as the command line named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-r FILE` (`-` = standard input, also `-i -`).
    File(String),
    /// `-i IFACE`: a local interface.
    Interface(String),
    /// `-i ssh://…`, `k8s://…`, `cmd://…`.
    Remote(RemoteSpec),
}

impl Input {
    /// How messages name it.
    pub fn label(&self) -> String {
        match self {
            Input::File(path) if path == "-" => "standard input".to_string(),
            Input::File(path) => path.clone(),
            Input::Interface(name) => name.clone(),
            Input::Remote(spec) => spec.label(),
        }
    }
}

/// A validated merge: the inputs in order, and the flags each kind takes.
#[derive(Debug, Clone)]
pub struct MergeJob {
    pub inputs: Vec<Input>,
    /// `--follow` for the files.
    pub follow: bool,
    /// The capture flags every interface gets (its `interface` is filled per input).
    pub capture: CaptureOptions,
    pub remote: RemoteOptions,
}

/// Opens every input, then drops privileges once (after the last raw socket), and merges.
pub fn open(job: &MergeJob) -> anyhow::Result<MergedSource> {
    let mut inputs = Vec::with_capacity(job.inputs.len());
    let mut raw_sockets = false;
    for input in &job.inputs {
        let label = input.label();
        inputs.push(match input {
            Input::File(path) => {
                // Open errors name the file already; a damaged header does not.
                let source = FileSource::open_with(path, OpenOptions { follow: job.follow })
                    .map_err(|err| match err {
                        SourceError::Open { .. } => anyhow::Error::new(err),
                        damaged => anyhow::anyhow!("{label}: {damaged}"),
                    })?;
                let live = source.is_streaming();
                MergeInput {
                    source: Box::new(source),
                    label: label.clone(),
                    // A pipe's pcap names no interface: say which pipe. A file stays as
                    // tshark reads it (its own names, or none).
                    fallback_name: live.then(|| label.clone()),
                    live,
                }
            }
            Input::Interface(name) => {
                let opts = CaptureOptions {
                    interface: name.clone(),
                    ..job.capture.clone()
                };
                raw_sockets = true;
                MergeInput {
                    source: crate::capture::open_interface(&opts)?,
                    label: label.clone(),
                    fallback_name: None,
                    live: true,
                }
            }
            Input::Remote(spec) => MergeInput {
                source: Box::new(RemoteSource::open(spec, &job.remote)?),
                label: label.clone(),
                fallback_name: Some(label.clone()),
                live: true,
            },
        });
    }
    if raw_sockets {
        crate::capture::drop_privileges()?;
    }
    MergedSource::new(inputs).map_err(|(index, err)| {
        let label = job.inputs.get(index).map(Input::label).unwrap_or_default();
        anyhow::anyhow!("{label}: {err}")
    })
}

/// The merged inputs through the one headless loop.
pub fn headless(job: &MergeJob, plan: Plan) -> anyhow::Result<ExitCode> {
    let stop = crate::capture::stop_flag()?;
    let mut source = open(job)?;
    let labels: Vec<String> = job.inputs.iter().map(Input::label).collect();
    eprintln!(
        "sockeye: merging {} sources by time: {}",
        labels.len(),
        labels.join(", ")
    );
    let live = job.inputs.iter().any(|i| !matches!(i, Input::File(_)));
    let mut writer = match &plan.write {
        Some(path) => Some(
            CaptureWriter::create(path, plan.snaplen, source.link_type())?
                .with_interfaces(source.interfaces()),
        ),
        None => None,
    };
    let stats = (!plan.stats.is_empty()).then(|| Stats::new(&plan.stats));
    let line_buffered = plan.line_buffered || (live && io::IsTerminal::is_terminal(&io::stdout()));
    // Merged complete files are read as one complete file is: lines and rows formatted a
    // batch at a time on a second thread.
    let mut printer = Printer::new(plan.config)
        .with_display_filter(plan.display_filter)
        .with_capture_filter(plan.capture_filter)
        .with_time_format(plan.time_format)
        .with_parallel_lines(!live && !line_buffered);
    let stdout = io::stdout();
    let mut out: Box<dyn Write> = if line_buffered {
        Box::new(io::LineWriter::new(stdout.lock()))
    } else {
        Box::new(BufWriter::with_capacity(256 * 1024, stdout.lock()))
    };
    let outcome = headless::run(
        &mut source,
        &mut printer,
        stats,
        writer.as_mut(),
        plan.count,
        &stop,
        &mut out,
    )?;
    if live {
        let counts = source.stats();
        eprintln!("{} packets captured", outcome.frames);
        if let (Some(received), Some(dropped)) = (counts.kernel_received, counts.kernel_dropped) {
            eprintln!("{received} packets received by filter");
            eprintln!("{dropped} packets dropped by kernel");
        }
    }
    if let Some(err) = outcome.source_error {
        eprintln!("sockeye: {err} ({} packets read before it)", outcome.frames);
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// The merged inputs in the terminal UI, as one live capture.
pub fn ui(job: &MergeJob, mut filters: UiFilters) -> anyhow::Result<ExitCode> {
    let source = open(job)?;
    let labels: Vec<String> = job.inputs.iter().map(Input::label).collect();
    let store = crate::store::LiveConfig {
        store_limit: job.capture.store_limit(),
        record: job.capture.write.clone(),
        capture_filter: filters.capture.take(),
        ..Default::default()
    };
    super::ui::run_with_config(
        Box::new(source),
        &format!("merged: {}", labels.join(" + ")),
        store,
        filters,
    )
}
