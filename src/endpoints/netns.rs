//! The two-host lab: two private network namespaces joined by a veth pair, so a capture
//! shows real MAC addresses, ARP and a 1500-byte MTU instead of loopback's shortcuts.
//!
//! Endpoints enter a namespace from a dedicated thread with `setns(2)` rather than
//! re-executing `ip netns exec NAME sockeye …`: the scenario then stays one process, its
//! events flow through the same in-memory sink, and the servers' worker threads inherit the
//! namespace of the thread that spawned them. A socket keeps the namespace it was created
//! in, whichever thread later uses it.

use std::fs::File;
use std::net::{IpAddr, Ipv4Addr};
use std::os::fd::AsFd;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

use super::EndpointError;

/// Server side address (RFC 5737 TEST-NET-1, documentation only; it exists only inside
/// the lab's namespaces).
pub const SERVER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
pub const CLIENT_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
const PREFIX: &str = "sockeye-";
/// Interface name inside each namespace (the namespaces are private, so no clash).
pub const VETH: &str = "veth0";

static SEQ: AtomicU32 = AtomicU32::new(0);

/// The two namespaces; removing them (on drop, including unwinding from a panic) also
/// destroys the veth pair, since a veth dies with either of its namespaces.
#[derive(Debug)]
pub struct Lab {
    pub server_ns: String,
    pub client_ns: String,
}

/// Whether the process may create namespaces (effective uid 0; CAP_SYS_ADMIN alone is
/// rare enough that root is the honest requirement to state).
pub fn is_root() -> bool {
    crate::sys::is_root()
}

fn ip(args: &[&str]) -> Result<(), EndpointError> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| EndpointError::Lab(format!("cannot run `ip`: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(EndpointError::Lab(format!(
            "`ip {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

impl Lab {
    /// Creates `sockeye-a-<pid>-<n>` (server, 192.0.2.1/24) and `sockeye-b-<pid>-<n>`
    /// (client, 192.0.2.2/24) joined by a veth pair, with both links and `lo` up.
    pub fn create() -> Result<Lab, EndpointError> {
        if !is_root() {
            return Err(EndpointError::Permission(
                "--netns needs root (it creates network namespaces); run with sudo".into(),
            ));
        }
        remove_stale();
        let pid = std::process::id();
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        let lab = Lab {
            server_ns: format!("{PREFIX}a-{pid}-{n}"),
            client_ns: format!("{PREFIX}b-{pid}-{n}"),
        };
        ip(&["netns", "add", &lab.server_ns])?;
        // From here on, `lab` going out of scope (error or panic) removes what exists.
        ip(&["netns", "add", &lab.client_ns])?;
        let (a, b) = (lab.server_ns.as_str(), lab.client_ns.as_str());
        for ns in [a, b] {
            run_in(Some(ns), quiet_ipv6)?;
        }
        ip(&[
            "-n", a, "link", "add", VETH, "type", "veth", "peer", "name", VETH, "netns", b,
        ])?;
        for (ns, addr) in [(a, "192.0.2.1/24"), (b, "192.0.2.2/24")] {
            ip(&["-n", ns, "addr", "add", addr, "dev", VETH])?;
            ip(&["-n", ns, "link", "set", VETH, "up"])?;
            ip(&["-n", ns, "link", "set", "lo", "up"])?;
        }
        Ok(lab)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for ns in [&self.server_ns, &self.client_ns] {
            // Best effort: the namespace may not exist if creation failed half way.
            let _ = Command::new("ip").args(["netns", "del", ns]).output();
        }
    }
}

/// Two hosts without root, for `sockeye run --two-hosts`: this process's own network
/// namespace (the private one `sockeye run` re-executes into) is the server's, and a new
/// one, held only by a descriptor of this process, is the client's; a veth pair joins
/// them (192.0.2.1 server, 192.0.2.2 client). Nothing is named in /run/netns and no helper
/// process exists, so nothing can be left behind: the client's namespace ends with the
/// descriptor (and the last process inside it).
#[derive(Debug)]
pub struct VethPair {
    /// The client's namespace (`/proc/PID/fd/N` of this process names it to `nsenter`).
    pub client_ns: std::os::fd::OwnedFd,
}

impl VethPair {
    pub fn create() -> Result<VethPair, EndpointError> {
        let here = std::process::id().to_string();
        // A thread moves into the new namespace; the commands it starts are born there.
        let client_ns = thread::Builder::new()
            .name("sockeye-veth".into())
            .spawn(move || -> Result<std::os::fd::OwnedFd, EndpointError> {
                crate::sys::new_net_namespace()
                    .map_err(|e| EndpointError::Lab(format!("a second network namespace: {e}")))?;
                quiet_ipv6()?;
                ip(&["link", "set", "lo", "up"])?;
                ip(&[
                    "link", "add", VETH, "type", "veth", "peer", "name", VETH, "netns", &here,
                ])?;
                ip(&["addr", "add", "192.0.2.2/24", "dev", VETH])?;
                ip(&["link", "set", VETH, "up"])?;
                let ns = File::open("/proc/thread-self/ns/net")
                    .map_err(|e| EndpointError::Lab(format!("the client's namespace: {e}")))?;
                Ok(ns.into())
            })
            .map_err(|e| EndpointError::Failed(format!("cannot start thread: {e}")))?
            .join()
            .map_err(|_| EndpointError::Failed("namespace thread panicked".into()))??;
        quiet_ipv6()?;
        ip(&["addr", "add", "192.0.2.1/24", "dev", VETH])?;
        ip(&["link", "set", VETH, "up"])?;
        Ok(VethPair { client_ns })
    }

    /// A path naming the client's namespace for as long as this value lives.
    pub fn client_ns_path(&self) -> String {
        use std::os::fd::AsRawFd;
        format!(
            "/proc/{}/fd/{}",
            std::process::id(),
            self.client_ns.as_raw_fd()
        )
    }
}

/// Turns IPv6 off in the calling thread's namespace before the veth exists: otherwise the
/// links' IPv6 autoconfiguration (MLD reports, router and neighbour solicitations) clutters
/// a lab meant to show one IPv4 exchange. Best effort: a kernel without IPv6 has no knob.
fn quiet_ipv6() -> Result<(), EndpointError> {
    for knob in ["all", "default"] {
        // /proc/sys/net resolves to the namespace of the thread that opens it.
        let _ = std::fs::write(format!("/proc/sys/net/ipv6/conf/{knob}/disable_ipv6"), "1");
    }
    Ok(())
}

/// Removes lab namespaces left by a sockeye that was killed (SIGKILL skips Drop). Only
/// names of our exact shape whose owner pid no longer exists are touched.
fn remove_stale() {
    let Ok(dir) = std::fs::read_dir("/run/netns") else {
        return;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = stale_owner(&name) else {
            continue;
        };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = Command::new("ip").args(["netns", "del", &name]).output();
        }
    }
}

/// The owner pid in `sockeye-a-<pid>-<n>` / `sockeye-b-<pid>-<n>`.
fn stale_owner(name: &str) -> Option<u32> {
    let rest = name
        .strip_prefix("sockeye-a-")
        .or_else(|| name.strip_prefix("sockeye-b-"))?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u32>().ok()?;
    pid.parse().ok()
}

/// Moves the calling thread into namespace `name`.
fn enter(name: &str) -> Result<(), EndpointError> {
    let path = format!("/run/netns/{name}");
    let f = File::open(&path).map_err(|e| EndpointError::Lab(format!("{path}: {e}")))?;
    crate::sys::enter_net_namespace(f.as_fd())
        .map_err(|e| EndpointError::Lab(format!("setns {name}: {e}")))
}

/// Runs `f` on a fresh thread inside namespace `ns` (or in ours when `None`). A fresh thread
/// each time means the caller's thread never changes namespace.
pub fn run_in<T, F>(ns: Option<&str>, f: F) -> Result<T, EndpointError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, EndpointError> + Send + 'static,
{
    let ns = ns.map(str::to_string);
    let h = thread::Builder::new()
        .name("sockeye-ns".into())
        .spawn(move || {
            if let Some(ns) = &ns {
                enter(ns)?;
            }
            f()
        })
        .map_err(|e| EndpointError::Failed(format!("cannot start thread: {e}")))?;
    h.join()
        .map_err(|_| EndpointError::Failed("endpoint thread panicked".into()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_count_as_stale() {
        assert_eq!(stale_owner("sockeye-a-123-0"), Some(123));
        assert_eq!(stale_owner("sockeye-b-9-12"), Some(9));
        assert_eq!(stale_owner("sockeye-a-123"), None);
        assert_eq!(stale_owner("sockeye-c-1-0"), None);
        assert_eq!(stale_owner("other-a-1-0"), None);
    }
}
