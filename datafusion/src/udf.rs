//! The core's decisions as DataFusion scalar functions.
//!
//! Every function is self-contained: what it needs beyond its row (the
//! blocking rules, the comparisons, the trained model) is a JSON string
//! literal among its arguments, so a plan that calls them can be shipped
//! to Ballista executors, which parse it once per batch (and cache it).
//! Records travel as the core's byte form
//! ([`linkage::pipeline::engine::encode_record`]).
//!
//! | function | arguments | returns |
//! |---|---|---|
//! | `linkage_block_key` | rules JSON, rule index, record | `UInt64` key, null when the record lacks one |
//! | `linkage_order_key` | record, part 0..=3 | `Utf8`: a part of the windows' name order |
//! | `linkage_unseen_per_edge` | block size, comparable pairs, window | `UInt64` |
//! | `linkage_levels` | comparisons JSON, record a, record b | `Binary`: one level byte per comparison |
//! | `linkage_weight` | model JSON, levels, term frequencies of a | `Float64` total match weight |
//! | `linkage_link` | model JSON, levels, term frequencies of a | `Int8`: 0 a link, 1 a tentative link, 2 one to corroborate, null none |

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryBuilder, Float64Builder, Int8Builder, StringBuilder,
    UInt64Builder,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use linkage::block::{block_key, unseen_per_edge, window_order_key, BlockingRule};
use linkage::compare::{compare_pair, Comparison};
use linkage::pipeline::engine::{decode_record, pair_weight, LinkCut, RecordTf};
use linkage::score::ModelWeights;
use linkage::Settings;

/// Which function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    BlockKey,
    OrderKey,
    UnseenPerEdge,
    Levels,
    Weight,
    Link,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::BlockKey,
        Kind::OrderKey,
        Kind::UnseenPerEdge,
        Kind::Levels,
        Kind::Weight,
        Kind::Link,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::BlockKey => "linkage_block_key",
            Kind::OrderKey => "linkage_order_key",
            Kind::UnseenPerEdge => "linkage_unseen_per_edge",
            Kind::Levels => "linkage_levels",
            Kind::Weight => "linkage_weight",
            Kind::Link => "linkage_link",
        }
    }

    fn arity(self) -> usize {
        match self {
            Kind::OrderKey => 2,
            _ => 3,
        }
    }

    fn returns(self) -> DataType {
        match self {
            Kind::BlockKey | Kind::UnseenPerEdge => DataType::UInt64,
            Kind::OrderKey => DataType::Utf8,
            Kind::Levels => DataType::Binary,
            Kind::Weight => DataType::Float64,
            Kind::Link => DataType::Int8,
        }
    }
}

/// What a JSON literal parses to.
enum Parsed {
    Rules(Vec<BlockingRule>),
    Comparisons(Vec<Comparison>),
    Model(Box<(ModelWeights, LinkCut)>),
}

/// One of the crate's functions, with the last literal it parsed.
struct LinkageUdf {
    kind: Kind,
    signature: Signature,
    cache: Mutex<Option<(String, Arc<Parsed>)>>,
}

impl std::fmt::Debug for LinkageUdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind.name())
    }
}

impl PartialEq for LinkageUdf {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for LinkageUdf {}

impl Hash for LinkageUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
    }
}

fn exec_err(kind: Kind, reason: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("{}: {reason}", kind.name()))
}

impl LinkageUdf {
    fn new(kind: Kind) -> LinkageUdf {
        LinkageUdf {
            kind,
            signature: Signature::any(kind.arity(), Volatility::Immutable),
            cache: Mutex::new(None),
        }
    }

    /// The parsed form of the JSON literal `arg`, from the cache when the
    /// literal is the one parsed last.
    fn parsed(&self, arg: &ColumnarValue) -> Result<Arc<Parsed>> {
        let text = match arg {
            ColumnarValue::Scalar(
                ScalarValue::Utf8(Some(s))
                | ScalarValue::Utf8View(Some(s))
                | ScalarValue::LargeUtf8(Some(s)),
            ) => s,
            _ => {
                return Err(exec_err(
                    self.kind,
                    "the first argument must be a JSON text literal",
                ))
            }
        };
        let mut cache = self
            .cache
            .lock()
            .map_err(|_| exec_err(self.kind, "cache poisoned"))?;
        if let Some((t, p)) = cache.as_ref() {
            if t == text {
                return Ok(p.clone());
            }
        }
        let bad = |e: serde_json::Error| exec_err(self.kind, format!("bad JSON literal: {e}"));
        let parsed = Arc::new(match self.kind {
            Kind::BlockKey => Parsed::Rules(serde_json::from_str(text).map_err(bad)?),
            Kind::Levels => Parsed::Comparisons(serde_json::from_str(text).map_err(bad)?),
            Kind::Weight | Kind::Link => {
                let s: Settings = serde_json::from_str(text).map_err(bad)?;
                let weights =
                    ModelWeights::new(&s.comparisons, s.prior, s.cluster.contradiction_weight);
                Parsed::Model(Box::new((weights, LinkCut::new(&s))))
            }
            Kind::OrderKey | Kind::UnseenPerEdge => {
                return Err(exec_err(self.kind, "takes no JSON literal"))
            }
        });
        *cache = Some((text.clone(), parsed.clone()));
        Ok(parsed)
    }
}

/// A column as `Binary` (record bytes, levels, term frequencies).
fn binary(kind: Kind, a: &ArrayRef) -> Result<ArrayRef> {
    cast(a, &DataType::Binary).map_err(|e| exec_err(kind, e))
}

/// A column as `Int64`.
fn int64(kind: Kind, a: &ArrayRef) -> Result<ArrayRef> {
    cast(a, &DataType::Int64).map_err(|e| exec_err(kind, e))
}

/// A literal integer argument.
fn literal_index(kind: Kind, arg: &ColumnarValue) -> Result<usize> {
    let v = match arg {
        ColumnarValue::Scalar(s) => s.cast_to(&DataType::Int64).ok(),
        _ => None,
    };
    match v {
        Some(ScalarValue::Int64(Some(i))) if i >= 0 => Ok(i as usize),
        _ => Err(exec_err(
            kind,
            "the index argument must be a non-negative integer literal",
        )),
    }
}

impl ScalarUDFImpl for LinkageUdf {
    fn name(&self) -> &str {
        self.kind.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.kind.returns())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let kind = self.kind;
        let n = args.number_rows;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out: ArrayRef = match kind {
            Kind::BlockKey => {
                let parsed = self.parsed(&args.args[0])?;
                let Parsed::Rules(rules) = parsed.as_ref() else {
                    return Err(exec_err(kind, "wrong literal"));
                };
                let index = literal_index(kind, &args.args[1])?;
                let rule = rules
                    .get(index)
                    .ok_or_else(|| exec_err(kind, format!("no rule {index}")))?;
                let recs = binary(kind, &arrays[2])?;
                let recs = recs.as_binary::<i32>();
                let mut b = UInt64Builder::with_capacity(n);
                for i in 0..n {
                    if recs.is_null(i) {
                        b.append_null();
                        continue;
                    }
                    let r = decode_record(recs.value(i)).map_err(|e| exec_err(kind, e))?;
                    b.append_option(block_key(rule, &r));
                }
                Arc::new(b.finish())
            }
            Kind::OrderKey => {
                let part = literal_index(kind, &args.args[1])?;
                if part > 3 {
                    return Err(exec_err(kind, "the part must be 0 to 3"));
                }
                let recs = binary(kind, &arrays[0])?;
                let recs = recs.as_binary::<i32>();
                let mut b = StringBuilder::with_capacity(n, n * 8);
                for i in 0..n {
                    if recs.is_null(i) {
                        b.append_null();
                        continue;
                    }
                    let r = decode_record(recs.value(i)).map_err(|e| exec_err(kind, e))?;
                    b.append_value(window_order_key(&r)[part]);
                }
                Arc::new(b.finish())
            }
            Kind::UnseenPerEdge => {
                let cols: Vec<ArrayRef> = arrays
                    .iter()
                    .map(|a| int64(kind, a))
                    .collect::<Result<_>>()?;
                let (s, f, w) = (
                    cols[0].as_primitive::<Int64Type>(),
                    cols[1].as_primitive::<Int64Type>(),
                    cols[2].as_primitive::<Int64Type>(),
                );
                let mut b = UInt64Builder::with_capacity(n);
                for i in 0..n {
                    if s.is_null(i) || f.is_null(i) || w.is_null(i) {
                        b.append_null();
                        continue;
                    }
                    let (s, f, w) = (s.value(i), f.value(i), w.value(i));
                    if s < 0 || f < 0 || w < 0 {
                        return Err(exec_err(kind, "negative size, pair count or window"));
                    }
                    b.append_value(unseen_per_edge(s as usize, f as u64, w as usize));
                }
                Arc::new(b.finish())
            }
            Kind::Levels => {
                let parsed = self.parsed(&args.args[0])?;
                let Parsed::Comparisons(comparisons) = parsed.as_ref() else {
                    return Err(exec_err(kind, "wrong literal"));
                };
                let (a, b) = (binary(kind, &arrays[1])?, binary(kind, &arrays[2])?);
                let (a, b) = (a.as_binary::<i32>(), b.as_binary::<i32>());
                let mut out = BinaryBuilder::with_capacity(n, n * comparisons.len());
                let mut levels = Vec::with_capacity(comparisons.len());
                for i in 0..n {
                    if a.is_null(i) || b.is_null(i) {
                        out.append_null();
                        continue;
                    }
                    let ra = decode_record(a.value(i)).map_err(|e| exec_err(kind, e))?;
                    let rb = decode_record(b.value(i)).map_err(|e| exec_err(kind, e))?;
                    levels.clear();
                    compare_pair(comparisons, &ra, &rb, &mut levels);
                    out.append_value(&levels);
                }
                Arc::new(out.finish())
            }
            Kind::Weight | Kind::Link => {
                let parsed = self.parsed(&args.args[0])?;
                let Parsed::Model(model) = parsed.as_ref() else {
                    return Err(exec_err(kind, "wrong literal"));
                };
                let (weights, cut) = model.as_ref();
                let (lv, tf) = (binary(kind, &arrays[1])?, binary(kind, &arrays[2])?);
                let (lv, tf) = (lv.as_binary::<i32>(), tf.as_binary::<i32>());
                let mut weight = Float64Builder::with_capacity(n);
                let mut link = Int8Builder::with_capacity(n);
                for i in 0..n {
                    if lv.is_null(i) {
                        weight.append_null();
                        link.append_null();
                        continue;
                    }
                    let tf = match tf.is_null(i) {
                        true => RecordTf::default(),
                        false => RecordTf::decode(tf.value(i)).map_err(|e| exec_err(kind, e))?,
                    };
                    let w = pair_weight(weights, lv.value(i), &tf);
                    weight.append_value(w.total);
                    link.append_option(cut.link_kind(&w));
                }
                match kind {
                    Kind::Weight => Arc::new(weight.finish()) as ArrayRef,
                    _ => Arc::new(link.finish()) as ArrayRef,
                }
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// The crate's scalar functions (see the module docs), for a session or a
/// Ballista executor's function registry.
pub fn udfs() -> Vec<ScalarUDF> {
    Kind::ALL
        .iter()
        .map(|&k| ScalarUDF::from(LinkageUdf::new(k)))
        .collect()
}

/// Registers the crate's functions with a session.
pub fn register(ctx: &datafusion::prelude::SessionContext) {
    for f in udfs() {
        ctx.register_udf(f);
    }
}
