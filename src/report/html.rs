//! HTML text: escaping and the small pieces every section writes.

use std::fmt::{Display, Write};

/// A value escaped for HTML text and attribute values.
pub(crate) struct Esc<'a>(pub(crate) &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut last = 0;
        for (i, c) in self.0.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&self.0[last..i])?;
            f.write_str(rep)?;
            last = i + c.len_utf8();
        }
        f.write_str(&self.0[last..])
    }
}

/// `s` escaped for HTML.
#[cfg(test)]
pub(crate) fn esc(s: &str) -> String {
    Esc(s).to_string()
}

/// The page being written. Writing to a `String` cannot fail, so the
/// helpers ignore `fmt::Result`.
#[derive(Default)]
pub(crate) struct Page {
    pub(crate) out: String,
}

impl Page {
    /// Raw markup (already escaped).
    pub(crate) fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Formatted raw markup (arguments must be escaped by the caller).
    pub(crate) fn fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = self.out.write_fmt(args);
    }

    /// A section opening: `<section id=..><h2>..</h2>`.
    pub(crate) fn section(&mut self, id: &str, title: &str) {
        self.fmt(format_args!(
            "<section id=\"{}\"><h2>{}</h2>\n",
            Esc(id),
            Esc(title)
        ));
    }

    /// Closes a section.
    pub(crate) fn end_section(&mut self) {
        self.raw("</section>\n");
    }

    /// A paragraph of text (escaped).
    pub(crate) fn p(&mut self, text: &str) {
        self.fmt(format_args!("<p>{}</p>\n", Esc(text)));
    }

    /// A note in small print (escaped).
    pub(crate) fn note(&mut self, text: &str) {
        self.fmt(format_args!("<p class=\"note\">{}</p>\n", Esc(text)));
    }

    /// A table: header cells and rows of cells, all escaped. Cells that
    /// parse as numbers are right-aligned.
    pub(crate) fn table(&mut self, class: &str, head: &[&str], rows: &[Vec<String>]) {
        self.fmt(format_args!("<table class=\"{}\"><thead><tr>", Esc(class)));
        for h in head {
            self.fmt(format_args!("<th>{}</th>", Esc(h)));
        }
        self.raw("</tr></thead><tbody>\n");
        for row in rows {
            self.raw("<tr>");
            for cell in row {
                if is_number(cell) {
                    self.fmt(format_args!("<td class=\"num\">{}</td>", Esc(cell)));
                } else {
                    self.fmt(format_args!("<td>{}</td>", Esc(cell)));
                }
            }
            self.raw("</tr>\n");
        }
        self.raw("</tbody></table>\n");
    }

    /// A key-value table (a definition list laid out as a grid).
    pub(crate) fn facts(&mut self, facts: &[(&str, String)]) {
        self.raw("<dl class=\"facts\">");
        for (k, v) in facts {
            self.fmt(format_args!("<dt>{}</dt><dd>{}</dd>", Esc(k), Esc(v)));
        }
        self.raw("</dl>\n");
    }
}

fn is_number(s: &str) -> bool {
    let t = s
        .trim_end_matches(['%', 's'])
        .trim_start_matches(['+', '-']);
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == 'e')
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// A count with thousands separators (`1,234,567`).
pub(crate) fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in seconds, milliseconds under one second.
pub(crate) fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<b a=\"x\">O'Neil & co</b>"),
            "&lt;b a=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/b&gt;"
        );
        assert_eq!(esc("plain é"), "plain é");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
    }
}
