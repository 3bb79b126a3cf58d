//! Section 2: how each file was read (format, columns with kind,
//! confidence and reason) and what normalization rejected.

use super::html::{count, Esc, Page};
use super::redact::mask_any;
use super::Ctx;

/// A confidence as a small bar.
fn confidence_bar(c: f64) -> String {
    let w = (c.clamp(0.0, 1.0) * 80.0).max(1.0);
    format!(
        "<svg class=\"chart\" data-chart=\"confidence\" viewBox=\"0 0 84 10\" width=\"84\" height=\"10\" role=\"img\" aria-label=\"confidence\">\
         <rect x=\"0\" y=\"1\" width=\"80\" height=\"8\" fill=\"#eceff3\"/><rect x=\"0\" y=\"1\" width=\"{w:.1}\" height=\"8\" class=\"bar conf\"><title>{c:.2}</title></rect></svg>"
    )
}

pub(crate) fn write(page: &mut Page, ctx: &Ctx<'_>) {
    page.section("read", "2. What was read");
    let schemas = if ctx.opts.schemas.is_empty() {
        &ctx.res.settings.schemas[..]
    } else {
        ctx.opts.schemas
    };
    if schemas.is_empty() {
        page.note("No file schemas were given (records were built in code).");
    }
    for s in schemas {
        let delimiter = match s.delimiter {
            Some('\t') => "tab".to_string(),
            Some(d) => format!("'{d}'"),
            None => "not recorded".to_string(),
        };
        let header = match s.header {
            Some(true) => "first row names the columns",
            Some(false) => "no header row: columns numbered",
            None => "not recorded",
        };
        page.fmt(format_args!(
            "<h3>{}</h3><p>delimiter {}, encoding {}, {}; record id: column {}</p>",
            Esc(&s.source),
            Esc(&delimiter),
            Esc(s.encoding.as_deref().unwrap_or("not recorded")),
            Esc(header),
            Esc(s
                .columns
                .get(s.id_column)
                .map_or("(none)", |c| c.column.as_str()))
        ));
        page.raw("<table class=\"columns\"><thead><tr><th>column</th><th>kind</th><th>confidence</th><th></th><th>why</th></tr></thead><tbody>\n");
        for c in &s.columns {
            page.fmt(format_args!(
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{:.2}</td><td>{}</td><td>{}</td></tr>\n",
                Esc(&c.column),
                Esc(c.kind.name()),
                c.confidence,
                confidence_bar(c.confidence),
                Esc(&c.reason)
            ));
        }
        page.raw("</tbody></table>\n");
    }
    let n = &ctx.res.normalize_report;
    page.raw("<h3>Normalization</h3>");
    page.table(
        "normalize",
        &["what", "records"],
        &[
            vec![
                "invalid emails (kept as missing)".into(),
                count(n.invalid_emails as u64),
            ],
            vec!["invalid phones".into(), count(n.invalid_phones as u64)],
            vec!["invalid dates".into(), count(n.invalid_dates as u64)],
            vec![
                "invalid postcodes".into(),
                count(n.invalid_postcodes as u64),
            ],
            vec![
                "full names refiled by how the data uses their words".into(),
                count(n.names_refiled as u64),
            ],
        ],
    );
    if n.placeholders.is_empty() {
        page.note("No placeholder values (a value held by far more records than any real one) were found.");
    } else {
        let rows: Vec<Vec<String>> = n
            .placeholders
            .iter()
            .map(|p| {
                let v = if ctx.opts.redact {
                    mask_any(&p.value)
                } else {
                    p.value.clone()
                };
                vec![format!("{:?}", p.attr), v, count(p.count as u64)]
            })
            .collect();
        page.p("Placeholders removed (treated as missing):");
        page.table("placeholders", &["attribute", "value", "records"], &rows);
    }
    if !n.common_org_words.is_empty() {
        let words: Vec<&str> = n
            .common_org_words
            .iter()
            .take(40)
            .map(String::as_str)
            .collect();
        page.note(&format!(
            "Organisation words too common to key on ({}): {}{}",
            n.common_org_words.len(),
            words.join(", "),
            if n.common_org_words.len() > 40 {
                ", ..."
            } else {
                ""
            }
        ));
    }
    page.end_section();
}
