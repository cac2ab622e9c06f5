//! Preferences in the UI: the file's choices applied when the UI opens, and the UI's
//! choices (columns, widths, time format, name resolution, the interface picked) written
//! back by `W`.
//! Reading and writing the file, and what happens to a broken one, live in `crate::prefs`.

use super::columns::Column;
use super::App;
use crate::headless::TimeFormat;
use crate::prefs::Loaded;

/// A column by the name a preferences file gives it: the header text, or Wireshark's
/// longer title for the two the list abbreviates, in any case.
fn column_named(name: &str) -> Option<Column> {
    let name = name.trim();
    Column::ALL.into_iter().find(|c| {
        c.title().eq_ignore_ascii_case(name)
            || match c {
                Column::Protocol => name.eq_ignore_ascii_case("Protocol"),
                Column::Length => name.eq_ignore_ascii_case("Length"),
                _ => false,
            }
    })
}

impl App {
    /// Opens with `loaded`'s choices. `-t` on the command line (`cli_time`) wins over the
    /// file's time format. What the file says that the UI cannot use is named in the status
    /// line, once, as is a file that did not load.
    pub(super) fn apply_prefs(&mut self, loaded: Loaded, cli_time: bool) {
        let mut unusable = Vec::new();
        let p = &loaded.prefs;
        for name in &p.columns.hidden {
            match column_named(name) {
                Some(c) => self.columns.hidden[c.index()] = true,
                None => unusable.push(format!("columns.hidden: no column {name:?}")),
            }
        }
        for name in &p.columns.shown {
            match column_named(name) {
                Some(c) => self.columns.hidden[c.index()] = false,
                None => unusable.push(format!("columns.shown: no column {name:?}")),
            }
        }
        // Named either way, the Interface column no longer follows the capture.
        if [&p.columns.hidden, &p.columns.shown].iter().any(|names| {
            names
                .iter()
                .any(|n| column_named(n) == Some(Column::Interface))
        }) {
            self.columns.interface_auto = false;
        }
        if self.columns.hidden.iter().all(|h| *h) {
            // The list always keeps a column, as the `c` key does.
            self.columns.hidden[Column::Info.index()] = false;
        }
        for (name, extra) in &p.columns.widths {
            match column_named(name) {
                Some(c) => self.columns.extra[c.index()] = *extra,
                None => unusable.push(format!("columns.widths: no column {name:?}")),
            }
        }
        if let Some(name) = &p.time_format {
            match TimeFormat::from_tshark(name) {
                Some(t) if !cli_time => self.columns.time = t,
                Some(_) => {}
                None => unusable.push(format!("time_format: {name:?} is not r d dd a ad u ud e")),
            }
        }
        self.set_resolve_names(p.resolve_names);
        match p.theme.as_deref() {
            None | Some("color") => {}
            Some("mono") => self.no_color = true,
            Some(other) => unusable.push(format!("theme: {other:?} is not color or mono")),
        }
        self.message = match (&loaded.problem, unusable.is_empty()) {
            (Some(problem), _) => Some(problem.clone()),
            (None, false) => Some(format!(
                "{}: {} (ignored)",
                loaded.path.display(),
                unusable.join("; ")
            )),
            (None, true) => self.message.take(),
        };
        self.prefs = Some(loaded);
    }

    /// `W`: writes the columns, their widths and the time format the UI shows now (and the
    /// interface last picked) to the session's preferences file. The file's other keys are
    /// kept as they were; a file that did not load is never replaced.
    pub(super) fn save_prefs(&mut self) {
        let Some(loaded) = &mut self.prefs else {
            self.message = Some("no preferences file in this session (no config directory)".into());
            return;
        };
        let mut next = loaded.clone();
        // The Process column hidden because this session cannot name processes is the
        // session's default, not a choice: saving it would hide the column from the next
        // live capture too. Hidden where it would show, or hidden in the file already, is.
        let process_hidden_by_choice = self.process_by_default
            || loaded
                .prefs
                .columns
                .hidden
                .iter()
                .any(|name| column_named(name) == Some(Column::Process));
        // A column that follows the capture (Interface, until the user chose) is saved
        // neither hidden nor shown, so it keeps following.
        let chosen = |c: &Column| *c != Column::Interface || !self.columns.interface_auto;
        next.prefs.columns.hidden = Column::ALL
            .into_iter()
            .filter(|c| !self.columns.shown(*c) && chosen(c))
            .filter(|c| *c != Column::Process || process_hidden_by_choice)
            .map(|c| c.title().to_string())
            .collect();
        next.prefs.columns.shown = [Column::Interface]
            .into_iter()
            .filter(|c| self.columns.shown(*c) && chosen(c))
            .map(|c| c.title().to_string())
            .collect();
        next.prefs.columns.widths = Column::ALL
            .into_iter()
            .filter(|c| self.columns.extra(*c) != 0)
            .map(|c| (c.title().to_string(), self.columns.extra(c)))
            .collect();
        next.prefs.time_format = Some(self.columns.time.tshark_name().to_string());
        next.prefs.resolve_names = self.resolve_names;
        self.message = Some(match next.save() {
            Ok(()) => {
                let shown = format!("preferences saved to {}", next.path.display());
                *loaded = next;
                shown
            }
            Err(err) => format!("preferences not saved: {err}"),
        });
    }

    /// The interface picker's choice becomes the default interface `W` saves.
    pub(super) fn remember_interface(&mut self, name: &str) {
        if let Some(loaded) = &mut self.prefs {
            loaded.prefs.default_interface = Some(name.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::column_named;
    use crate::tui::app::columns::Column;

    #[test]
    fn columns_by_header_or_wireshark_title() {
        assert_eq!(column_named("Proto"), Some(Column::Protocol));
        assert_eq!(column_named("protocol"), Some(Column::Protocol));
        assert_eq!(column_named("Length"), Some(Column::Length));
        assert_eq!(column_named(" Time "), Some(Column::Time));
        assert_eq!(column_named("No."), Some(Column::No));
        assert_eq!(column_named("Colour"), None);
    }
}
