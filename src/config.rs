//! Where greenlight keeps its data and reads its configuration, and what it reads there.
//!
//! Data goes to the platform's data folder (`~/.local/share/greenlight` on Linux) unless
//! `--home DIR` or `GREENLIGHT_HOME` says otherwise; tests always say otherwise. The config
//! file is `config.yaml` in the platform's config folder, or in the home given, or wherever
//! `GREENLIGHT_CONFIG` points.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The folders and files greenlight uses on this machine.
#[derive(Debug, Clone)]
pub struct Paths {
    /// Holds `runs/`.
    pub home: PathBuf,
    /// `config.yaml`, which may not exist.
    pub config_file: PathBuf,
}

impl Paths {
    /// Works the paths out from `--home` (or `GREENLIGHT_HOME`, which clap folds into it).
    pub fn discover(home: Option<PathBuf>) -> Result<Paths> {
        let config_override = std::env::var_os("GREENLIGHT_CONFIG").map(PathBuf::from);
        if let Some(home) = home {
            let config_file = config_override.unwrap_or_else(|| home.join("config.yaml"));
            return Ok(Paths { home, config_file });
        }
        let dirs = directories::ProjectDirs::from("", "", "greenlight").context(
            "cannot find a home folder for greenlight's data; set GREENLIGHT_HOME or pass --home DIR",
        )?;
        Ok(Paths {
            home: dirs.data_dir().to_path_buf(),
            config_file: config_override.unwrap_or_else(|| dirs.config_dir().join("config.yaml")),
        })
    }
}

/// The settings a user may keep in `config.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `Name <email>`, used when `--tester` is not given.
    #[serde(default)]
    pub tester: Option<String>,
    /// The SSH key that signs sign-offs, used when `--key` is not given.
    #[serde(default)]
    pub signing_key: Option<PathBuf>,
    /// The largest evidence file attached, in MB [default: 50].
    #[serde(default)]
    pub evidence_max_mb: Option<u64>,
    /// A shell command that takes a screenshot and writes it to `{file}`, run by the walk's
    /// `c` key (README: Screenshots).
    #[serde(default)]
    pub capture: Option<String>,
    /// `false` turns off starting browsers with a checklist's `launch` commands (`x`).
    #[serde(default)]
    pub launch: Option<bool>,
}

impl Config {
    /// The largest evidence file attached, in bytes.
    pub fn evidence_limit(&self) -> u64 {
        self.evidence_max_mb
            .map_or(crate::evidence::DEFAULT_LIMIT, |mb| {
                mb.saturating_mul(1_000_000)
            })
    }
}

impl Config {
    /// Reads the config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(Config::default());
            }
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_yaml::from_str(&text).with_context(|| {
            format!(
                "{} is not a valid greenlight config (keys: tester, signing_key, evidence_max_mb, capture, launch)",
                path.display()
            )
        })
    }
}

/// A person, as `Name <email>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tester {
    pub name: String,
    pub email: String,
}

impl Tester {
    /// Parses `Name <email>`.
    pub fn parse(text: &str) -> Result<Tester> {
        let text = text.trim();
        let parsed = text
            .strip_suffix('>')
            .and_then(|rest| rest.rsplit_once('<'))
            .map(|(name, email)| (name.trim(), email.trim()));
        match parsed {
            Some((name, email))
                if !name.is_empty()
                    && email.contains('@')
                    && !email.contains(char::is_whitespace)
                    && !text.contains(['\n', '\r']) =>
            {
                Ok(Tester {
                    name: name.to_string(),
                    email: email.to_string(),
                })
            }
            _ => bail!("tester `{text}` is not of the form `Name <email@example.com>`"),
        }
    }

    /// Who is testing: `--tester`, else the config file, else git's user.name and user.email.
    pub fn find(flag: Option<&str>, config: &Config, config_file: &Path) -> Result<Tester> {
        if let Some(text) = flag {
            return Tester::parse(text).context("in --tester");
        }
        if let Some(text) = &config.tester {
            return Tester::parse(text).with_context(|| format!("in {}", config_file.display()));
        }
        let name = crate::git::config_value("user.name");
        let email = crate::git::config_value("user.email");
        if let (Some(name), Some(email)) = (name, email) {
            return Tester::parse(&format!("{name} <{email}>"))
                .context("in git's user.name and user.email");
        }
        bail!(
            "who is testing? pass --tester \"Name <email>\", or put `tester: \"Name <email>\"` in {}, \
             or set git's identity with `git config --global user.name …` and `user.email …`",
            config_file.display()
        )
    }
}

impl std::fmt::Display for Tester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_name_and_email() {
        let t = Tester::parse("  Ada Lovelace <ada@example.com> ").unwrap();
        assert_eq!(t.name, "Ada Lovelace");
        assert_eq!(t.email, "ada@example.com");
        assert_eq!(t.to_string(), "Ada Lovelace <ada@example.com>");
    }

    #[test]
    fn refuses_what_is_not_name_and_email() {
        for bad in [
            "ada@example.com",
            "Ada <>",
            "<ada@example.com>",
            "Ada <ada example.com>",
            "Ada <a@b>\nx",
        ] {
            assert!(Tester::parse(bad).is_err(), "{bad}");
        }
    }
}
