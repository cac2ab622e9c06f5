//! Capabilities for live capture: check (and if need be raise) CAP_NET_RAW before opening
//! the socket, then give up everything right after — as tcpdump does with `-Z`. A bug in a
//! decoder then runs without the right to open raw sockets or to act as root.
//!
//! Capabilities are per thread on Linux; this runs while sockeye is still single-threaded
//! (before any UI or engine thread exists), so the whole process ends up without them.

use caps::{CapSet, Capability};

/// The one message shown when capture is not allowed.
pub const HOW_TO_GRANT: &str = "grant it once with `sudo setcap cap_net_raw,cap_net_admin=eip \
$(which sockeye)`, or run `make demo` to try sockeye in a private user+network namespace";

#[derive(Debug, thiserror::Error)]
pub enum PrivilegeError {
    #[error("capturing on {iface} needs CAP_NET_RAW, which this process lacks: {HOW_TO_GRANT}")]
    Missing { iface: String },
    #[error("cannot drop privileges after opening the capture: {0}")]
    Drop(String),
}

/// Makes sure CAP_NET_RAW is effective, raising it (and CAP_NET_ADMIN, used for
/// promiscuous mode on some drivers) from the permitted set when a file capability put it
/// there without `e`.
pub fn ensure_capture_capability(iface: &str) -> Result<(), PrivilegeError> {
    let has = |set| caps::has_cap(None, set, Capability::CAP_NET_RAW).unwrap_or(false);
    if has(CapSet::Effective) {
        return Ok(());
    }
    if has(CapSet::Permitted)
        && caps::raise(None, CapSet::Effective, Capability::CAP_NET_RAW).is_ok()
    {
        if caps::has_cap(None, CapSet::Permitted, Capability::CAP_NET_ADMIN).unwrap_or(false) {
            // Optional: promiscuous mode works without it on most drivers.
            let _ = caps::raise(None, CapSet::Effective, Capability::CAP_NET_ADMIN);
        }
        return Ok(());
    }
    Err(PrivilegeError::Missing {
        iface: iface.to_string(),
    })
}

/// What dropping did, for the caller to mention if it wants to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DropReport {
    /// The (uid, gid) we switched to because we were started via sudo.
    pub switched_to: Option<(u32, u32)>,
    /// Why a sudo user switch was skipped (its ids are not mapped in this user namespace).
    pub note: Option<String>,
}

/// Called right after the capture socket is open: when running as root through sudo,
/// become the invoking user (supplementary groups, gid, uid — in that order, since each
/// step needs the privilege the next removes), then clear every capability set.
pub fn drop_privileges() -> Result<DropReport, PrivilegeError> {
    let mut report = DropReport::default();
    if crate::sys::is_root() {
        if let Some((uid, gid)) = sudo_ids() {
            match crate::sys::switch_user(uid, gid) {
                Ok(()) => report.switched_to = Some((uid, gid)),
                // EINVAL/EPERM: the sudo user has no mapping in this user namespace, or the
                // namespace forbids setgroups (e.g. `make demo` under sudo). We stay uid 0 of
                // the namespace, but without any capability.
                Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::EPERM)) => {
                    report.note = Some(format!(
                        "not switching to uid {uid}: {e} (inside a user namespace?)"
                    ));
                }
                Err(e) => return Err(PrivilegeError::Drop(format!("switching to uid {uid}: {e}"))),
            }
        }
    }
    // Ambient first (a prctl, always allowed), then effective ⊆ inheritable/permitted order
    // so every intermediate state is one the kernel accepts.
    let _ = caps::clear(None, CapSet::Ambient);
    for set in [CapSet::Effective, CapSet::Inheritable, CapSet::Permitted] {
        caps::clear(None, set).map_err(|e| PrivilegeError::Drop(format!("{set:?}: {e}")))?;
    }
    let left = caps::read(None, CapSet::Permitted)
        .map_err(|e| PrivilegeError::Drop(format!("reading capabilities back: {e}")))?;
    if !left.is_empty() {
        return Err(PrivilegeError::Drop(format!("still permitted: {left:?}")));
    }
    Ok(report)
}

fn sudo_ids() -> Option<(u32, u32)> {
    let uid = std::env::var("SUDO_UID").ok()?.parse().ok()?;
    let gid = std::env::var("SUDO_GID").ok()?.parse().ok()?;
    // sudo from root to root: nothing to switch to.
    (uid != 0).then_some((uid, gid))
}
