//! The input/output flags validated into the commands' options: a remote source, live
//! capture options, the UI's filters and preferences.

use super::*;

impl IoArgs {
    /// A remote source (`-i ssh://…`, `k8s://…`, `cmd://…`), validated.
    pub(super) fn remote(&self) -> anyhow::Result<Option<(RemoteSpec, RemoteOptions)>> {
        let Some(spec) = self
            .single_interface()
            .filter(|i| crate::source::is_remote(i))
        else {
            return Ok(None);
        };
        let spec = RemoteSpec::parse(spec)?;
        Ok(Some((spec, self.remote_options()?)))
    }

    /// How remote producers are run; the BPF filter is checked before it can reach a
    /// command line.
    pub(super) fn remote_options(&self) -> anyhow::Result<RemoteOptions> {
        if let Some(filter) = &self.remote_filter {
            crate::source::remote::check_bpf(filter)?;
        }
        Ok(RemoteOptions {
            ssh: self.ssh_command.clone(),
            kubectl: self.kubectl_command.clone(),
            remote_command: self.remote_capture_command.clone(),
            remote_filter: self.remote_filter.clone(),
        })
    }

    /// The one `-i`, when exactly one was given.
    pub(super) fn single_interface(&self) -> Option<&str> {
        match self.interface.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Several inputs (`-r` and `-i` counted together): merged by time.
    pub(super) fn is_merge(&self) -> bool {
        self.read.len() + self.interface.len() > 1
    }

    /// The inputs of a merge, in the order given: files first, then interfaces.
    pub(super) fn merge_job(&self) -> anyhow::Result<cmd::merge::MergeJob> {
        let mut inputs: Vec<cmd::merge::Input> = self
            .read
            .iter()
            .map(|path| cmd::merge::Input::File(path.clone()))
            .collect();
        for spec in &self.interface {
            inputs.push(if spec == "-" {
                cmd::merge::Input::File("-".into())
            } else if crate::source::is_remote(spec) {
                cmd::merge::Input::Remote(RemoteSpec::parse(spec)?)
            } else {
                cmd::merge::Input::Interface(spec.clone())
            });
        }
        if inputs
            .iter()
            .filter(|i| matches!(i, cmd::merge::Input::File(p) if p == "-"))
            .count()
            > 1
        {
            anyhow::bail!("standard input (-) can be read only once");
        }
        Ok(cmd::merge::MergeJob {
            inputs,
            follow: self.follow,
            // Every interface gets the same flags; -f (a filter sockeye evaluates on each
            // frame) applies to the merged stream, so to every source alike.
            capture: self.capture_options_for(String::new()),
            remote: self.remote_options()?,
        })
    }

    /// The capture file to read: `-r FILE`, or `-i -` (standard input, as Wireshark).
    pub(super) fn read_path(&self) -> Option<String> {
        match (self.read.as_slice(), self.single_interface()) {
            ([one], _) => Some(one.clone()),
            ([], Some("-")) => Some("-".to_string()),
            _ => None,
        }
    }

    /// Validated live-capture options; `None` unless one `-i` was given.
    pub fn capture_options(&self) -> Option<CaptureOptions> {
        Some(self.capture_options_for(self.single_interface()?.to_string()))
    }

    /// The live-capture flags applied to `interface`.
    pub(super) fn capture_options_for(&self, interface: String) -> CaptureOptions {
        CaptureOptions {
            interface,
            count: self.count,
            write: self.write.clone(),
            snaplen: self.snaplen,
            promiscuous: !self.no_promiscuous,
            backend: self.backend.into(),
            buffer_mib: self.buffer_mib,
            store_limit_mib: self.store_limit_mib,
        }
    }

    /// The command-line filters, compiled (for the UI).
    pub(super) fn ui_filters(&self) -> anyhow::Result<UiFilters> {
        Ok(UiFilters {
            display: validate::compile_filter("-Y", self.display_filter.as_deref())?,
            capture: validate::compile_filter("-f", self.capture_filter.as_deref())?,
            time_format: self.time_format,
            anonymize: self.anonymize,
            prefs: self.prefs()?,
        })
    }

    /// The UI's preferences: `--profile NAME`'s file or the default one. A bad profile
    /// name is an error; no config directory means none (the defaults, nothing to save).
    pub(super) fn prefs(&self) -> anyhow::Result<Option<crate::prefs::Loaded>> {
        match crate::prefs::load(self.profile.as_deref()) {
            Ok(loaded) => Ok(Some(loaded)),
            Err(crate::prefs::PrefsError::NoDir) => Ok(None),
            Err(err) => Err(anyhow::anyhow!("--profile: {err}")),
        }
    }
}
