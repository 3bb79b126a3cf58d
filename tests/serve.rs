//! The HTTP service example (`examples/serve.rs`): every endpoint refuses
//! a request without the right token, answers bad input with JSON errors
//! that hold no personal values, logs no ids or values, and stops cleanly
//! on SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../examples/common/http.rs"]
mod http;
use http::{free_port, Client};

const TOKEN: &str = "test-token-5f2c9a71d3e84b06";
const SECRET: &str = "Xyloquintia";
const MAIL: &str = "xyloquintia.vantreek@example.org";

/// The example binary, built by `cargo test` beside the test binaries.
fn serve_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    dir.join("examples").join("serve")
}

struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

/// A server is stopped however the test ends (a failed assertion too).
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, extra: &[&str]) -> Server {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let token = dir.join("token");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let log = dir.join("server.log");
    let mut cmd = Command::new(serve_binary());
    cmd.arg("--store")
        .arg(dir.join("store.db"))
        .arg("--listen")
        .arg(addr.to_string())
        .arg("--token-file")
        .arg(&token)
        .args(extra)
        .arg("--seed");
    for s in ["crm", "pos", "web", "billing"] {
        cmd.arg(data.join(format!("{s}.csv")));
    }
    let child = cmd
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("the serve example is built by cargo test");
    let mut server = Server { child, addr, log };
    let t = Instant::now();
    loop {
        let mut c = Client::new(addr, Some(TOKEN.into()));
        if c.send("GET", "/health", None)
            .is_ok_and(|r| r.status == 200)
        {
            return server;
        }
        if let Ok(Some(s)) = server.child.try_wait() {
            panic!(
                "the server exited: {s}: {}",
                std::fs::read_to_string(&server.log).unwrap()
            );
        }
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("linkage-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn record_body(id: &str) -> String {
    format!(
        r#"{{"source": "web", "id": "{id}", "fields": {{"given_name": "{SECRET}", "surname": "Vantreek", "email": "{MAIL}"}}}}"#
    )
}

#[test]
fn every_endpoint_refuses_a_request_without_the_token() {
    let dir = temp("auth");
    let mut server = start(&dir, &[]);
    let body = record_body("T-0");
    let endpoints: [(&str, &str, Option<&str>); 10] = [
        ("POST", "/records", Some(&body)),
        ("PUT", "/records/web/T-0", Some(&body)),
        ("DELETE", "/records/web/T-0", None),
        ("GET", "/records/web/T-0", None),
        (
            "POST",
            "/match",
            Some(r#"{"record": {"fields": {"surname": "Lee"}}}"#),
        ),
        ("GET", "/identities/0", None),
        ("GET", "/identities/0?survivorship=most_recent", None),
        ("GET", "/events?since=0&limit=5", None),
        ("GET", "/health", None),
        ("GET", "/no-such-endpoint", None),
    ];
    let wrong = Some(format!("{}x", &TOKEN[..TOKEN.len() - 1]));
    for token in [
        None,
        wrong,
        Some(String::new()),
        Some(TOKEN[..8].to_string()),
    ] {
        let mut c = Client::new(server.addr, token.clone());
        for (method, path, body) in endpoints {
            let r = c.send(method, path, body).unwrap();
            assert_eq!(r.status, 401, "{method} {path} with token {token:?}");
            assert_eq!(r.json()["error"], "missing or wrong bearer token");
        }
    }
    // Nothing was written by the refused requests.
    let mut c = Client::new(server.addr, Some(TOKEN.into()));
    assert_eq!(c.send("GET", "/records/web/T-0", None).unwrap().status, 404);
    for (method, path, body) in endpoints {
        let r = c.send(method, path, body).unwrap();
        assert_ne!(r.status, 401, "{method} {path} with the token");
    }
    stop(&mut server);
}

fn stop(server: &mut Server) -> String {
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.child.wait().unwrap();
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(exit.success(), "SIGTERM: clean exit, got {exit}: {log}");
    assert!(log.contains("store closed"), "{log}");
    log
}

#[test]
fn the_service_resolves_records_and_answers_bad_input_without_values() {
    let dir = temp("api");
    let mut server = start(&dir, &["--max-body", "4096"]);
    let mut c = Client::new(server.addr, Some(TOKEN.into()));

    let r = c
        .send("POST", "/records", Some(&record_body("T-1")))
        .unwrap();
    assert_eq!(r.status, 200);
    let added = r.json();
    assert_eq!(added["outcome"], "created");
    let identity = added["identity"].as_u64().unwrap();
    assert!(added["events"].as_array().is_some_and(|e| !e.is_empty()));
    // A batch, one result per record.
    let batch = format!("[{}, {}]", record_body("T-2"), record_body("T-1"));
    let r = c.send("POST", "/records", Some(&batch)).unwrap();
    assert_eq!(r.status, 207);
    let results = r.json()["results"].as_array().cloned().unwrap();
    assert_eq!(results[0]["outcome"], "attached");
    assert_eq!(results[1]["status"], 409);

    let r = c.send("GET", "/records/web/T-1", None).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["fields"]["given_name"], SECRET);
    let probe = format!(
        r#"{{"record": {{"fields": {{"given_name": "{SECRET}", "surname": "Vantreek", "email": "{MAIL}"}}}}, "k": 3}}"#
    );
    let r = c.send("POST", "/match", Some(&probe)).unwrap();
    assert_eq!(r.status, 200);
    let best = &r.json()["matches"][0];
    assert_eq!(best["identity"].as_u64(), Some(identity));
    assert_eq!(best["is_match"], true);
    assert!(best["deciding_fields"]
        .as_array()
        .is_some_and(|f| !f.is_empty()));
    let r = c
        .send(
            "GET",
            &format!("/identities/{identity}?survivorship=longest,most_recent"),
            None,
        )
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["members"].as_array().map(Vec::len), Some(2));
    let r = c.send("GET", "/events?since=1&limit=2", None).unwrap();
    let events = r.json();
    assert_eq!(events["events"].as_array().map(Vec::len), Some(2));
    assert_eq!(events["events"][0]["seq"], 1);
    assert_eq!(events["next"], 3);
    let update = r#"{"fields": {"given_name": "Quennimore", "surname": "Vantreek"}}"#;
    let r = c.send("PUT", "/records/web/T-2", Some(update)).unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        c.send("DELETE", "/records/web/T-2", None).unwrap().status,
        200
    );

    // Errors: JSON, a status that says what, never the values sent.
    let cases: Vec<(&str, String, Option<String>, u16)> = vec![
        ("DELETE", "/records/web/T-2".into(), None, 404),
        ("PUT", "/records/web/T-404".into(), Some(update.into()), 404),
        ("PUT", "/records/nosource/T-1".into(), Some(update.into()), 404),
        ("GET", "/records/web/T-404".into(), None, 404),
        ("GET", "/identities/987654321".into(), None, 404),
        ("GET", "/identities/abc".into(), None, 400),
        ("GET", "/identities/0?survivorship=tallest".into(), None, 400),
        ("GET", "/events?since=minus".into(), None, 400),
        ("POST", "/records".into(), Some(format!("{{\"source\": \"web\", \"id\": \"T-9\", \"fields\": {{\"given_name\": \"{SECRET}\"")), 400),
        ("POST", "/records".into(), Some(format!(r#"{{"source": "web", "id": "T-9", "fields": {{"shoe_size": "{SECRET}"}}}}"#)), 422),
        ("POST", "/records".into(), Some(format!(r#"{{"source": "web", "fields": {{"given_name": "{SECRET}"}}}}"#)), 422),
        ("POST", "/records".into(), Some(format!(r#"{{"source": "web", "id": "T-9", "fields": {{"given_name": ["{SECRET}"]}}}}"#)), 422),
        ("POST", "/match".into(), Some(format!(r#"{{"record": {{"fields": {{"given_name": "{SECRET}"}}}}, "k": 0}}"#)), 422),
        ("POST", "/records".into(), Some(format!(r#"{{"source": "web", "id": "T-9", "fields": {{"given_name": "{}"}}}}"#, SECRET.repeat(400))), 413),
    ];
    for (method, path, body, want) in cases {
        let r = c.send(method, &path, body.as_deref()).unwrap();
        assert_eq!(
            r.status,
            want,
            "{method} {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let text = String::from_utf8_lossy(&r.body);
        assert!(r.json()["error"].is_string(), "{method} {path}: {text}");
        assert!(
            !text.contains(SECRET) && !text.contains("xyloquintia"),
            "{method} {path}: {text}"
        );
    }
    let log = stop(&mut server);
    // Logs: routes and statuses, never ids or values.
    assert!(
        log.contains("request method=POST route=/records status=200"),
        "{log}"
    );
    assert!(
        log.contains("route=/records/{source}/{id} status=404"),
        "{log}"
    );
    for leak in [
        SECRET,
        "xyloquintia",
        "Vantreek",
        "T-1",
        "T-2",
        "Quennimore",
    ] {
        assert!(!log.contains(leak), "'{leak}' in the server log");
    }

    // The store kept every acknowledged change across the restart.
    let token = dir.join("token");
    let mut cmd = Command::new(serve_binary());
    let addr = format!("127.0.0.1:{}", free_port());
    let mut again = cmd
        .args([
            "--store",
            dir.join("store.db").to_str().unwrap(),
            "--listen",
            &addr,
            "--token-file",
            token.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut c = Client::new(addr.parse().unwrap(), Some(TOKEN.into()));
    let t = Instant::now();
    let r = loop {
        if let Ok(r) = c.send("GET", "/records/web/T-1", None) {
            break r;
        }
        assert!(t.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(r.status, 200);
    assert_eq!(c.send("GET", "/records/web/T-2", None).unwrap().status, 404);
    let _ = again.kill();
    let _ = again.wait();
    drop(server);
}

#[test]
fn the_service_refuses_to_start_without_a_token_or_no_auth() {
    let dir = temp("refuse");
    let out = Command::new(serve_binary())
        .args(["--store", dir.join("s.db").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token-file"));
    // A token too short to be a secret is refused too.
    std::fs::write(dir.join("t"), "short\n").unwrap();
    let out = Command::new(serve_binary())
        .args([
            "--store",
            dir.join("s.db").to_str().unwrap(),
            "--token-file",
            dir.join("t").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
