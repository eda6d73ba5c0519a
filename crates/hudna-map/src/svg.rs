//! Writing SVG text quickly and safely: escaping, compact numbers and paths.
//!
//! A map of a busy month holds tens of thousands of markers, so numbers are written with one
//! decimal by hand (no `format!`), and paths use relative moves on a grid of tenths of a pixel
//! so consecutive points cost a few bytes each.

/// Appends `text` with the five XML special characters escaped, so it is inert both as element
/// text and inside a double- or single-quoted attribute. Characters XML 1.0 forbids (most C0
/// controls, U+FFFE, U+FFFF) become U+FFFD, so the output stays a well-formed document even
/// when an article carried them.
pub fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            '\t' | '\n' | '\r' => continue,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "\u{FFFD}",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(rep);
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
}

/// `text` escaped for XML (see [`escape_into`]).
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    escape_into(&mut s, text);
    s
}

/// Appends `id` percent-encoded for use inside a URL path segment: only unreserved ASCII is
/// kept, so an id can never end the segment, start a query or smuggle a scheme.
pub fn percent_encode_into(out: &mut String, id: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// Appends an unsigned integer.
fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

/// Rounds a pixel value to the grid of tenths.
pub fn tenths(v: f64) -> i64 {
    (v * 10.0).round() as i64
}

/// Appends a value given in tenths (`-123` → `-12.3`, `50` → `5`). With `compact`, a
/// leading zero is dropped (`.5`, `-.5`), as path data allows.
pub fn push_tenths(out: &mut String, t: i64, compact: bool) {
    if t < 0 {
        out.push('-');
    }
    let a = t.unsigned_abs();
    let (int, frac) = (a / 10, a % 10);
    if int != 0 || !compact || frac == 0 {
        push_u64(out, int);
    }
    if frac != 0 {
        out.push('.');
        out.push((b'0' + frac as u8) as char);
    }
}

/// Appends a number rounded to one decimal (for attributes).
pub fn push_num(out: &mut String, v: f64) {
    push_tenths(out, tenths(v), false);
}

/// Appends an attribute ` name="value"` with the value escaped.
pub fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape_into(out, value);
    out.push('"');
}

/// Appends a numeric attribute ` name="12.3"`.
pub fn attr_num(out: &mut String, name: &str, v: f64) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_num(out, v);
    out.push('"');
}

/// Appends `<title>text</title>`: the tooltip browsers show, and the name screen readers read.
pub fn title(out: &mut String, text: &str) {
    out.push_str("<title>");
    escape_into(out, text);
    out.push_str("</title>");
}

/// Builds path data from points in pixels: an absolute move, then relative lines on the
/// grid of tenths, dropping points that round onto the previous one.
pub struct PathData<'a> {
    out: &'a mut String,
    last: (i64, i64),
    /// Whether the last number written has a decimal point (then a following `.5` needs no
    /// separator; otherwise it would be read as part of the previous number).
    last_dot: bool,
    /// Whether the last thing written was a command letter (no separator needed).
    after_cmd: bool,
}

impl<'a> PathData<'a> {
    /// Starts path data appended to `out`.
    pub fn new(out: &'a mut String) -> Self {
        PathData {
            out,
            last: (0, 0),
            last_dot: false,
            after_cmd: true,
        }
    }

    fn number(&mut self, t: i64) {
        let starts_with_dot = t.unsigned_abs() < 10 && t % 10 != 0;
        let need_sep = !self.after_cmd && t >= 0 && !(starts_with_dot && self.last_dot);
        if need_sep {
            self.out.push(' ');
        }
        push_tenths(self.out, t, true);
        self.last_dot = t % 10 != 0;
        self.after_cmd = false;
    }

    fn command(&mut self, c: char) {
        self.out.push(c);
        self.after_cmd = true;
        self.last_dot = false;
    }

    /// Starts a subpath at the point (in tenths).
    pub fn move_to(&mut self, p: (i64, i64)) {
        self.command('M');
        self.number(p.0);
        self.number(p.1);
        self.last = p;
    }

    /// A line to the point (in tenths), written relative to the previous one; a point that
    /// rounds onto the previous one is dropped. Returns whether something was written.
    pub fn line_to(&mut self, p: (i64, i64), first_of_run: bool) -> bool {
        let (dx, dy) = (p.0 - self.last.0, p.1 - self.last.1);
        if dx == 0 && dy == 0 {
            return false;
        }
        if first_of_run {
            self.command('l');
        }
        self.number(dx);
        self.number(dy);
        self.last = p;
        true
    }

    /// Closes the current subpath.
    pub fn close(&mut self) {
        self.command('z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_makes_markup_inert() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\nd"), "a\u{FFFD}b\u{FFFD}c\nd");
        assert_eq!(escape("حلب"), "حلب");
    }

    #[test]
    fn ids_are_percent_encoded() {
        let mut s = String::new();
        percent_encode_into(&mut s, "a b/../\"x\"?q=1#حلب");
        assert_eq!(s, "a%20b%2F..%2F%22x%22%3Fq%3D1%23%D8%AD%D9%84%D8%A8");
    }

    #[test]
    fn numbers_are_short() {
        let mut s = String::new();
        for v in [0.0, 12.34, -12.36, 0.5, -0.04, 100.0] {
            push_num(&mut s, v);
            s.push(',');
        }
        assert_eq!(s, "0,12.3,-12.4,0.5,0,100,");
        let mut s = String::new();
        push_tenths(&mut s, -5, true);
        push_tenths(&mut s, 5, true);
        assert_eq!(s, "-.5.5");
    }

    #[test]
    fn path_numbers_stay_separable() {
        let mut s = String::new();
        let mut p = PathData::new(&mut s);
        p.move_to((1000, 205));
        p.line_to((1005, 205), true); // dx .5 after 20.5: no separator needed
        p.line_to((1005, 205), false); // same point: dropped
        p.line_to((1015, 200), false); // 1 after 0: separator
        p.line_to((1020, 200), false); // .5 after -.5 (has a dot): none
        p.line_to((1025, 210), false); // .5 after 0 (no dot): separator
        p.close();
        assert_eq!(s, "M100 20.5l.5 0 1-.5.5 0 .5 1z");
    }
}
