//! Lower-case hexadecimal, for the secrets this crate hands to the store and to browsers.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Encodes bytes as lower-case hex.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Decodes lower-case hex of exactly `N` bytes; anything else (upper case included, so that
/// every secret has one spelling) is `None`.
pub(crate) fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = text.as_bytes();
    if bytes.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// Whether the text is lower-case hex of exactly `len` characters.
pub(crate) fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| nibble(b).is_some())
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let bytes = [0u8, 1, 0x7f, 0x80, 0xab, 0xff];
        let text = encode(&bytes);
        assert_eq!(text, "00017f80abff");
        assert_eq!(decode::<6>(&text), Some(bytes));
        assert_eq!(decode::<6>("00017F80ABFF"), None);
        assert_eq!(decode::<5>(&text), None);
        assert_eq!(decode::<1>("0g"), None);
        assert!(is_hex("00ff", 4));
        assert!(!is_hex("00ff", 3));
        assert!(!is_hex("00fg", 4));
    }
}
