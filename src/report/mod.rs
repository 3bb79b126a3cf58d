//! One self-contained HTML page per run, for a data steward deciding
//! whether to trust it and where to set the threshold.
//!
//! [`write_html`] writes the page: all CSS, SVG and script inline, a
//! Content-Security-Policy that forbids loading anything, so it opens in
//! any browser with no network. Seven sections: summary (with truth
//! metrics when a truth is given), what was read (each file's format and
//! columns, the normalization report), blocking, the model (match weights
//! per comparison level, m and u, EM sessions), scores and threshold
//! (the candidate pairs' weight histogram, the model's expected precision
//! and recall by threshold and, with a truth, the measured ones), identities
//! (cluster sizes, the largest, a sample drawn as graphs) and waterfalls
//! (each field's part in the score of pairs near the threshold).
//!
//! The report samples, it does not dump: a few identities and pairs, so a
//! million-record run makes a page of a few hundred kilobytes. Personal
//! values appear only in the identities and waterfalls sections, and
//! [`ReportOptions::redact`] masks them (initials, masked emails and
//! phones, birth years).
//!
//! ```
//! use linkage::{input, report, Resolver, Settings};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
//! let files: Vec<_> = ["crm", "pos"].iter().map(|s| dir.join(format!("{s}.csv"))).collect();
//! let (data, schemas, _) = input::read_csv_files(&files, &input::CsvOptions::default())?;
//! let resolution = Resolver::new(Settings::default())?.resolve(&data)?;
//! let options = report::ReportOptions {
//!     dataset: Some(&data),
//!     schemas: &schemas,
//!     redact: true,
//!     ..Default::default()
//! };
//! let mut page = Vec::new();
//! report::write_html(&resolution, &options, &mut page)?;
//! assert!(String::from_utf8(page)?.contains("<svg"));
//! # Ok(()) }
//! ```

mod blocking;
mod html;
mod identities;
mod model;
mod read;
mod redact;
mod scores;
mod summary;
mod svg;
mod waterfalls;

use std::io::Write;

use crate::eval::{evaluate, Metrics, Truth};
use crate::pipeline::Resolution;
use crate::record::Dataset;
use crate::schema::FileSchema;
use crate::score::weight_of_probability;
use html::{Esc, Page};

/// What the report is given besides the run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions<'a> {
    /// The records resolved: members' values in the identities and
    /// waterfalls sections, and the truth metrics. Without it those show
    /// records by source and id only.
    pub dataset: Option<&'a Dataset>,
    /// Each file's schema, as [`crate::input::read_csv_files`] returned
    /// them (empty: the schemas saved in the run's settings).
    pub schemas: &'a [FileSchema],
    /// Ground truth: precision, recall, F1 and confusion counts, and the
    /// measured precision-recall curve by threshold.
    pub truth: Option<&'a Truth>,
    /// The clustering's metrics against the truth, when the caller has
    /// them already ([`crate::eval::evaluate`]); else they are computed
    /// from the truth and the dataset (about 2 s for a million records).
    pub metrics: Option<Metrics>,
    /// Mask personal values (names to initials, masked emails, phones,
    /// street lines, postcodes; birth dates to the year) for a report that
    /// can be shared.
    pub redact: bool,
    /// The run's peak memory in bytes, when the caller knows it (the
    /// library does not measure its process).
    pub peak_memory_bytes: Option<u64>,
    /// The page title (default `linkage report`).
    pub title: Option<&'a str>,
}

/// What every section reads: the run, the options and what is derived once.
pub(crate) struct Ctx<'a> {
    pub(crate) res: &'a Resolution,
    pub(crate) opts: &'a ReportOptions<'a>,
    /// The threshold as a match weight.
    pub(crate) threshold: f64,
    /// The uncontested (tentative) threshold as a match weight.
    pub(crate) uncontested: Option<f64>,
    /// The truth, if given.
    pub(crate) truth: Option<&'a Truth>,
    /// Pairwise metrics of the clustering, with a truth and the dataset.
    pub(crate) metrics: Option<Metrics>,
}

impl Ctx<'_> {
    /// Whether records `a` and `b` are one true entity (false without
    /// truth or when it does not name them). Looked up per pair: the
    /// report asks for a sample of pairs, never for every record.
    pub(crate) fn same_entity(&self, a: u32, b: u32) -> bool {
        let (Some(t), Some(x), Some(y)) = (
            self.truth,
            self.res.refs.get(a as usize),
            self.res.refs.get(b as usize),
        ) else {
            return false;
        };
        match (t.entity(&x.source, &x.id), t.entity(&y.source, &y.id)) {
            (Some(e), Some(f)) => e == f,
            _ => false,
        }
    }

    /// A record named by source and id.
    pub(crate) fn name(&self, r: u32) -> String {
        self.res
            .refs
            .get(r as usize)
            .map_or_else(|| format!("#{r}"), |x| format!("{}:{}", x.source, x.id))
    }
}

/// Writes the report of `res` as one HTML page to `out`.
///
/// The page needs nothing else: no network, no files. Every value is
/// HTML-escaped. Errors are those of writing to `out`.
pub fn write_html(
    res: &Resolution,
    options: &ReportOptions<'_>,
    mut out: impl Write,
) -> std::io::Result<()> {
    let page = render(res, options);
    out.write_all(page.as_bytes())?;
    out.flush()
}

/// The report as a string.
fn render(res: &Resolution, opts: &ReportOptions<'_>) -> String {
    let metrics = match (opts.metrics, opts.truth, opts.dataset) {
        (Some(m), _, _) => Some(m),
        (None, Some(t), Some(d)) if d.len() == res.records.len() => {
            Some(evaluate(d, &res.clustering.cluster_of, t))
        }
        _ => None,
    };
    let ctx = Ctx {
        res,
        opts,
        threshold: weight_of_probability(res.settings.threshold),
        uncontested: res
            .settings
            .uncontested_threshold
            .map(weight_of_probability),
        truth: opts.truth,
        metrics,
    };
    let mut page = Page::default();
    let title = opts.title.unwrap_or("linkage report");
    page.fmt(format_args!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style></head>\n<body>\n<header><h1>{}</h1>",
        Esc(title),
        Esc(title)
    ));
    page.raw("<nav>");
    for (id, name) in SECTIONS {
        page.fmt(format_args!("<a href=\"#{id}\">{name}</a>"));
    }
    page.raw("</nav>");
    if opts.redact {
        page.raw("<p class=\"redacted\">Personal values are masked (redacted report).</p>");
    }
    page.raw("</header>\n<main>\n");
    summary::write(&mut page, &ctx);
    read::write(&mut page, &ctx);
    blocking::write(&mut page, &ctx);
    model::write(&mut page, &ctx);
    scores::write(&mut page, &ctx);
    identities::write(&mut page, &ctx);
    waterfalls::write(&mut page, &ctx);
    page.fmt(format_args!(
        "</main>\n<footer>linkage {} report</footer>\n<script>{SCRIPT}</script>\n</body></html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    page.out
}

/// The sections, by anchor and name.
const SECTIONS: [(&str, &str); 7] = [
    ("summary", "Summary"),
    ("read", "What was read"),
    ("blocking", "Blocking"),
    ("model", "The model"),
    ("scores", "Scores and threshold"),
    ("identities", "Identities"),
    ("waterfalls", "Waterfalls"),
];

/// Nothing may be loaded from anywhere: styles and the script are inline,
/// images only as data.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:12px 24px}header h1{margin:0 0 6px;font-size:20px}
nav a{color:#cfe3ff;margin-right:14px;text-decoration:none}.redacted{color:#ffd27f;margin:6px 0 0}
main{padding:8px 24px 24px;max-width:1200px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:8px 18px 16px;margin:16px 0}
h2{font-size:18px;border-bottom:1px solid #e6e9ee;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border-bottom:1px solid #e6e9ee;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:6px 0 12px}
dt{color:#5b6573}dd{margin:0;font-weight:600}
.note{color:#5b6573;font-size:12px}.warn{color:#a33}
.row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.card{border:1px solid #e6e9ee;border-radius:6px;padding:6px 10px;margin:10px 0}
svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}
svg text{font-size:11px;fill:#1d2430}svg .tick{fill:#5b6573;font-size:10px}svg .grp{font-weight:600;font-size:12px}
svg .val{fill:#5b6573;font-size:10px}svg .mlbl{fill:#a33;font-size:10px}svg .nlbl{font-size:9px;fill:#fff}
svg .grid{stroke:#eceff3}svg .axis{stroke:#8a93a0}svg .marker{stroke:#c0392b;stroke-dasharray:4 3;stroke-width:1.5}
svg .join{stroke:#8a93a0}
svg .bar{fill:#8fb8de}svg .bar2{fill:#2f6ea8}svg .bar.pos{fill:#2f8f5b}svg .bar.neg{fill:#c8553d}
svg .bar.prior{fill:#6c757d}svg .bar.total{fill:#2f6ea8}svg .bar.null{fill:#c9ced6}svg .bar.veto{fill:#7a1f1f}
svg .bar.above{fill:#2f6ea8}svg .bar.conf{fill:#2f8f5b}
svg .curve{fill:none;stroke-width:2}svg .s0{stroke:#2f6ea8}svg .s1{stroke:#c8553d}svg .s2{stroke:#2f8f5b}svg .s3{stroke:#a0522d}
svg .dash{stroke-dasharray:5 3}
svg .edge{stroke:#7d8794;stroke-width:1.5}svg .edge.accepted{stroke:#2f6ea8;stroke-width:3}
svg .edge.tentative{stroke:#d49a00;stroke-dasharray:4 3;stroke-width:2}svg .edge.refused{stroke:#c0392b;stroke-dasharray:6 3;stroke-width:2.5}
svg .node{stroke:#fff;stroke-width:1.5}
.c0{fill:#2f6ea8}.c1{fill:#c8553d}.c2{fill:#2f8f5b}.c3{fill:#8e5ea2}.c4{fill:#d49a00}.c5{fill:#3c9fb0}.c6{fill:#7d8794}.c7{fill:#a0522d}
.legend span{display:inline-block;width:10px;height:10px;border-radius:5px;margin:0 4px 0 10px}
.legend .c0{background:#2f6ea8}.legend .c1{background:#c8553d}.legend .c2{background:#2f8f5b}.legend .c3{background:#8e5ea2}
.legend .c4{background:#d49a00}.legend .c5{background:#3c9fb0}.legend .c6{background:#7d8794}.legend .c7{background:#a0522d}
footer{color:#8a93a0;font-size:12px;padding:0 24px 24px}
";

/// Marks each chart with the number of its marks the browser laid out
/// (`data-drawn`), and the page with any script error (`data-check`).
const SCRIPT: &str = "
(function(){var errors=[];window.addEventListener('error',function(e){errors.push(String(e.message));});
try{document.querySelectorAll('svg.chart').forEach(function(s){var n=0;
s.querySelectorAll('rect,circle,line,path').forEach(function(e){var b=e.getBBox();if(b.width>0||b.height>0){n++;}});
s.setAttribute('data-drawn',String(n));});}catch(e){errors.push(String(e));}
document.body.setAttribute('data-check',errors.length?('errors: '+errors.join('; ')):'ok');})();
";
