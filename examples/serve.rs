//! An HTTP service over a durable identity store (axum on tokio), JSON in
//! and out.
//!
//! ```text
//! cargo run --release --example serve -- --store customers.db --seed crm.csv web.csv \
//!     --token-file token.txt [--listen 127.0.0.1:8080] [--durability normal|full]
//! ```
//!
//! - `POST /records` `{"source": "web", "id": "W-17", "fields": {"given_name": "Ann", ...}}`
//!   (or an array of them) -> the change: identity, outcome, events, deciding links.
//! - `PUT /records/{source}/{id}` `{"fields": {...}}`, `DELETE /records/{source}/{id}`,
//!   `GET /records/{source}/{id}` (its identity and values).
//! - `POST /match` `{"record": {"source": ..., "fields": {...}}, "k": 5}` -> top identities.
//! - `GET /identities/{id}[?survivorship=most_recent,longest]` -> members and golden record.
//! - `GET /events?since=N&limit=M`, `GET /health`.
//!
//! Every request needs `Authorization: Bearer <token>` (the token file's
//! first line; compared in constant time) unless `--no-auth` is given.
//! It listens on 127.0.0.1 unless `--listen` says otherwise. Request logs
//! (stderr) hold the method, the route (never record ids), the status and
//! the time. At most `--max-concurrent` requests run at once; more get
//! 503. SIGTERM or Ctrl-C finishes the requests in flight, then closes the
//! store.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Path as UrlPath, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use linkage::store::{Durability, IdentityStore, StoreOptions, Survivorship, SurvivorshipRules};
use linkage::{input, Error, FieldKind, Record, Resolver, Settings};

struct Options {
    store: PathBuf,
    seed: Vec<PathBuf>,
    listen: SocketAddr,
    token_file: Option<PathBuf>,
    no_auth: bool,
    durability: Durability,
    max_concurrent: usize,
    max_body: usize,
}

const USAGE: &str = "usage: serve --store FILE [--seed CSV...] (--token-file FILE | --no-auth) \
[--listen 127.0.0.1:8080] [--durability normal|full] [--max-concurrent 64] [--max-body 1048576]";

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        store: PathBuf::new(),
        seed: Vec::new(),
        listen: "127.0.0.1:8080".parse().map_err(|e| format!("{e}"))?,
        token_file: None,
        no_auth: false,
        durability: Durability::Normal,
        max_concurrent: 64,
        max_body: 1 << 20,
    };
    let mut args = std::env::args().skip(1).peekable();
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--store" => o.store = value()?.into(),
            "--listen" => o.listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--token-file" => o.token_file = Some(value()?.into()),
            "--no-auth" => o.no_auth = true,
            "--durability" => {
                o.durability = match value()?.as_str() {
                    "normal" => Durability::Normal,
                    "full" => Durability::Full,
                    v => return Err(format!("--durability: '{v}' is not normal or full")),
                }
            }
            "--max-concurrent" => {
                o.max_concurrent = value()?
                    .parse()
                    .map_err(|e| format!("--max-concurrent: {e}"))?
            }
            "--max-body" => {
                o.max_body = value()?.parse().map_err(|e| format!("--max-body: {e}"))?
            }
            "--seed" => {
                while let Some(f) = args.next_if(|a| !a.starts_with("--")) {
                    o.seed.push(f.into());
                }
            }
            _ => return Err(format!("unknown argument '{a}'")),
        }
    }
    if o.store.as_os_str().is_empty() {
        return Err("--store is required".into());
    }
    if o.token_file.is_none() && !o.no_auth {
        return Err(
            "refusing to start without authentication: give --token-file FILE (or --no-auth)"
                .into(),
        );
    }
    Ok(o)
}

struct App {
    store: Arc<IdentityStore>,
    /// The bearer token (`None`: --no-auth).
    token: Option<Vec<u8>>,
    slots: Arc<Semaphore>,
}

type Shared = Arc<App>;

/// A JSON error: `{"error": "..."}` with a status. Messages name the
/// problem (a field kind, a record id the caller sent), never a value.
struct ApiError {
    status: StatusCode,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError {
        status,
        message: message.into(),
    }
}

fn fail(status: StatusCode, message: impl Into<String>) -> Response {
    error(status, message).into_response()
}

fn store_error(e: Error) -> ApiError {
    let status = match &e {
        Error::UnknownRecord { .. } => StatusCode::NOT_FOUND,
        Error::DuplicateRecord { .. } => StatusCode::CONFLICT,
        Error::UnknownSource { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        return error(status, "the store could not complete the request");
    }
    error(status, e.to_string())
}

fn body_json(body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    let bytes = body.map_err(|r| {
        let status = r.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            error(status, "request body too large")
        } else {
            error(status, "the request body could not be read")
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        // serde_json's message names a position and what was expected,
        // not the content.
        error(
            StatusCode::BAD_REQUEST,
            format!(
                "the body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

/// `{"given_name": "Ann", ...}` -> the record's fields.
fn fields_of(v: Option<&Value>) -> Result<Vec<(FieldKind, String)>, ApiError> {
    let Some(Value::Object(map)) = v else {
        return Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "'fields' must be an object of field kinds to values",
        ));
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let kind: FieldKind = serde_json::from_value(Value::String(k.clone())).map_err(|_| {
            error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown field kind '{}'", truncate(k)),
            )
        })?;
        let value = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            _ => {
                return Err(error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("field '{k}' must be a string"),
                ))
            }
        };
        out.push((kind, value));
    }
    Ok(out)
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str, ApiError> {
    match v.get(key) {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 256 => Ok(s),
        _ => Err(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("'{key}' must be a non-empty string of at most 256 bytes"),
        )),
    }
}

fn record_of(store: &IdentityStore, v: &Value) -> Result<Record, ApiError> {
    let source = text(v, "source")?;
    let id = text(v, "id")?;
    let mut r = Record::new(store.add_source(source), id);
    for (k, value) in fields_of(v.get("fields"))? {
        r.set(k, value);
    }
    Ok(r)
}

/// Runs store work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "the request failed"))
}

fn change_json(c: &linkage::store::Change) -> Value {
    let outcome = match &c.outcome {
        linkage::store::Outcome::Merged { .. } => "merged",
        linkage::store::Outcome::Created => "created",
        linkage::store::Outcome::Attached => "attached",
        linkage::store::Outcome::Updated => "updated",
        linkage::store::Outcome::Removed => "removed",
    };
    json!({
        "record": c.record,
        "identity": c.identity,
        "outcome": outcome,
        "detail": c.outcome,
        "events": c.events,
        "links": c.links,
    })
}

async fn add_records(State(app): State<Shared>, body: Result<Bytes, BytesRejection>) -> Response {
    let v = match body_json(body) {
        Ok(v) => v,
        Err(r) => return r.into_response(),
    };
    let store = app.store.clone();
    let batch = v.is_array();
    let items: Vec<Value> = match v {
        Value::Array(items) => items,
        one => vec![one],
    };
    if items.is_empty() || items.len() > 1000 {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a batch holds 1 to 1000 records",
        );
    }
    let result = blocking(move || {
        // Each record is its own change (committed before the next).
        items
            .iter()
            .map(|item| {
                let r = record_of(&store, item)?;
                store.add(r).map_err(store_error).map(|c| change_json(&c))
            })
            .collect::<Vec<Result<Value, ApiError>>>()
    })
    .await;
    let results = match result {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    if !batch {
        return match results.into_iter().next() {
            Some(Ok(v)) => Json(v).into_response(),
            Some(Err(r)) => r.into_response(),
            None => error(StatusCode::INTERNAL_SERVER_ERROR, "no result").into_response(),
        };
    }
    // A batch answers per record: its change, or its error and status.
    let mut out = Vec::new();
    let mut failed = 0;
    for r in results {
        match r {
            Ok(v) => out.push(v),
            Err(e) => {
                failed += 1;
                out.push(json!({ "status": e.status.as_u16(), "error": e.message }));
            }
        }
    }
    let status = if failed == 0 {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    (status, Json(json!({ "results": out, "failed": failed }))).into_response()
}

async fn update_record(
    State(app): State<Shared>,
    UrlPath((source, id)): UrlPath<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let v = match body_json(body) {
        Ok(v) => v,
        Err(r) => return r.into_response(),
    };
    let store = app.store.clone();
    blocking(move || {
        if !store.sources().contains(&source) {
            return Err(error(StatusCode::NOT_FOUND, "unknown source"));
        }
        let fields = fields_of(v.get("fields"))?;
        let mut r = Record::new(store.add_source(&source), id);
        for (k, value) in fields {
            r.set(k, value);
        }
        store
            .update(r)
            .map_err(store_error)
            .map(|c| change_json(&c))
    })
    .await
    .and_then(|r| r)
    .map_or_else(IntoResponse::into_response, |v| Json(v).into_response())
}

async fn remove_record(
    State(app): State<Shared>,
    UrlPath((source, id)): UrlPath<(String, String)>,
) -> Response {
    let store = app.store.clone();
    blocking(move || {
        store
            .remove(&source, &id)
            .map_err(store_error)
            .map(|c| change_json(&c))
    })
    .await
    .and_then(|r| r)
    .map_or_else(IntoResponse::into_response, |v| Json(v).into_response())
}

async fn get_record(
    State(app): State<Shared>,
    UrlPath((source, id)): UrlPath<(String, String)>,
) -> Response {
    let store = app.store.clone();
    blocking(move || {
        let r = store.record(&source, &id)?;
        let identity = store.identity_of(&source, &id)?;
        let fields: serde_json::Map<String, Value> = r
            .fields
            .iter()
            .map(|(k, v)| {
                let k = serde_json::to_value(k)
                    .ok()
                    .and_then(|k| k.as_str().map(String::from));
                (k.unwrap_or_default(), Value::String(v.clone()))
            })
            .collect();
        Some(json!({ "source": source, "id": id, "identity": identity, "fields": fields }))
    })
    .await
    .map_or_else(IntoResponse::into_response, |v| match v {
        Some(v) => Json(v).into_response(),
        None => error(StatusCode::NOT_FOUND, "no such record").into_response(),
    })
}

async fn match_record(State(app): State<Shared>, body: Result<Bytes, BytesRejection>) -> Response {
    let v = match body_json(body) {
        Ok(v) => v,
        Err(r) => return r.into_response(),
    };
    let k = match v.get("k") {
        None => 5,
        Some(k) => match k.as_u64() {
            Some(k @ 1..=100) => k as usize,
            _ => return fail(StatusCode::UNPROCESSABLE_ENTITY, "'k' must be 1 to 100"),
        },
    };
    let Some(rec) = v.get("record") else {
        return fail(StatusCode::UNPROCESSABLE_ENTITY, "'record' is required");
    };
    let store = app.store.clone();
    let rec = rec.clone();
    blocking(move || {
        // A probe's source need not be registered (nothing is stored).
        let source = rec
            .get("source")
            .and_then(Value::as_str)
            .and_then(|s| store.sources().iter().position(|x| x == s))
            .unwrap_or(0) as u32;
        let id = rec.get("id").and_then(Value::as_str).unwrap_or("probe");
        let mut r = Record::new(source, id);
        for (kind, value) in fields_of(rec.get("fields"))? {
            r.set(kind, value);
        }
        let found = store.match_record(&r, k).map_err(store_error)?;
        Ok(found
            .into_iter()
            .map(|m| {
                let mut deciding: Vec<_> = m
                    .explanation
                    .fields
                    .iter()
                    .filter(|f| f.weight + f.tf_adjustment != 0.0)
                    .map(|f| {
                        json!({
                            "comparison": f.comparison,
                            "level": f.label,
                            "weight": f.weight + f.tf_adjustment,
                        })
                    })
                    .collect();
                deciding.sort_by(|a, b| {
                    let w = |x: &Value| x["weight"].as_f64().unwrap_or(0.0).abs();
                    w(b).total_cmp(&w(a))
                });
                json!({
                    "identity": m.identity,
                    "probability": m.probability,
                    "weight": m.weight,
                    "is_match": m.is_match,
                    "deciding_fields": deciding,
                })
            })
            .collect::<Vec<_>>())
    })
    .await
    .and_then(|r| r)
    .map_or_else(IntoResponse::into_response, |v| {
        Json(json!({ "matches": v })).into_response()
    })
}

#[derive(Deserialize)]
struct IdentityQuery {
    survivorship: Option<String>,
}

async fn identity(
    State(app): State<Shared>,
    UrlPath(id): UrlPath<String>,
    query: Result<Query<IdentityQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return fail(StatusCode::BAD_REQUEST, "an identity id is a number");
    };
    let Ok(Query(q)) = query else {
        return fail(StatusCode::BAD_REQUEST, "unknown query parameters");
    };
    let mut rules = SurvivorshipRules::default();
    if let Some(list) = q.survivorship {
        let parsed: Result<Vec<Survivorship>, _> = list
            .split(',')
            .map(|s| serde_json::from_value(Value::String(s.trim().to_string())))
            .collect();
        match parsed {
            Ok(r) if !r.is_empty() => rules.default = r,
            _ => {
                return fail(
                    StatusCode::BAD_REQUEST,
                    "survivorship: a comma-separated list of valid_only, most_recent, \
                     most_frequent, longest, most_complete, source_priority",
                )
            }
        }
    }
    let store = app.store.clone();
    blocking(move || {
        let live = store.resolve_id(id)?;
        let golden = store.golden_record(live, &rules)?;
        Some(json!({
            "identity": live,
            "asked": id,
            "merged_into": (live != id).then_some(live),
            "members": store.records_of(live),
            "golden": golden,
        }))
    })
    .await
    .map_or_else(IntoResponse::into_response, |v| match v {
        Some(v) => Json(v).into_response(),
        None => error(StatusCode::NOT_FOUND, "no such identity").into_response(),
    })
}

#[derive(Deserialize)]
struct EventsQuery {
    since: Option<u64>,
    limit: Option<usize>,
}

async fn events(
    State(app): State<Shared>,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return fail(StatusCode::BAD_REQUEST, "since and limit are numbers");
    };
    let since = q.since.unwrap_or(0);
    let limit = q.limit.unwrap_or(100).clamp(1, 10_000);
    let store = app.store.clone();
    blocking(move || store.events(since, limit).map_err(store_error))
        .await
        .and_then(|r| r)
        .map_or_else(IntoResponse::into_response, |ev| {
            let next = ev.last().map_or(since, |e| e.seq + 1);
            Json(json!({ "events": ev, "next": next })).into_response()
        })
}

async fn health(State(app): State<Shared>) -> Response {
    let store = app.store.clone();
    blocking(move || json!({ "status": "ok", "records": store.len(), "identities": store.identity_count() }))
        .await
        .map_or_else(IntoResponse::into_response, |v| Json(v).into_response())
}

async fn not_found() -> Response {
    fail(StatusCode::NOT_FOUND, "no such endpoint")
}

/// Bearer token check, in constant time over the token's bytes.
async fn auth(State(app): State<Shared>, req: Request, next: Next) -> Response {
    if let Some(token) = &app.token {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|h| h.as_bytes().strip_prefix(b"Bearer "))
            .unwrap_or(b"");
        let ok = given.len() == token.len() && bool::from(given.ct_eq(token));
        if !ok {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                Json(json!({ "error": "missing or wrong bearer token" })),
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// At most `--max-concurrent` requests at once; the next gets 503 at once.
async fn limit(State(app): State<Shared>, req: Request, next: Next) -> Response {
    match app.slots.clone().try_acquire_owned() {
        Ok(_permit) => next.run(req).await,
        Err(_) => fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many requests in flight",
        ),
    }
}

/// One log line per request: method, route template (no ids), status, time.
async fn log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)".to_string(), |p| p.as_str().to_string());
    let t = Instant::now();
    let resp = next.run(req).await;
    eprintln!(
        "request method={method} route={route} status={} ms={:.2}",
        resp.status().as_u16(),
        t.elapsed().as_secs_f64() * 1e3
    );
    resp
}

fn open_store(o: &Options) -> Result<IdentityStore, Box<dyn std::error::Error>> {
    let options = StoreOptions::durability(o.durability);
    if o.store.exists() {
        if !o.seed.is_empty() {
            return Err(format!(
                "{} exists: it is opened as it is (leave out --seed, or remove the file)",
                o.store.display()
            )
            .into());
        }
        return Ok(IdentityStore::open(&o.store, &options)?);
    }
    if o.seed.is_empty() {
        return Err(format!(
            "{} does not exist: give --seed CSV files",
            o.store.display()
        )
        .into());
    }
    let t = Instant::now();
    let (data, _, _) = input::read_csv_files(&o.seed, &input::CsvOptions::default())?;
    let res = Resolver::new(Settings::default())?.resolve(&data)?;
    let store = IdentityStore::from_resolution(&data, &res)?.persist(&o.store, &options)?;
    eprintln!(
        "seeded {} records in {} identities from {} files in {:.1?}",
        store.len(),
        store.identity_count(),
        o.seed.len(),
        t.elapsed()
    );
    Ok(store)
}

fn read_token(path: &Path) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let token = text.lines().next().unwrap_or("").trim();
    if token.len() < 16 {
        return Err(format!(
            "{}: the token must be at least 16 characters",
            path.display()
        ));
    }
    Ok(token.as_bytes().to_vec())
}

async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = term => {},
        _ = tokio::signal::ctrl_c() => {},
    }
    eprintln!("shutting down: finishing requests in flight");
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let token = match &o.token_file {
        Some(p) if !o.no_auth => match read_token(p) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        _ => None,
    };
    if token.is_none() {
        eprintln!("warning: --no-auth: every request is let in");
    }
    let store = match open_store(&o) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let app = Arc::new(App {
        store: store.clone(),
        token,
        slots: Arc::new(Semaphore::new(o.max_concurrent.max(1))),
    });
    let router = Router::new()
        .route("/records", post(add_records))
        .route(
            "/records/{source}/{id}",
            put(update_record).delete(remove_record).get(get_record),
        )
        .route("/match", post(match_record))
        .route("/identities/{id}", get(identity))
        .route("/events", get(events))
        .route("/health", get(health))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(o.max_body))
        .layer(middleware::from_fn_with_state(app.clone(), limit))
        .layer(middleware::from_fn_with_state(app.clone(), auth))
        .layer(middleware::from_fn(log))
        .with_state(app.clone());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(o.listen).await?;
        eprintln!(
            "listening on http://{} ({} records, {} identities)",
            listener.local_addr()?,
            store.len(),
            store.identity_count()
        );
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    });
    drop(runtime);
    drop(app);
    let closed = match Arc::try_unwrap(store) {
        Ok(s) => s.close().map_err(|e| e.to_string()),
        Err(_) => Err("the store is still in use".into()),
    };
    match (served, closed) {
        (Ok(()), Ok(())) => {
            eprintln!("store closed");
            ExitCode::SUCCESS
        }
        (Err(e), _) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        (_, Err(e)) => {
            eprintln!("error closing the store: {e}");
            ExitCode::FAILURE
        }
    }
}
