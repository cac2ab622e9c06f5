//! `sockeye lab run NAME --netns --capture both`: the scenario captured at both ends of the
//! lab's veth link at once. On a terminal the UI opens on the two-vantage ladder (each
//! segment leaving one side and reaching the other, with its one-way delay) — the
//! classroom demo of propagation delay in one command; otherwise the same ladder is
//! printed as text. With `-w` the capture is saved as one pcapng with an interface per
//! side and the endpoints' socket calls beside the packets.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::endpoints::capture::{capture_while, ports_of, scenario_frames, write_sides, PacketTap};
use crate::endpoints::events::{EventLog, EventSink, SocketEvent};
use crate::endpoints::netns::{self, Lab};
use crate::endpoints::scenarios::{self, ScenarioConfig, ScenarioReport};
use crate::endpoints::EndpointError;
use crate::frame::{Direction, InterfaceDesc, InterfaceTable, LinkType, OwnedFrame};
use crate::pcapio::CaptureFormat;

/// What the two taps saw while the scenario ran.
pub(super) struct BothSides {
    /// Both sides' frames in time order: the client's on interface 0 (the ladder's left),
    /// the server's on 1.
    frames: Vec<OwnedFrame>,
    /// The two interfaces, named `client 192.0.2.2 (veth0)` and `server 192.0.2.1 (veth0)`.
    interfaces: InterfaceTable,
    /// The built-in endpoints' socket calls.
    calls: Vec<SocketEvent>,
    /// How the scenario went (an error still leaves what was captured before it).
    report: Result<ScenarioReport, EndpointError>,
}

/// Runs scenario `name` in the lab with a tap on each end of the veth link.
pub(super) fn capture(
    name: &str,
    cfg: &ScenarioConfig,
    lab: &Lab,
) -> Result<BothSides, EndpointError> {
    let client_tap = netns::run_in(Some(&lab.client_ns), || PacketTap::open(netns::VETH))?;
    let server_tap = netns::run_in(Some(&lab.server_ns), || PacketTap::open(netns::VETH))?;
    let log = Arc::new(EventLog::new());
    let sink: Arc<dyn EventSink> = log.clone();
    let linger = Duration::from_millis(150);
    let ((report, server_frames), client_frames) = capture_while(client_tap, linger, || {
        capture_while(server_tap, linger, || scenarios::run(name, cfg, sink))
    });
    let calls = log.snapshot();
    let ports = ports_of(&calls);
    let mut frames: Vec<OwnedFrame> = Vec::new();
    for (interface, side) in [(0u32, &client_frames), (1, &server_frames)] {
        for f in scenario_frames(side, &ports) {
            frames.push(OwnedFrame {
                ts_ns: f.ts_ns,
                data: f.data.clone(),
                orig_len: f.orig_len,
                link: LinkType::ETHERNET,
                interface,
                direction: if f.outgoing {
                    Direction::Outbound
                } else {
                    Direction::Inbound
                },
            });
        }
    }
    // In time order, the client's copy first on a tie.
    frames.sort_by_key(|f| (f.ts_ns, f.interface));
    let sides = [
        format!("client {} ({})", netns::CLIENT_IP, netns::VETH),
        format!("server {} ({})", netns::SERVER_IP, netns::VETH),
    ];
    let interfaces = InterfaceTable::of(
        sides
            .iter()
            .map(|n| InterfaceDesc::new(Some(n), LinkType::ETHERNET, 262_144, 9))
            .collect(),
    );
    Ok(BothSides {
        frames,
        interfaces,
        calls,
        report,
    })
}

/// Shows what was captured: the UI on the two-vantage ladder when `ui` (and the scenario
/// ran to its end), else the ladder as text; then saves it with `-w`.
///
/// Call this after the lab's namespaces are gone: nothing here needs them, and a UI left
/// open for an hour must not keep them.
pub(super) fn show(
    name: &str,
    sides: BothSides,
    write: Option<&str>,
    ui: bool,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<ExitCode, EndpointError> {
    // A scenario that failed or was interrupted is told in text, with what it captured.
    let interrupted = stop.load(Ordering::Relaxed);
    if ui && sides.report.is_ok() && !interrupted {
        return show_ui(name, &sides, write);
    }
    print_ladder(&sides);
    let notes = match &sides.report {
        Ok(report) => &report.notes,
        Err(_) => return sides.report.map(|_| ExitCode::SUCCESS),
    };
    for n in notes {
        println!("note: {n}");
    }
    if let Some(path) = write {
        save(path, &sides)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The ladder as text, as a pipe or `-H` gets it.
fn print_ladder(sides: &BothSides) {
    let mut dissector = crate::dissect::Dissector::new().with_interfaces(sides.interfaces.clone());
    let mut view = crate::teach::vantage::TwoVantage::new();
    for f in &sides.frames {
        view.push(&dissector.dissect(&f.as_frame()));
    }
    println!("two vantage points: the same connection captured in both namespaces");
    print!("{}", view.render_text("client", "server"));
}

fn save(path: &str, sides: &BothSides) -> Result<(), EndpointError> {
    let n = write_sides(path, &sides.frames, sides.interfaces.clone(), &sides.calls)?;
    println!("wrote {n} packets (both sides) to {path}");
    Ok(())
}

/// The UI over the capture, opened as `sockeye -r` opens a file (one truth: the store
/// indexes and pairs what was written): the `-w` pcapng when there is one, else a private
/// temporary file, removed as soon as the store has it open.
fn show_ui(name: &str, sides: &BothSides, write: Option<&str>) -> Result<ExitCode, EndpointError> {
    if let Some(path) = write {
        save(path, sides)?;
    }
    // A pcap `-w` file has no room for the sides' names: the UI reads a pcapng.
    let kept = write.filter(|p| CaptureFormat::from_path(p) == CaptureFormat::PcapNg);
    // Dropping it removes the file.
    let (path, temp) = match kept {
        Some(p) => (p.to_string(), None),
        None => {
            // A directory of its own, made afresh and readable by this user only (a
            // root-run lab must not follow a link someone planted in /tmp).
            let temp = tempfile::Builder::new()
                .prefix("sockeye-lab-")
                .tempdir()
                .map_err(|e| EndpointError::Failed(format!("cannot create a directory: {e}")))?;
            let p = temp
                .path()
                .join("both-sides.pcapng")
                .to_string_lossy()
                .into_owned();
            write_sides(&p, &sides.frames, sides.interfaces.clone(), &sides.calls)?;
            (p, Some(temp))
        }
    };
    let report = sides.report.as_ref().ok();
    for n in report.map(|r| r.notes.as_slice()).unwrap_or_default() {
        println!("note: {n}");
    }
    let fail = |e: &dyn std::fmt::Display| EndpointError::Failed(e.to_string());
    let options = crate::tui::ReplayOptions {
        no_color: crate::tui::ui::theme::Theme::no_color_env(),
        title: Some(format!("lab {name}, both ends")),
        open_first_crossing: true,
        ..Default::default()
    };
    // The job indexes for as long as it lives.
    let (_job, mut app) = crate::tui::replay_app(&path, options).map_err(|e| fail(&e))?;
    // The store holds the capture open and mapped: its temporary name goes at once, so
    // nothing is left behind however the UI ends.
    drop(temp);
    // As `sockeye -i` once its socket is open, the UI decodes and saves with no privilege
    // (sudo's user again, every capability cleared). The indexing thread started above
    // keeps the capabilities it began with while it reads the lab's own capture, unless
    // the switch to sudo's user clears them there too.
    crate::capture::drop_privileges().map_err(|e| fail(&e))?;
    crate::tui::run_app(&mut app).map_err(|e| fail(&e))?;
    Ok(ExitCode::SUCCESS)
}
