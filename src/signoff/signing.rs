//! Signing with the tester's own SSH key: which key, reading it (asking for its passphrase
//! when it has one), and making an SSHSIG signature — with the ssh-key crate, or through
//! `ssh-keygen -Y sign` (the way git does it) when the key lives in an agent or on hardware.
//! Private key material stays in memory and is never written anywhere.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};
use zeroize::Zeroizing;

use super::ecdsa_repair;
use super::statement::NAMESPACE;
use crate::config::Config;
use crate::fsutil::expand_home;

/// A key ready to sign.
pub enum Key {
    /// A private key read (and decrypted) here.
    Private(Box<PrivateKey>),
    /// A public key whose private half `ssh-keygen` finds (an agent, a hardware key).
    ThroughSshKeygen { public: PublicKey, path: PathBuf },
}

impl Key {
    /// The public half.
    pub fn public(&self) -> &PublicKey {
        match self {
            Key::Private(key) => key.public_key(),
            Key::ThroughSshKeygen { public, .. } => public,
        }
    }

    /// `SHA256:…`, as `ssh-keygen -l` prints it.
    pub fn fingerprint(&self) -> String {
        self.public().fingerprint(HashAlg::Sha256).to_string()
    }

    /// An armored SSHSIG signature (namespace `greenlight-signoff`, SHA-512) over `message`.
    pub fn sign(&self, message: &[u8]) -> Result<String> {
        let armored = match self {
            Key::Private(key) => key
                .sign(NAMESPACE, HashAlg::Sha512, message)
                .context("cannot sign with this key")?
                .to_pem(LineEnding::LF)
                .context("cannot encode the signature")?,
            Key::ThroughSshKeygen { path, .. } => sign_with_ssh_keygen(path, message)?,
        };
        // Check what was made before anyone relies on it.
        let signature = SshSig::from_pem(&armored).context("the signature made cannot be read")?;
        self.public()
            .verify(NAMESPACE, message, &signature)
            .context("the signature made does not verify with the key's public half")?;
        Ok(armored)
    }
}

/// The key to sign with: `--key`, else `signing_key` in the config, else git's
/// `user.signingkey` when git signs with SSH, else `~/.ssh/id_ed25519`.
pub fn find_key_path(flag: Option<&Path>, config: &Config) -> Result<PathBuf> {
    if let Some(path) = flag {
        return Ok(expand_home(path));
    }
    if let Some(path) = &config.signing_key {
        return Ok(expand_home(path));
    }
    if crate::git::config_value("gpg.format").as_deref() == Some("ssh")
        && let Some(key) = crate::git::config_value("user.signingkey")
    {
        if key.starts_with("key::") || key.starts_with("ssh-") {
            bail!(
                "git's user.signingkey holds a key literally; save it to a .pub file and pass --key FILE.pub"
            );
        }
        return Ok(expand_home(Path::new(&key)));
    }
    let default = expand_home(Path::new("~/.ssh/id_ed25519"));
    if default.exists() {
        return Ok(default);
    }
    if let Some(key) = crate::git::config_value("user.signingkey") {
        bail!(
            "no SSH key to sign with: git's user.signingkey is `{}`, but git signs with GPG \
             here (gpg.format is not ssh); run `git config gpg.format ssh` if that is your SSH \
             key, or pass --key PATH",
            crate::untrusted::one_line(&key)
        );
    }
    bail!(
        "no SSH key to sign with: pass --key PATH (a private key, or a .pub whose key is in your \
         ssh-agent), set `signing_key:` in greenlight's config.yaml, or make one with \
         `ssh-keygen -t ed25519`"
    )
}

/// How many passphrases are tried before greenlight gives up on a key.
pub const PASSPHRASE_TRIES: usize = 3;

/// A key file as read: ready to sign, or waiting for the passphrase that decrypts it.
pub enum KeyFile {
    Ready(Key),
    Locked(Box<LockedKey>),
}

/// An encrypted private key, read and not yet decrypted: its public half is known, so who
/// it is can be checked before anyone is asked for a passphrase.
pub struct LockedKey {
    path: PathBuf,
    pem: Zeroizing<Vec<u8>>,
    encrypted: PrivateKey,
}

/// Why a passphrase did not unlock a key.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    /// The passphrase is not this key's: try again.
    #[error("wrong passphrase for {0}")]
    WrongPassphrase(String),
    /// The key cannot be decrypted whatever the passphrase.
    #[error(transparent)]
    Unreadable(#[from] anyhow::Error),
}

impl LockedKey {
    /// The key's public half.
    pub fn public(&self) -> &PublicKey {
        self.encrypted.public_key()
    }

    /// Where the key was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key, decrypted with `passphrase`. ECDSA keys whose private scalar ssh-key refuses
    /// as too short are repaired in memory (see [`ecdsa_repair`]).
    pub fn unlock(&self, passphrase: &[u8]) -> Result<Key, UnlockError> {
        let wrong = || UnlockError::WrongPassphrase(self.path.display().to_string());
        let key = match self.encrypted.decrypt(passphrase) {
            Ok(key) => key,
            // A wrong passphrase: the checkints differ or the authentication tag does not
            // match.
            Err(ssh_key::Error::Crypto) => return Err(wrong()),
            Err(error) if self.encrypted.algorithm().is_ecdsa() => {
                match ecdsa_repair::decrypt(&self.pem, passphrase) {
                    Ok(key) => key,
                    Err(ecdsa_repair::RepairError::WrongPassphrase) => return Err(wrong()),
                    Err(_) => {
                        return Err(UnlockError::Unreadable(
                            anyhow::Error::from(error).context(unreadable(&self.path)),
                        ));
                    }
                }
            }
            Err(error) => {
                return Err(UnlockError::Unreadable(
                    anyhow::Error::from(error).context(unreadable(&self.path)),
                ));
            }
        };
        Ok(Key::Private(Box::new(key)))
    }
}

fn unreadable(path: &Path) -> String {
    format!(
        "cannot read the SSH private key {} (an OpenSSH key is expected; for a key in an agent, pass its .pub)",
        path.display()
    )
}

/// Reads the key at `path`: a `.pub` means "sign through ssh-keygen" (the way git does it,
/// for a key in an agent or on hardware); a private key is ready, or locked by a passphrase.
pub fn read_key(path: &Path) -> Result<KeyFile> {
    if path.extension().is_some_and(|ext| ext == "pub") {
        let public = PublicKey::read_openssh_file(path)
            .with_context(|| format!("cannot read the public key {}", path.display()))?;
        return Ok(KeyFile::Ready(Key::ThroughSshKeygen {
            public,
            path: path.to_path_buf(),
        }));
    }
    let pem = Zeroizing::new(std::fs::read(path).with_context(|| unreadable(path))?);
    let key = match PrivateKey::from_openssh(&*pem) {
        Ok(key) => key,
        Err(error) => match ecdsa_repair::load_unencrypted(&pem) {
            Ok(key) => key,
            Err(_) => return Err(error).with_context(|| unreadable(path)),
        },
    };
    if !key.is_encrypted() {
        return Ok(KeyFile::Ready(Key::Private(Box::new(key))));
    }
    Ok(KeyFile::Locked(Box::new(LockedKey {
        path: path.to_path_buf(),
        pem,
        encrypted: key,
    })))
}

/// The public half of the key at `path`, read without asking for any passphrase: to say
/// before signing whether the allowed-signers file lists it.
pub fn public_key_of(path: &Path) -> Result<PublicKey> {
    Ok(match read_key(path)? {
        KeyFile::Ready(key) => key.public().clone(),
        KeyFile::Locked(locked) => locked.public().clone(),
    })
}

/// Reads the OpenSSH private key at `path`, calling `passphrase` (once, and only if the key
/// is encrypted) for the passphrase that decrypts it.
pub fn load_private_key(
    path: &Path,
    passphrase: impl FnOnce() -> Result<Zeroizing<String>>,
) -> Result<Key> {
    match read_key(path)? {
        KeyFile::Ready(key) => Ok(key),
        KeyFile::Locked(locked) => Ok(locked.unlock(passphrase()?.as_bytes())?),
    }
}

fn sign_with_ssh_keygen(public: &Path, message: &[u8]) -> Result<String> {
    let mut child = Command::new("ssh-keygen")
        .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(public)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run ssh-keygen to sign (is OpenSSH installed?)")?;
    child
        .stdin
        .take()
        .context("cannot write to ssh-keygen")?
        .write_all(message)
        .context("cannot write to ssh-keygen")?;
    let output = child.wait_with_output().context("ssh-keygen failed")?;
    let armored = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() || !armored.contains("BEGIN SSH SIGNATURE") {
        bail!(
            "ssh-keygen could not sign with {}: {}",
            public.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(armored)
}
