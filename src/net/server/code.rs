//! The identifiers a client presents: join codes, resume tokens and player names. A join code is
//! 50 random bits in Crockford's base32, shown as `XXXXX-XXXXX` and read back case-insensitively,
//! with or without the dash, reading `O` as `0` and `I`/`L` as `1` as Crockford does. A resume
//! token is the room's code and 128 random bits in hex. Names come from an allowlist.

/// Crockford's base32: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_DIGITS: usize = 10;
/// The longest name, in characters.
pub const MAX_NAME: usize = 24;
/// The longest token a client may present (the real ones are 44 characters).
const MAX_TOKEN: usize = 64;

fn random<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

/// A fresh join code, e.g. `7K3QM-9XW2A`.
pub fn new_code() -> Result<String, getrandom::Error> {
    let mut bits = u64::from_le_bytes(random::<8>()?);
    let mut out = String::with_capacity(CODE_DIGITS + 1);
    for i in 0..CODE_DIGITS {
        if i == CODE_DIGITS / 2 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    Ok(out)
}

/// A code as a player typed it, in its canonical form; none when it cannot be a code.
pub fn normalize_code(input: &str) -> Option<String> {
    let mut digits = String::with_capacity(CODE_DIGITS);
    for c in input.trim().chars() {
        if c == '-' || c == ' ' {
            continue;
        }
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || digits.len() == CODE_DIGITS {
            return None;
        }
        digits.push(c);
    }
    (digits.len() == CODE_DIGITS).then(|| format!("{}-{}", &digits[..CODE_DIGITS / 2], &digits[CODE_DIGITS / 2..]))
}

/// A code as typed, made safe to repeat back in a refusal.
pub fn shown(input: &str) -> String {
    input.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(16).collect()
}

/// A fresh resume token for a seat in the room `code`.
pub fn new_token(code: &str) -> Result<String, getrandom::Error> {
    use std::fmt::Write;
    let mut out = format!("{code}.");
    for b in random::<16>()? {
        let _ = write!(out, "{b:02x}");
    }
    Ok(out)
}

/// The room a token belongs to, if it looks like a token at all.
pub fn token_room(token: &str) -> Option<String> {
    if token.len() > MAX_TOKEN {
        return None;
    }
    let (code, secret) = token.split_once('.')?;
    (secret.len() == 32 && secret.bytes().all(|b| b.is_ascii_hexdigit())).then_some(())?;
    normalize_code(code)
}

/// Whether two tokens are equal, in time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A seed for a room's cluster.
pub fn random_seed() -> Result<u64, getrandom::Error> {
    // Seeds stay readable in journal file names.
    Ok(u64::from_le_bytes(random::<8>()?) % 1_000_000_000 + 1)
}

/// A name as typed, trimmed, or why it is refused.
pub fn check_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-');
    if name.is_empty() || name.chars().count() > MAX_NAME || !name.chars().all(allowed) {
        return Err(format!(
            "a name is 1 to {MAX_NAME} letters, digits, spaces, dots, dashes or underscores (A-Z, 0-9 only)"
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_random_and_read_back_loosely() {
        let a = new_code().expect("random");
        let b = new_code().expect("random");
        assert_ne!(a, b);
        assert_eq!(a.len(), 11);
        assert_eq!(a.as_bytes()[5], b'-');
        assert_eq!(normalize_code(&a), Some(a.clone()));
        assert_eq!(normalize_code(&a.to_lowercase().replace('-', "")), Some(a.clone()));
        assert_eq!(normalize_code(" 7k3qm 9xw2a "), Some("7K3QM-9XW2A".to_owned()));
        assert_eq!(normalize_code("oil00-12345"), Some("01100-12345".to_owned()));
        assert_eq!(normalize_code("7K3QM-9XW2"), None, "too short");
        assert_eq!(normalize_code("7K3QM-9XW2AB"), None, "too long");
        assert_eq!(normalize_code("7K3QM-9XW2U"), None, "U is not a digit");
        assert_eq!(normalize_code("7K3QM-9XW2é"), None);
        assert_eq!(shown("ab\u{1b}[2J-cd"), "ab2J-cd");
    }

    #[test]
    fn tokens_name_their_room_and_compare_whole() {
        let token = new_token("7K3QM-9XW2A").expect("random");
        assert_eq!(token.len(), 44);
        assert_eq!(token_room(&token), Some("7K3QM-9XW2A".to_owned()));
        assert_eq!(token_room("7K3QM-9XW2A.1234"), None);
        assert_eq!(token_room(&"x".repeat(100_000)), None);
        assert!(same_token(&token, &token.clone()));
        assert!(!same_token(&token, &token.replace('.', ",")));
        assert!(!same_token(&token, "short"));
    }

    #[test]
    fn names_come_from_an_allowlist() {
        assert_eq!(check_name("  Ana B. ").as_deref(), Ok("Ana B."));
        assert_eq!(check_name("tam_2-x").as_deref(), Ok("tam_2-x"));
        assert_eq!(check_name(&"a".repeat(24)).map(|n| n.len()), Ok(24));
        for bad in ["", "   ", &"a".repeat(25), "Zoë", "a\u{1b}[31m", "<b>", "a\u{202e}b", "new\nline"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
