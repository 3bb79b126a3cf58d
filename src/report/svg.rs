//! The charts, drawn as inline SVG. Every chart is an `<svg class="chart">`
//! with a `data-chart` name; each mark carries a `<title>` (shown on hover)
//! with its exact value. Values are escaped; coordinates are numbers.

use std::fmt::Write;

use super::html::Esc;

/// Opens a chart of `w` x `h` pixels.
fn open(out: &mut String, kind: &str, w: f64, h: f64, label: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" data-chart=\"{}\" viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"{}\">",
        Esc(kind),
        Esc(label)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, s: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" class=\"{class}\">{}</text>",
        Esc(s)
    );
}

fn rect(out: &mut String, x: f64, y: f64, w: f64, h: f64, class: &str, title: &str) {
    let _ = write!(
        out,
        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"{class}\"><title>{}</title></rect>",
        w.max(0.0),
        h.max(0.0),
        Esc(title)
    );
}

fn line(out: &mut String, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
    let _ = write!(
        out,
        "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"{class}\"/>"
    );
}

/// Cuts a label to `n` characters.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A number for an axis tick.
fn tick(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!("{:.0}M", v / 1e6)
    } else if v.abs() >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A horizontal bar: its label, value, an optional second value drawn
/// over it (darker), and the hover text.
pub(crate) struct HBar {
    pub(crate) label: String,
    pub(crate) value: f64,
    pub(crate) overlay: Option<f64>,
    pub(crate) title: String,
}

/// Horizontal bars on a linear scale from zero.
pub(crate) fn hbars(kind: &str, bars: &[HBar], value_label: impl Fn(f64) -> String) -> String {
    let (lw, bw, rh) = (300.0, 420.0, 22.0);
    let h = 10.0 + rh * bars.len().max(1) as f64;
    let max = bars
        .iter()
        .map(|b| b.value.max(b.overlay.unwrap_or(0.0)))
        .fold(0.0, f64::max)
        .max(1e-12);
    let mut out = String::new();
    open(&mut out, kind, lw + bw + 110.0, h, kind);
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + i as f64 * rh;
        text(
            &mut out,
            lw - 6.0,
            y + 15.0,
            "end",
            "lbl",
            &short(&b.label, 46),
        );
        rect(
            &mut out,
            lw,
            y + 3.0,
            bw * b.value / max,
            rh - 6.0,
            "bar",
            &b.title,
        );
        if let Some(o) = b.overlay {
            rect(
                &mut out,
                lw,
                y + 3.0,
                bw * o / max,
                rh - 6.0,
                "bar2",
                &b.title,
            );
        }
        text(
            &mut out,
            lw + bw * b.value / max + 4.0,
            y + 15.0,
            "start",
            "val",
            &value_label(b.value),
        );
    }
    out.push_str("</svg>");
    out
}

/// A bar of a diverging chart: positive to the right, negative left.
pub(crate) struct DBar {
    pub(crate) label: String,
    pub(crate) value: f64,
    pub(crate) title: String,
    /// Extra class (`prior`, `null`, `veto`).
    pub(crate) class: &'static str,
}

/// Diverging bars grouped under headings (the match weights chart).
pub(crate) fn diverging(kind: &str, groups: &[(String, Vec<DBar>)]) -> String {
    let (lw, half, rh, gh) = (250.0, 230.0, 18.0, 22.0);
    let rows: usize = groups.iter().map(|g| g.1.len()).sum();
    let h = 30.0 + rh * rows as f64 + gh * groups.len() as f64;
    let limit = groups
        .iter()
        .flat_map(|g| g.1.iter().map(|b| b.value.abs()))
        .filter(|v| v.is_finite())
        .fold(1.0, f64::max)
        .min(40.0);
    let zero = lw + half;
    let mut out = String::new();
    open(&mut out, kind, lw + 2.0 * half + 70.0, h, kind);
    // Scale along the top, in bits.
    let step = if limit > 20.0 { 10.0 } else { 5.0 };
    let mut v = -(limit / step).floor() * step;
    while v <= limit + 1e-9 {
        let x = zero + half * v / limit;
        line(&mut out, x, 16.0, x, h - 4.0, "grid");
        text(&mut out, x, 12.0, "middle", "tick", &tick(v));
        v += step;
    }
    let mut y = 24.0;
    for (name, bars) in groups {
        text(&mut out, 4.0, y + 15.0, "start", "grp", &short(name, 40));
        y += gh;
        for b in bars {
            let v = b.value.clamp(-limit, limit);
            let (x, w) = if v >= 0.0 {
                (zero, half * v / limit)
            } else {
                (zero + half * v / limit, -half * v / limit)
            };
            let sign = if b.value >= 0.0 { "pos" } else { "neg" };
            text(
                &mut out,
                lw - 6.0,
                y + 13.0,
                "end",
                "lbl",
                &short(&b.label, 38),
            );
            rect(
                &mut out,
                x,
                y + 2.0,
                w.max(1.0),
                rh - 4.0,
                &format!("bar {sign} {}", b.class),
                &b.title,
            );
            let (tx, anchor) = if v >= 0.0 {
                (x + w + 3.0, "start")
            } else {
                (x - 3.0, "end")
            };
            text(
                &mut out,
                tx,
                y + 13.0,
                anchor,
                "val",
                &format!("{:+.2}", b.value),
            );
            y += rh;
        }
    }
    line(&mut out, zero, 16.0, zero, h - 4.0, "axis");
    out.push_str("</svg>");
    out
}

/// A vertical marker on a chart with a numeric x axis.
pub(crate) struct Marker {
    pub(crate) x: f64,
    pub(crate) label: String,
}

/// A histogram bin: `[lo, hi)` and its count.
pub(crate) struct HistBin {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) count: u64,
    /// Extra class (`above` for bins at or over the threshold).
    pub(crate) class: &'static str,
}

/// A histogram with a numeric x axis and a log10 count axis.
pub(crate) fn histogram(kind: &str, bins: &[HistBin], markers: &[Marker], x_label: &str) -> String {
    let (l, t, w, h) = (60.0, 28.0, 640.0, 220.0);
    let mut out = String::new();
    open(&mut out, kind, l + w + 20.0, t + h + 45.0, kind);
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        text(
            &mut out,
            l + w / 2.0,
            t + h / 2.0,
            "middle",
            "lbl",
            "no pairs",
        );
        out.push_str("</svg>");
        return out;
    };
    let (x0, x1) = (first.lo, last.hi.max(first.lo + 1e-9));
    let max = bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
    let top = log_count_grid(&mut out, (l, t, w, h), max);
    let sx = |x: f64| l + w * (x - x0) / (x1 - x0);
    let sy = |c: f64| log_y(t, h, top, c);
    for b in bins {
        if b.count == 0 {
            continue;
        }
        let y = sy(b.count as f64);
        rect(
            &mut out,
            sx(b.lo) + 0.5,
            y,
            sx(b.hi) - sx(b.lo) - 1.0,
            t + h - y,
            &format!("bar {}", b.class),
            &format!("{:.2} to {:.2}: {} pairs", b.lo, b.hi, b.count),
        );
    }
    let span = x1 - x0;
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|s| span / s <= 16.0)
        .unwrap_or(50.0);
    let mut v = (x0 / step).ceil() * step;
    while v <= x1 + 1e-9 {
        line(&mut out, sx(v), t + h, sx(v), t + h + 4.0, "axis");
        text(&mut out, sx(v), t + h + 16.0, "middle", "tick", &tick(v));
        v += step;
    }
    line(&mut out, l, t + h, l + w, t + h, "axis");
    text(
        &mut out,
        l + w / 2.0,
        t + h + 34.0,
        "middle",
        "lbl",
        x_label,
    );
    for (i, m) in markers.iter().enumerate() {
        if m.x >= x0 && m.x <= x1 {
            line(&mut out, sx(m.x), t - 8.0, sx(m.x), t + h, "marker");
            let y = t - 2.0 - 10.0 * (i % 2) as f64;
            text(&mut out, sx(m.x) + 3.0, y, "start", "mlbl", &m.label);
        }
    }
    out.push_str("</svg>");
    out
}

/// Draws the grid and ticks of a log10 count axis over the plot area
/// `(left, top, width, height)` for counts up to `max`; returns the axis
/// top in decades, for [`log_y`].
fn log_count_grid(out: &mut String, (l, t, w, h): (f64, f64, f64, f64), max: f64) -> f64 {
    let top = max.log10().ceil().max(1.0);
    for d in 0..=(top as i32) {
        let y = log_y(t, h, top, 10f64.powi(d) - 1.0);
        line(out, l, y, l + w, y, "grid");
        text(out, l - 5.0, y + 4.0, "end", "tick", &tick(10f64.powi(d)));
    }
    top
}

/// The height of count `c` on a log10 axis of `top` decades.
fn log_y(t: f64, h: f64, top: f64, c: f64) -> f64 {
    t + h - h * ((c + 1.0).log10() / top)
}

/// Vertical bars over named categories, log10 count axis.
pub(crate) fn columns(kind: &str, cats: &[(String, u64)], x_label: &str) -> String {
    let (l, t, w, h) = (60.0, 14.0, 640.0, 200.0);
    let mut out = String::new();
    open(&mut out, kind, l + w + 20.0, t + h + 45.0, kind);
    let max = cats.iter().map(|c| c.1).max().unwrap_or(1).max(1) as f64;
    let top = log_count_grid(&mut out, (l, t, w, h), max);
    let sy = |c: f64| log_y(t, h, top, c);
    let bw = w / cats.len().max(1) as f64;
    for (i, (name, n)) in cats.iter().enumerate() {
        let x = l + i as f64 * bw;
        let y = sy(*n as f64);
        rect(
            &mut out,
            x + 2.0,
            y,
            bw - 4.0,
            t + h - y,
            "bar",
            &format!("{name}: {n}"),
        );
        text(&mut out, x + bw / 2.0, t + h + 16.0, "middle", "tick", name);
    }
    line(&mut out, l, t + h, l + w, t + h, "axis");
    text(
        &mut out,
        l + w / 2.0,
        t + h + 34.0,
        "middle",
        "lbl",
        x_label,
    );
    out.push_str("</svg>");
    out
}

/// A curve of a line chart.
pub(crate) struct Series {
    pub(crate) name: String,
    /// CSS class of the line (`s0`, `s1`, ...; `dash` for dashed).
    pub(crate) class: String,
    pub(crate) points: Vec<(f64, f64)>,
}

/// Curves with y in [0, 1] over a numeric x axis, with a legend.
pub(crate) fn lines(kind: &str, series: &[Series], markers: &[Marker], x_label: &str) -> String {
    let (l, t, w, h) = (50.0, 20.0, 560.0, 220.0);
    let mut out = String::new();
    open(&mut out, kind, l + w + 190.0, t + h + 45.0, kind);
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if !x0.is_finite() || !x1.is_finite() || x1 <= x0 {
        text(
            &mut out,
            l + w / 2.0,
            t + h / 2.0,
            "middle",
            "lbl",
            "no data",
        );
        out.push_str("</svg>");
        return out;
    }
    let sx = |x: f64| l + w * (x - x0) / (x1 - x0);
    let sy = |y: f64| t + h - h * y.clamp(0.0, 1.0);
    for i in 0..=5 {
        let y = sy(i as f64 / 5.0);
        line(&mut out, l, y, l + w, y, "grid");
        text(
            &mut out,
            l - 5.0,
            y + 4.0,
            "end",
            "tick",
            &format!("{:.1}", i as f64 / 5.0),
        );
    }
    let span = x1 - x0;
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|s| span / s <= 14.0)
        .unwrap_or(50.0);
    let mut v = (x0 / step).ceil() * step;
    while v <= x1 + 1e-9 {
        text(&mut out, sx(v), t + h + 16.0, "middle", "tick", &tick(v));
        v += step;
    }
    line(&mut out, l, t + h, l + w, t + h, "axis");
    text(
        &mut out,
        l + w / 2.0,
        t + h + 34.0,
        "middle",
        "lbl",
        x_label,
    );
    for (i, s) in series.iter().enumerate() {
        let mut d = String::new();
        for (j, &(x, y)) in s.points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if j == 0 { "M" } else { " L" },
                sx(x),
                sy(y)
            );
        }
        let _ = write!(
            out,
            "<path d=\"{d}\" class=\"curve {}\"><title>{}</title></path>",
            Esc(&s.class),
            Esc(&s.name)
        );
        let ly = t + 14.0 + i as f64 * 18.0;
        line(
            &mut out,
            l + w + 12.0,
            ly - 4.0,
            l + w + 36.0,
            ly - 4.0,
            &format!("curve {}", s.class),
        );
        text(
            &mut out,
            l + w + 40.0,
            ly,
            "start",
            "lbl",
            &short(&s.name, 24),
        );
    }
    for (i, m) in markers.iter().enumerate() {
        if m.x >= x0 && m.x <= x1 {
            line(&mut out, sx(m.x), t - 8.0, sx(m.x), t + h, "marker");
            let y = t - 2.0 - 10.0 * (i % 2) as f64;
            text(&mut out, sx(m.x) + 3.0, y, "start", "mlbl", &m.label);
        }
    }
    out.push_str("</svg>");
    out
}

/// One step of a waterfall: a bar from `start` to `end`.
pub(crate) struct Step {
    pub(crate) label: String,
    pub(crate) start: f64,
    pub(crate) end: f64,
    pub(crate) title: String,
    /// `prior`, `total` or `field`.
    pub(crate) class: &'static str,
}

/// A horizontal waterfall: the prior, each field's contribution, the total.
pub(crate) fn waterfall(kind: &str, steps: &[Step], markers: &[Marker]) -> String {
    let (lw, w, rh) = (260.0, 420.0, 18.0);
    let h = 28.0 + rh * steps.len() as f64;
    let mut lo = steps
        .iter()
        .flat_map(|s| [s.start, s.end])
        .fold(0.0, f64::min);
    let mut hi = steps
        .iter()
        .flat_map(|s| [s.start, s.end])
        .fold(0.0, f64::max);
    for m in markers {
        lo = lo.min(m.x);
        hi = hi.max(m.x);
    }
    let (lo, hi) = ((lo - 1.0).max(-80.0), (hi + 1.0).min(80.0));
    let sx = |x: f64| lw + w * (x.clamp(lo, hi) - lo) / (hi - lo);
    let mut out = String::new();
    open(&mut out, kind, lw + w + 60.0, h, kind);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|s| (hi - lo) / s <= 12.0)
        .unwrap_or(50.0);
    let mut v = (lo / step).ceil() * step;
    while v <= hi {
        line(&mut out, sx(v), 16.0, sx(v), h - 2.0, "grid");
        text(&mut out, sx(v), 12.0, "middle", "tick", &tick(v));
        v += step;
    }
    line(&mut out, sx(0.0), 16.0, sx(0.0), h - 2.0, "axis");
    for (i, s) in steps.iter().enumerate() {
        let y = 22.0 + i as f64 * rh;
        let (a, b) = (sx(s.start.min(s.end)), sx(s.start.max(s.end)));
        let dir = if s.end >= s.start { "pos" } else { "neg" };
        text(
            &mut out,
            lw - 6.0,
            y + 12.0,
            "end",
            "lbl",
            &short(&s.label, 40),
        );
        rect(
            &mut out,
            a,
            y + 2.0,
            (b - a).max(1.0),
            rh - 4.0,
            &format!("bar {dir} {}", s.class),
            &s.title,
        );
        if i + 1 < steps.len() {
            line(
                &mut out,
                sx(s.end),
                y + rh - 2.0,
                sx(s.end),
                y + rh + 2.0,
                "join",
            );
        }
        text(
            &mut out,
            b + 3.0,
            y + 12.0,
            "start",
            "val",
            &format!("{:+.2}", s.end - s.start),
        );
    }
    for m in markers {
        line(&mut out, sx(m.x), 16.0, sx(m.x), h - 2.0, "marker");
        text(&mut out, sx(m.x) + 3.0, h - 4.0, "start", "mlbl", &m.label);
    }
    out.push_str("</svg>");
    out
}

/// A record drawn in an identity graph.
pub(crate) struct Node {
    pub(crate) label: String,
    pub(crate) title: String,
    /// Colour index (the record's source).
    pub(crate) color: usize,
    /// 0 or 1: which of two identities the node belongs to.
    pub(crate) side: usize,
}

/// A link drawn in an identity graph.
pub(crate) struct Edge {
    pub(crate) a: usize,
    pub(crate) b: usize,
    /// `accepted`, `link`, `tentative` or `refused`.
    pub(crate) class: &'static str,
    pub(crate) title: String,
}

/// Records on a circle (two circles for two identities), links between them.
pub(crate) fn graph(kind: &str, nodes: &[Node], edges: &[Edge]) -> String {
    let sides = if nodes.iter().any(|n| n.side == 1) {
        2
    } else {
        1
    };
    let (cw, h) = (260.0, 250.0);
    let w = cw * sides as f64;
    let mut pos = vec![(0.0, 0.0); nodes.len()];
    for side in 0..sides {
        let idx: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].side == side)
            .collect();
        let (cx, cy) = (cw * side as f64 + cw / 2.0, h / 2.0);
        let r = if idx.len() <= 1 { 0.0 } else { 90.0 };
        for (k, &i) in idx.iter().enumerate() {
            let a = std::f64::consts::TAU * k as f64 / idx.len().max(1) as f64
                - std::f64::consts::FRAC_PI_2;
            pos[i] = (cx + r * a.cos(), cy + r * a.sin());
        }
    }
    let mut out = String::new();
    open(&mut out, kind, w, h, kind);
    for e in edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(e.a), pos.get(e.b)) else {
            continue;
        };
        let _ = write!(
            out,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"edge {}\"><title>{}</title></line>",
            e.class,
            Esc(&e.title)
        );
    }
    for (n, &(x, y)) in nodes.iter().zip(&pos) {
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"11\" class=\"node c{}\"><title>{}</title></circle>",
            n.color % 8,
            Esc(&n.title)
        );
        text(&mut out, x, y + 4.0, "middle", "nlbl", &short(&n.label, 4));
    }
    out.push_str("</svg>");
    out
}
