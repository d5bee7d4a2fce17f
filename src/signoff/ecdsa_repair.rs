//! Reading ECDSA private keys whose private scalar `ssh-keygen` wrote shorter than the curve.
//!
//! Why this exists (#20): `ssh-key` 0.7.0-rc.11 refuses an ECDSA private scalar stored in
//! fewer than 32 bytes — `src/private/ecdsa.rs`, `impl Decode for EcdsaPrivateKey`,
//! `const MIN_SIZE: usize = 32` (upstream master still has it). `ssh-keygen` writes the scalar
//! as an SSH `mpint`, which drops leading zero bytes, so one P-256 key in 256 stores it in 31
//! bytes and one in 65,536 in 30. For such a key `PrivateKey::from_openssh` fails with "length
//! invalid", and `PrivateKey::decrypt` fails for the right passphrase — while
//! `ssh-keygen -Y sign` signs with the same file.
//!
//! The repair works on the key in memory only: decode the PEM to the `openssh-key-v1`
//! structure (OpenSSH's PROTOCOL.key), decrypt the private section when it is encrypted (with
//! ssh-key's own KDF and cipher), left-pad the scalar to the curve's size, and rebuild an
//! unencrypted `openssh-key-v1` (cipher and KDF `none`, block size 8) that ssh-key parses —
//! with every check it makes on any key (checkints, padding, private part matching the public
//! key) — into the `PrivateKey` used to sign. P-384 and P-521 scalars go through the same
//! padding: the same `MIN_SIZE` applies to them, though a scalar short enough to trip it there
//! (16 or more leading zero bytes) is not to be met in practice.
//!
//! Every buffer holding key material is zeroized when dropped. Delete this module once
//! ssh-key accepts short scalars.

use base64::Engine;
use ssh_key::cipher::Tag;
use ssh_key::{Cipher, PrivateKey};
use zeroize::Zeroizing;

/// Why a key could not be repaired.
#[derive(Debug, thiserror::Error)]
pub enum RepairError {
    /// The private section does not decrypt with this passphrase.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// Not an ECDSA key: this module has nothing to repair.
    #[error("not an ECDSA key")]
    NotEcdsa,
    /// The bytes are not an OpenSSH private key as PROTOCOL.key describes it.
    #[error("not a well-formed OpenSSH private key: {0}")]
    Malformed(&'static str),
    /// ssh-key refuses the key even repaired.
    #[error(transparent)]
    Key(#[from] ssh_key::Error),
}

const AUTH_MAGIC: &[u8] = b"openssh-key-v1\0";
const PEM_BEGIN: &[u8] = b"-----BEGIN OPENSSH PRIVATE KEY-----";
const PEM_END: &[u8] = b"-----END OPENSSH PRIVATE KEY-----";
/// The block size of cipher `none`, the one the rebuilt key uses.
const BLOCK_SIZE: usize = 8;
const TAG_SIZE: usize = 16;
/// The most padding a private section may have: up to a block of the largest cipher block
/// size, 16 (PuTTYgen pads unencrypted keys to 16 and always adds some), as ssh-key allows.
const MAX_PADDING: usize = 16;

/// Reads an unencrypted OpenSSH ECDSA private key (the file's text) that ssh-key refuses for
/// its short scalar.
pub fn load_unencrypted(pem: &[u8]) -> Result<PrivateKey, RepairError> {
    let raw = decode_pem(pem)?;
    let container = Container::parse(&raw)?;
    if container.ciphername != b"none" {
        return Err(RepairError::Malformed("the key is encrypted"));
    }
    if container.kdfname != b"none" || !container.kdfoptions.is_empty() {
        return Err(RepairError::Malformed("an unencrypted key names a KDF"));
    }
    let section = repair_section(container.private)?;
    load(container.public, &section)
}

/// Decrypts an encrypted OpenSSH ECDSA private key (the file's text) with `passphrase` and
/// reads it, short scalar and all.
pub fn decrypt(pem: &[u8], passphrase: &[u8]) -> Result<PrivateKey, RepairError> {
    // ssh-key parses an encrypted key's outer structure (it keeps the ciphertext): its KDF
    // and cipher are the ones to decrypt with.
    let encrypted = PrivateKey::from_openssh(pem)?;
    if !encrypted.is_encrypted() {
        return Err(RepairError::Malformed("the key is not encrypted"));
    }
    if !encrypted.algorithm().is_ecdsa() {
        return Err(RepairError::NotEcdsa);
    }
    let raw = decode_pem(pem)?;
    let container = Container::parse(&raw)?;
    let cipher = encrypted.cipher();
    if encrypted.key_data().encrypted() != Some(container.private) {
        return Err(RepairError::Malformed(
            "the private section is not the one ssh-key read",
        ));
    }
    let tag = match (cipher.has_tag(), container.tag) {
        (true, Some(tag)) => Some(Tag::from(tag)),
        (false, None) => None,
        _ => return Err(RepairError::Malformed("authentication tag")),
    };
    let (key, iv) = encrypted.kdf().derive_key_and_iv(cipher, passphrase)?;
    let mut plain = Zeroizing::new(container.private.to_vec());
    cipher
        .decrypt(&key, &iv, &mut plain, tag)
        .map_err(|_| RepairError::WrongPassphrase)?;
    if plain.len() % cipher.block_size() != 0 {
        return Err(RepairError::Malformed(
            "the private section is not whole blocks",
        ));
    }
    let section = repair_section(&plain)?;
    load(container.public, &section)
}

/// The base64 body of an `OPENSSH PRIVATE KEY` PEM document, decoded.
fn decode_pem(pem: &[u8]) -> Result<Zeroizing<Vec<u8>>, RepairError> {
    let mut lines = pem.split(|&byte| byte == b'\n').map(<[u8]>::trim_ascii);
    if !lines.by_ref().any(|line| line == PEM_BEGIN) {
        return Err(RepairError::Malformed("no BEGIN OPENSSH PRIVATE KEY line"));
    }
    let mut body = Zeroizing::new(Vec::with_capacity(pem.len()));
    let mut ended = false;
    for line in lines.by_ref() {
        if line == PEM_END {
            ended = true;
            break;
        }
        body.extend_from_slice(line);
    }
    if !ended {
        return Err(RepairError::Malformed("no END OPENSSH PRIVATE KEY line"));
    }
    if lines.any(|line| !line.is_empty()) {
        return Err(RepairError::Malformed("text after the END line"));
    }
    let engine = base64::engine::general_purpose::STANDARD;
    let mut raw = Zeroizing::new(vec![0u8; base64::decoded_len_estimate(body.len())]);
    let len = engine
        .decode_slice(&*body, &mut raw)
        .map_err(|_| RepairError::Malformed("the body is not base64"))?;
    raw.truncate(len);
    Ok(raw)
}

/// The parts of an `openssh-key-v1` structure, borrowed from its bytes.
struct Container<'a> {
    ciphername: &'a [u8],
    kdfname: &'a [u8],
    kdfoptions: &'a [u8],
    public: &'a [u8],
    /// The private section: plain, or ciphertext when `ciphername` is not `none`.
    private: &'a [u8],
    tag: Option<[u8; TAG_SIZE]>,
}

impl<'a> Container<'a> {
    fn parse(raw: &'a [u8]) -> Result<Container<'a>, RepairError> {
        let mut reader = raw
            .strip_prefix(AUTH_MAGIC)
            .ok_or(RepairError::Malformed("not openssh-key-v1"))?;
        let ciphername = string(&mut reader)?;
        let kdfname = string(&mut reader)?;
        let kdfoptions = string(&mut reader)?;
        if uint32(&mut reader)? != 1 {
            return Err(RepairError::Malformed("not exactly one key"));
        }
        let public = string(&mut reader)?;
        let private = string(&mut reader)?;
        let tag = match reader.len() {
            0 => None,
            TAG_SIZE => {
                let mut tag = [0u8; TAG_SIZE];
                tag.copy_from_slice(reader);
                Some(tag)
            }
            _ => return Err(RepairError::Malformed("trailing bytes")),
        };
        Ok(Container {
            ciphername,
            kdfname,
            kdfoptions,
            public,
            private,
            tag,
        })
    }
}

/// The plain private section (PROTOCOL.key: checkint, checkint, key type, curve, Q, d,
/// comment, padding 1, 2, 3…) with `d` left-padded to the curve's size and the padding made
/// anew for block size 8.
fn repair_section(plain: &[u8]) -> Result<Zeroizing<Vec<u8>>, RepairError> {
    let mut reader = plain;
    let checkint1 = uint32(&mut reader)?;
    let checkint2 = uint32(&mut reader)?;
    if checkint1 != checkint2 {
        // What a wrong passphrase gives with a cipher that has no authentication tag.
        return Err(RepairError::WrongPassphrase);
    }
    let keytype = string(&mut reader)?;
    let size = match keytype {
        b"ecdsa-sha2-nistp256" => 32,
        b"ecdsa-sha2-nistp384" => 48,
        b"ecdsa-sha2-nistp521" => 66,
        _ => return Err(RepairError::NotEcdsa),
    };
    let curve = string(&mut reader)?;
    if keytype.strip_prefix(b"ecdsa-sha2-") != Some(curve) {
        return Err(RepairError::Malformed("the curve is not the key type's"));
    }
    let point = string(&mut reader)?;
    let scalar = string(&mut reader)?;
    let comment = string(&mut reader)?;
    let padding = reader;
    if padding.len() > MAX_PADDING || padding.iter().zip(1u8..).any(|(&byte, want)| byte != want) {
        return Err(RepairError::Malformed("padding"));
    }

    // The scalar is an mpint: read it as OpenSSH does (`sshbuf_get_bignum2_bytes_direct`),
    // refusing a negative one and dropping leading zero bytes.
    if scalar.first().is_some_and(|&byte| byte >= 0x80) {
        return Err(RepairError::Malformed("a negative private scalar"));
    }
    let zeros = scalar.iter().take_while(|&&byte| byte == 0).count();
    let digits = &scalar[zeros..];
    if digits.is_empty() {
        return Err(RepairError::Malformed("a zero private scalar"));
    }
    if digits.len() > size {
        return Err(RepairError::Malformed("the private scalar is too long"));
    }
    // Left-padded to the curve's size, with a sign byte when the top bit is set.
    let sign = usize::from(digits.len() == size && digits[0] >= 0x80);
    let mut padded = Zeroizing::new(vec![0u8; sign + size]);
    padded[sign + size - digits.len()..].copy_from_slice(digits);

    let unpadded = 8 + [keytype, curve, point, &padded, comment]
        .iter()
        .map(|field| 4 + field.len())
        .sum::<usize>();
    let padding_len = (BLOCK_SIZE - unpadded % BLOCK_SIZE) % BLOCK_SIZE;
    let mut section = Zeroizing::new(Vec::with_capacity(unpadded + padding_len));
    section.extend_from_slice(&checkint1.to_be_bytes());
    section.extend_from_slice(&checkint2.to_be_bytes());
    for field in [keytype, curve, point, &padded, comment] {
        put_string(&mut section, field)?;
    }
    section.extend((1u8..).take(padding_len));
    Ok(section)
}

/// An unencrypted `openssh-key-v1` around `public` and `section`, read by ssh-key.
fn load(public: &[u8], section: &[u8]) -> Result<PrivateKey, RepairError> {
    let none = Cipher::None.as_str().as_bytes();
    // The magic, cipher and KDF names, empty KDF options, key count, public key, section.
    let len =
        AUTH_MAGIC.len() + 2 * (4 + none.len()) + 4 + 4 + 4 + public.len() + 4 + section.len();
    let mut raw = Zeroizing::new(Vec::with_capacity(len));
    raw.extend_from_slice(AUTH_MAGIC);
    put_string(&mut raw, none)?;
    put_string(&mut raw, none)?;
    put_string(&mut raw, b"")?;
    raw.extend_from_slice(&1u32.to_be_bytes());
    put_string(&mut raw, public)?;
    put_string(&mut raw, section)?;
    debug_assert_eq!(raw.len(), len);
    Ok(PrivateKey::from_bytes(&raw)?)
}

fn uint32(reader: &mut &[u8]) -> Result<u32, RepairError> {
    let (bytes, rest) = reader
        .split_first_chunk::<4>()
        .ok_or(RepairError::Malformed("truncated"))?;
    *reader = rest;
    Ok(u32::from_be_bytes(*bytes))
}

fn string<'a>(reader: &mut &'a [u8]) -> Result<&'a [u8], RepairError> {
    let len = usize::try_from(uint32(reader)?).map_err(|_| RepairError::Malformed("length"))?;
    if len > reader.len() {
        return Err(RepairError::Malformed("truncated"));
    }
    let (field, rest) = reader.split_at(len);
    *reader = rest;
    Ok(field)
}

fn put_string(out: &mut Vec<u8>, field: &[u8]) -> Result<(), RepairError> {
    let len = u32::try_from(field.len()).map_err(|_| RepairError::Malformed("length"))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ssh_key::HashAlg;

    const SHORT: &[u8] = include_bytes!("../../tests/fixtures/keys/id_ecdsa-31");
    const SHORT_PUB: &str = include_str!("../../tests/fixtures/keys/id_ecdsa-31.pub");
    const SHORT_30: &[u8] = include_bytes!("../../tests/fixtures/keys/id_ecdsa-30");
    const SHORT_30_PUB: &str = include_str!("../../tests/fixtures/keys/id_ecdsa-30.pub");
    const SHORT_ENCRYPTED: &[u8] =
        include_bytes!("../../tests/fixtures/keys/id_ecdsa-31-encrypted");
    const SHORT_ENCRYPTED_GCM: &[u8] =
        include_bytes!("../../tests/fixtures/keys/id_ecdsa-31-encrypted-gcm");
    const PASSPHRASE: &[u8] = b"correct horse battery staple";

    /// The plain private section of an unencrypted fixture, as ssh-keygen wrote it.
    fn section_of(pem: &[u8]) -> Vec<u8> {
        let raw = decode_pem(pem).unwrap();
        Container::parse(&raw).unwrap().private.to_vec()
    }

    /// The fields of a plain private section after the checkints, and its padding.
    fn fields(section: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
        let mut reader = &section[8..];
        let fields = (0..5)
            .map(|_| string(&mut reader).unwrap().to_vec())
            .collect();
        (fields, reader.to_vec())
    }

    /// A private section with `scalar` as d, the rest taken from the 31-byte fixture.
    fn section_with(scalar: &[u8], checkints: (u32, u32)) -> Vec<u8> {
        let (fields, _) = fields(&section_of(SHORT));
        let mut section = Vec::new();
        section.extend_from_slice(&checkints.0.to_be_bytes());
        section.extend_from_slice(&checkints.1.to_be_bytes());
        for (n, field) in fields.iter().enumerate() {
            put_string(&mut section, if n == 3 { scalar } else { field }).unwrap();
        }
        let padding = (8 - section.len() % 8) % 8;
        section.extend((1u8..).take(padding));
        section
    }

    fn signs_and_verifies(key: &PrivateKey) {
        let signature = key
            .sign("greenlight-signoff", HashAlg::Sha512, b"m")
            .unwrap();
        key.public_key()
            .verify("greenlight-signoff", b"m", &signature)
            .unwrap();
    }

    #[test]
    fn ssh_key_still_refuses_the_short_scalars_that_ssh_keygen_wrote() {
        // When this fails, ssh-key reads such keys itself and this module can go.
        for (pem, len) in [(SHORT, 31), (SHORT_30, 30)] {
            let (fields, _) = fields(&section_of(pem));
            assert_eq!(fields[3].len(), len, "the fixture's scalar is {len} bytes");
            assert!(PrivateKey::from_openssh(pem).is_err());
        }
        let encrypted = PrivateKey::from_openssh(SHORT_ENCRYPTED).unwrap();
        assert!(encrypted.decrypt(PASSPHRASE).is_err());
    }

    #[test]
    fn the_repaired_section_holds_the_scalar_left_padded_and_is_whole_blocks() {
        let original = section_of(SHORT);
        let repaired = repair_section(&original).unwrap();
        let (before, _) = fields(&original);
        let (after, padding) = fields(&repaired);
        assert_eq!(repaired.len() % BLOCK_SIZE, 0);
        assert_eq!(&repaired[..8], &original[..8], "the checkints are kept");
        assert_eq!(after[3].len(), 32);
        assert_eq!(after[3][0], 0);
        assert_eq!(&after[3][1..], &before[3][..]);
        for n in [0, 1, 2, 4] {
            assert_eq!(after[n], before[n], "field {n} is kept");
        }
        assert_eq!(padding, (1u8..).take(padding.len()).collect::<Vec<_>>());
        assert!(padding.len() < BLOCK_SIZE);
    }

    #[test]
    fn scalars_are_read_as_openssh_reads_an_mpint() {
        let padded_digits = |scalar: &[u8]| {
            let section = repair_section(&section_with(scalar, (7, 7))).unwrap();
            fields(&section).0[3].clone()
        };
        // Two bytes short; full length with the sign byte; full length without the top bit.
        let mut thirty = vec![0, 0];
        thirty.extend([0x11; 30]);
        assert_eq!(padded_digits(&[0x11; 30]), thirty);
        let mut signed = vec![0];
        signed.extend([0x91; 32]);
        assert_eq!(padded_digits(&signed), signed);
        assert_eq!(padded_digits(&[0x11; 32]), vec![0x11; 32]);
        // Superfluous leading zeros go, as OpenSSH drops them.
        assert_eq!(padded_digits(&[0, 0, 0x11, 0x22]), {
            let mut v = vec![0; 30];
            v.extend([0x11, 0x22]);
            v
        });
        for refused in [&[0x91; 32][..], &[0x11; 33][..], &[0, 0][..], &[][..]] {
            assert!(matches!(
                repair_section(&section_with(refused, (7, 7))),
                Err(RepairError::Malformed(_))
            ));
        }
        assert!(matches!(
            repair_section(&section_with(&[0x11; 31], (7, 8))),
            Err(RepairError::WrongPassphrase)
        ));
        let mut bad_padding = section_with(&[0x11; 31], (7, 7));
        if let Some(last) = bad_padding.last_mut() {
            *last = 0;
        }
        assert!(repair_section(&bad_padding).is_err());
    }

    #[test]
    fn the_short_keys_load_repaired_and_their_signatures_verify() {
        for (pem, public, zeros) in [(SHORT, SHORT_PUB, 1), (SHORT_30, SHORT_30_PUB, 2)] {
            let key = load_unencrypted(pem).unwrap();
            assert!(!key.is_encrypted());
            assert_eq!(
                key.public_key().to_openssh().unwrap(),
                public.trim_end(),
                "the key is the one in the .pub"
            );
            let private = key.key_data().ecdsa().unwrap().private_key_bytes();
            assert_eq!(private.len(), 32);
            assert_eq!(&private[..zeros], &[0, 0][..zeros]);
            let (fields, _) = fields(&section_of(pem));
            assert_eq!(&private[zeros..], &fields[3][..]);
            signs_and_verifies(&key);
        }
    }

    #[test]
    fn a_sound_key_loads_the_same_through_the_repair() {
        for pem in [
            &include_bytes!("../../tests/fixtures/keys/id_ecdsa")[..],
            &include_bytes!("../../tests/fixtures/keys/id_ecdsa-521")[..],
        ] {
            let key = load_unencrypted(pem).unwrap();
            assert!(key == PrivateKey::from_openssh(pem).unwrap());
            signs_and_verifies(&key);
        }
        let ed25519 = include_bytes!("../../tests/fixtures/keys/id_ed25519");
        assert!(matches!(
            load_unencrypted(ed25519),
            Err(RepairError::NotEcdsa)
        ));
        assert!(matches!(
            load_unencrypted(SHORT_ENCRYPTED),
            Err(RepairError::Malformed(_))
        ));
    }

    #[test]
    fn the_encrypted_31_byte_key_decrypts_and_a_wrong_passphrase_is_called_one() {
        let plain = load_unencrypted(SHORT).unwrap();
        for pem in [SHORT_ENCRYPTED, SHORT_ENCRYPTED_GCM] {
            let key = decrypt(pem, PASSPHRASE).unwrap();
            assert!(key == plain, "the same key as the unencrypted copy");
            signs_and_verifies(&key);
            assert!(matches!(
                decrypt(pem, b"correct horse battery stapler"),
                Err(RepairError::WrongPassphrase)
            ));
        }
        assert!(matches!(
            decrypt(SHORT, PASSPHRASE),
            Err(RepairError::Key(_))
        ));
    }

    #[test]
    fn damaged_files_are_refused_without_panicking() {
        let text = std::str::from_utf8(SHORT).unwrap();
        let mut damaged = vec![
            text.replace("-----END OPENSSH PRIVATE KEY-----", ""),
            text.replace("BEGIN OPENSSH", "BEGIN RSA"),
            text.replacen('b', "!", 1),
            format!("{text}trailing\n"),
        ];
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        for cut in [0, 20, 60, body.len() / 2, body.len() - 8] {
            let cut = cut - cut % 4;
            damaged.push(format!(
                "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
                &body[..cut]
            ));
        }
        for pem in &damaged {
            assert!(load_unencrypted(pem.as_bytes()).is_err(), "{pem}");
            assert!(decrypt(pem.as_bytes(), PASSPHRASE).is_err(), "{pem}");
        }
        // Every length prefix in the raw structure, made to claim more than there is.
        let raw = decode_pem(SHORT).unwrap();
        for at in 0..raw.len().saturating_sub(4) {
            let mut bent = raw.to_vec();
            bent[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
            if let Ok(container) = Container::parse(&bent) {
                let _ = repair_section(container.private);
            }
        }
    }
}
