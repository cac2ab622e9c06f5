//! Preferences kept between runs, as Wireshark's and termshark's: the UI's choices (visible
//! columns and their widths, time format, theme, name resolution, the
//! default interface) in a TOML file in the XDG config directory
//! (`~/.config/sockeye/preferences.toml`), or a named profile beside it
//! (`profiles/NAME.toml`, `--profile NAME`). Colouring rules are not here: they live in
//! Wireshark's own `colorfilters` format in the same directory, so a Wireshark user's file
//! works as it is (see `tui::app::colouring`).
//!
//! A broken file is never fatal and never overwritten: loading says in one line which file,
//! line and key are wrong and goes on with the defaults; saving refuses to replace a file
//! that did not load. Saving writes a temporary file and renames it over the old one, so a
//! crash mid-save never leaves half a file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Overrides the config directory (tests; users with unusual layouts).
pub const CONFIG_DIR_ENV: &str = "SOCKEYE_CONFIG_DIR";

/// Everything kept between runs. Absent keys keep the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Prefs {
    pub columns: ColumnPrefs,
    /// The time column's format, as tshark's `-t`: r (seconds since the first packet),
    /// d, dd, a, ad, u, ud, e.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_format: Option<String>,
    /// `color` or `mono`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Show names (MAC vendors, services, hosts from the capture's DNS) instead of numbers.
    pub resolve_names: bool,
    /// What a bare `sockeye` captures on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_interface: Option<String>,
}

/// The packet list's columns, by their header text (`No.`, `Time`, `Source`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColumnPrefs {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden: Vec<String>,
    /// Columns hidden by default that the user keeps shown (Interface: shown on its own
    /// only when a capture has more than one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shown: Vec<String>,
    /// Width changes the user made, in cells (positive wider, negative narrower).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub widths: BTreeMap<String, i16>,
}

/// Why preferences could not be read or written. One line each, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum PrefsError {
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: it did not load, so it is kept as it is; fix or remove it to save preferences")]
    Broken(String),
    #[error("profile name {0:?}: use letters, digits, - and _")]
    ProfileName(String),
    #[error("no configuration directory (set HOME or XDG_CONFIG_HOME)")]
    NoDir,
}

/// The preferences of one run and where they live.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub prefs: Prefs,
    pub path: PathBuf,
    /// Why the file did not load (the defaults are in use); saving is refused then.
    pub problem: Option<String>,
}

/// The file for `profile` (the default preferences when `None`).
pub fn path_for(profile: Option<&str>) -> Result<PathBuf, PrefsError> {
    let dir = match std::env::var_os(CONFIG_DIR_ENV) {
        Some(dir) => PathBuf::from(dir),
        None => directories::ProjectDirs::from("", "", "sockeye")
            .ok_or(PrefsError::NoDir)?
            .config_dir()
            .to_path_buf(),
    };
    match profile {
        None => Ok(dir.join("preferences.toml")),
        Some(name)
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok(dir.join("profiles").join(format!("{name}.toml")))
        }
        Some(name) => Err(PrefsError::ProfileName(name.to_string())),
    }
}

/// Parses preferences text; the error names the line and the key or value at fault.
pub fn parse(text: &str, path: &Path) -> Result<Prefs, PrefsError> {
    toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|span| text.get(..span.start).unwrap_or("").matches('\n').count() + 1);
        let message = err.message().trim().replace('\n', " ");
        PrefsError::Parse {
            path: path.display().to_string(),
            message: match line {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            },
        }
    })
}

/// Loads `profile`'s preferences: a missing file is the defaults; a broken one is the
/// defaults plus the problem, to be shown once.
pub fn load(profile: Option<&str>) -> Result<Loaded, PrefsError> {
    Ok(load_path(path_for(profile)?))
}

/// [`load`] from a given file.
pub fn load_path(path: PathBuf) -> Loaded {
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                prefs: Prefs::default(),
                path,
                problem: None,
            }
        }
        Err(source) => {
            return Loaded {
                prefs: Prefs::default(),
                problem: Some(
                    PrefsError::Io {
                        path: path.display().to_string(),
                        source,
                    }
                    .to_string(),
                ),
                path,
            }
        }
    };
    match parse(&text, &path) {
        Ok(prefs) => Loaded {
            prefs,
            path,
            problem: None,
        },
        Err(err) => Loaded {
            prefs: Prefs::default(),
            path,
            problem: Some(format!("{err}; using the defaults")),
        },
    }
}

impl Loaded {
    /// Writes the preferences (temporary file, then rename). Refused when the file did not
    /// load: the user's text is never replaced by defaults.
    pub fn save(&self) -> Result<(), PrefsError> {
        let show = self.path.display().to_string();
        if self.problem.is_some() {
            return Err(PrefsError::Broken(show));
        }
        let io = |source| PrefsError::Io {
            path: show.clone(),
            source,
        };
        let text = toml::to_string_pretty(&self.prefs).map_err(|e| PrefsError::Parse {
            path: show.clone(),
            message: e.to_string(),
        })?;
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(
            &tmp,
            format!("# sockeye preferences (written by sockeye; edit freely)\n{text}"),
        )
        .map_err(io)?;
        std::fs::rename(&tmp, &self.path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Prefs {
        Prefs {
            columns: ColumnPrefs {
                hidden: vec!["Len".into()],
                shown: vec!["Interface".into()],
                widths: BTreeMap::from([("Source".into(), 4), ("Info".into(), -2)]),
            },
            time_format: Some("ad".into()),
            theme: Some("mono".into()),
            resolve_names: true,
            default_interface: Some("eth0".into()),
        }
    }

    #[test]
    fn round_trips_through_toml() {
        let text = toml::to_string_pretty(&sample()).unwrap();
        assert_eq!(parse(&text, Path::new("p.toml")).unwrap(), sample());
        assert_eq!(parse("", Path::new("p.toml")).unwrap(), Prefs::default());
    }

    #[test]
    fn a_broken_file_names_its_line_and_key() {
        let text = "resolve_names = true\n\n[columns]\nhidden = \"Len\"\n";
        let err = parse(text, Path::new("/x/p.toml")).unwrap_err().to_string();
        assert!(err.starts_with("/x/p.toml: line 4:"), "{err}");
        assert!(err.contains("sequence") || err.contains("array"), "{err}");
        let err = parse("colour = 1\n", Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1") && err.contains("colour"), "{err}");
        let err = parse("time_format = \n", Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn saved_preferences_load_back_and_a_broken_file_is_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("sockeye-prefs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("profiles").join("class.toml");
        let mut loaded = load_path(path.clone());
        assert_eq!(loaded.prefs, Prefs::default());
        assert!(loaded.problem.is_none());
        loaded.prefs = sample();
        loaded.save().unwrap();
        assert_eq!(load_path(path.clone()).prefs, sample());

        let broken = "time_format = \"ad\"\nzoom = yes\n";
        std::fs::write(&path, broken).unwrap();
        let loaded = load_path(path.clone());
        assert_eq!(loaded.prefs, Prefs::default());
        let problem = loaded.problem.clone().unwrap();
        assert!(
            problem.contains("class.toml: line 2") && problem.contains("defaults"),
            "{problem}"
        );
        assert!(loaded.save().is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn profile_names_cannot_leave_the_directory() {
        for bad in ["../x", "a/b", "", ".hidden", "x y"] {
            assert!(path_for(Some(bad)).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        /// Any text in the file is either preferences or one error line, never a panic.
        #[test]
        fn any_text_parses_or_fails_cleanly(text in "[ -~\n]{0,200}") {
            if let Err(err) = parse(&text, Path::new("p.toml")) {
                proptest::prop_assert!(!err.to_string().contains('\n'));
            }
        }
    }
}
