//! A headless Chromium as a phone-sized window, driven through WebDriver,
//! with the checks every screen gets.

use crate::*;

fn chromedriver_binary() -> PathBuf {
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let bin = PathBuf::from(bin);
    assert!(
        bin.exists(),
        "chromedriver not found at {}: install Debian's chromium-driver (scripts/setup --test) or set CHROMEDRIVER",
        bin.display()
    );
    bin
}

fn chromium_binary() -> PathBuf {
    let bin =
        PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    assert!(
        bin.exists(),
        "Chromium not found at {}: install Debian's chromium (scripts/setup --test) or set CHROMIUM",
        bin.display()
    );
    bin
}

/// axe-core's script, installed by `scripts/setup --test` (pinned in
/// scripts/axe/package-lock.json); read once per test binary.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = match std::env::var("AXE_JS") {
            Ok(p) => PathBuf::from(p),
            Err(_) => std::env::var("CARGO_TARGET_DIR")
                .map(|d| workspace_root().join(d))
                .unwrap_or_else(|_| workspace_root().join("target"))
                .join("axe/node_modules/axe-core/axe.min.js"),
        };
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is missing at {} ({e}): run `scripts/setup --test` or set AXE_JS",
                path.display()
            )
        })
    })
}

/// The WCAG levels every screen is checked against.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// A headless Chromium as a phone-sized window, driven through WebDriver.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
    /// chromedriver's address.
    driver: String,
}

/// Opens every closed `<details>` around an element (not when the element is
/// a summary: clicking it opens its own), then centres it on the screen.
const UNFOLD_AND_CENTER: &str = "const el = arguments[0];
if (!el.closest('summary')) {
  for (let d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
    d.open = true;
  }
}
el.scrollIntoView({block: 'center'});";

/// Runs `checks` in a fresh browser, then always closes the session and stops
/// chromedriver, before passing on the checks' panic, if any.
pub async fn with_browser<F, Fut>(server: &Server, checks: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browsers(server, 1, move |mut browsers| {
        checks(browsers.pop().expect("one browser"))
    })
    .await;
}

/// A chromedriver and its Chromium session, stopped when dropped.
struct Driver {
    client: Client,
    /// chromedriver's address, for the commands fantoccini lacks.
    url: String,
    _process: Process,
    _profile: ScratchDir,
}

/// How a browser is set up beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserOptions {
    /// The browser's default font size in px (16 unless set): 32 is "200% text".
    pub default_font_px: Option<u32>,
    /// The browser's language (`--lang`), e.g. `en-US`.
    pub lang: Option<&'static str>,
    /// Navigations return once the document is parsed, not loaded (a page
    /// whose wasm is held back never finishes loading).
    pub eager: bool,
    /// The meeting's audio: a fake microphone granted without a prompt,
    /// peer connections over loopback, and sound without a tap.
    pub media: bool,
}

/// [`with_browser`] with a browser set up as `options` says.
pub async fn with_browser_options<F, Fut>(server: &Server, options: BrowserOptions, checks: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browsers_options(server, 1, options, move |mut browsers| {
        checks(browsers.pop().expect("one browser"))
    })
    .await;
}

async fn open_driver(options: BrowserOptions) -> Driver {
    let profile = ScratchDir::new("profile");
    let port = free_port();
    let process = Process(
        Command::new(chromedriver_binary())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--window-size=390,844".into(),
        format!("--user-data-dir={}", profile.0.display()),
    ];
    if options.media {
        args.extend(
            [
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required",
            ]
            .map(String::from),
        );
    }
    let mut prefs = json!({});
    if let Some(lang) = options.lang {
        args.push(format!("--lang={lang}"));
        prefs["intl.accept_languages"] = json!(lang);
    }
    if let Some(px) = options.default_font_px {
        // The setting a person changes under "Font size" in Chrome's settings.
        prefs["webkit.webprefs.default_font_size"] = json!(px);
    }
    let caps = json!({
        "pageLoadStrategy": if options.eager { "eager" } else { "normal" },
        "goog:chromeOptions": {
            "binary": chromium_binary(),
            "args": args,
            "prefs": prefs,
        },
        // The browser's console, where Chromium reports what the
        // Content-Security-Policy refused (read by `csp_violations`).
        "goog:loggingPrefs": {"browser": "ALL"},
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    // chromedriver needs a moment before it listens.
    let started = Instant::now();
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if started.elapsed() < WAIT => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot open a WebDriver session on chromedriver: {e}"),
        }
    };
    Driver {
        client,
        url: format!("http://127.0.0.1:{port}"),
        _process: process,
        _profile: profile,
    }
}

/// Runs `checks` with `n` separate browsers (separate profiles, so separate
/// logins), then always closes every session, before passing on a panic.
pub async fn with_browsers<F, Fut>(server: &Server, n: usize, checks: F)
where
    F: FnOnce(Vec<Browser>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_browsers_options(server, n, BrowserOptions::default(), checks).await;
}

/// [`with_browsers`] with every browser set up as `options` says.
pub async fn with_browsers_options<F, Fut>(
    server: &Server,
    n: usize,
    options: BrowserOptions,
    checks: F,
) where
    F: FnOnce(Vec<Browser>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut drivers = Vec::with_capacity(n);
    for _ in 0..n {
        drivers.push(open_driver(options).await);
    }
    let browsers = drivers
        .iter()
        .map(|d| Browser {
            client: d.client.clone(),
            base: server.url.clone(),
            driver: d.url.clone(),
        })
        .collect::<Vec<_>>();
    let watched = browsers.clone();
    let outcome = tokio::spawn(checks(browsers)).await;
    // The app runs under the server's Content-Security-Policy: anything it
    // refused is a defect of the app, whatever the checks saw.
    let mut violations = Vec::new();
    if outcome.is_ok() {
        for b in &watched {
            violations.extend(b.csp_violations().await);
        }
    }
    for d in &drivers {
        let _ = d.client.clone().close().await;
    }
    drop(drivers);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("the checks did not finish: {e}"),
        }
    }
    assert!(
        violations.is_empty(),
        "the Content-Security-Policy refused something:\n{}",
        violations.join("\n")
    );
}

impl Browser {
    /// What the Content-Security-Policy refused since the last call: the
    /// browser's console entries that report it (Chromium's own, and the
    /// app's `securitypolicyviolation` listener in boot.js). Reading empties the log.
    pub async fn csp_violations(&self) -> Vec<String> {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let res = reqwest::Client::new()
            .post(format!("{}/session/{session}/se/log", self.driver))
            .json(&json!({"type": "browser"}))
            .send()
            .await
            .expect("read the browser log");
        let log: Value = res.json().await.expect("the browser log as JSON");
        log["value"]
            .as_array()
            .unwrap_or_else(|| panic!("no browser log: {log}"))
            .iter()
            .filter_map(|entry| entry["message"].as_str())
            .filter(|m| {
                m.contains("Content Security Policy") || m.contains("Content-Security-Policy")
            })
            .map(str::to_string)
            .collect()
    }

    /// Checks the page as it is now with axe-core against WCAG 2.2 A and AA:
    /// fails listing each violation (rule, impact, elements); prints what axe
    /// could not decide ("incomplete", to be reviewed by a person). The
    /// script goes in through WebDriver, which the page's CSP does not govern.
    pub async fn axe(&self, what: &str) {
        let loaded = self.eval("return typeof window.axe === 'object'").await;
        if loaded != json!(true) {
            self.client
                .execute(&format!("{}\nreturn true;", axe_source()), vec![])
                .await
                .unwrap_or_else(|e| panic!("inject axe-core: {e}"));
        }
        let script = "const done = arguments[arguments.length - 1];
            const brief = (list) => list.map(r => ({
                id: r.id, impact: r.impact, help: r.help,
                nodes: r.nodes.slice(0, 6).map(n => ({
                    target: n.target.join(' '),
                    why: (n.failureSummary || (n.any[0] && n.any[0].message) || '').slice(0, 300)
                        + [...n.any, ...n.all, ...n.none].flatMap(c => c.relatedNodes || [])
                            .slice(0, 2).map(x => ' [with ' + x.target.join(' ') + ']').join(''),
                })),
            }));
            // From the top of the page: what scrolled under the fixed bars
            // would be taken for text hidden by them.
            const [x, y] = [window.scrollX, window.scrollY];
            window.scrollTo(0, 0);
            axe.run(document, {
                runOnly: {type: 'tag', values: arguments[0]},
                resultTypes: ['violations', 'incomplete'],
            }).then(r => {
                window.scrollTo(x, y);
                done({violations: brief(r.violations), incomplete: brief(r.incomplete)});
            }, e => done({error: String(e)}));";
        let out = self
            .client
            .execute_async(script, vec![json!(AXE_TAGS)])
            .await
            .unwrap_or_else(|e| panic!("run axe-core on {what}: {e}"));
        assert!(
            out["error"].is_null(),
            "axe-core failed on {what}: {}",
            out["error"]
        );
        let list = |key: &str| -> Vec<String> {
            out[key]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    let nodes: Vec<String> = r["nodes"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .map(|n| {
                            format!(
                                "    {} — {}",
                                n["target"].as_str().unwrap_or(""),
                                n["why"].as_str().unwrap_or("").replace('\n', " ")
                            )
                        })
                        .collect();
                    format!(
                        "  {} ({}): {}\n{}",
                        r["id"].as_str().unwrap_or("?"),
                        r["impact"].as_str().unwrap_or("?"),
                        r["help"].as_str().unwrap_or(""),
                        nodes.join("\n")
                    )
                })
                .collect()
        };
        let incomplete = list("incomplete");
        if !incomplete.is_empty() {
            println!("axe, needs review on {what}:\n{}", incomplete.join("\n"));
        }
        let violations = list("violations");
        assert!(
            violations.is_empty(),
            "axe-core: {} WCAG 2.2 AA violation(s) on {what} ({}):\n{}",
            violations.len(),
            self.path().await,
            violations.join("\n")
        );
    }

    /// Runs a Chrome DevTools command through chromedriver (what WebDriver lacks).
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let res = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.driver
            ))
            .json(&json!({"cmd": cmd, "params": params}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{cmd} refused: {body}");
        body["value"].clone()
    }

    /// Sets a permission for the page's origin as if the person had
    /// answered the browser's prompt (WebDriver's Set Permission; e.g.
    /// `notifications`, `granted` or `denied`).
    pub async fn set_permission(&self, name: &str, state: &str) {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let res = reqwest::Client::new()
            .post(format!("{}/session/{session}/permissions", self.driver))
            .json(&json!({"descriptor": {"name": name}, "state": state}))
            .send()
            .await
            .expect("set a permission");
        assert!(
            res.status().is_success(),
            "chromedriver refused to set {name} to {state}: {}",
            res.text().await.unwrap_or_default()
        );
    }

    /// Runs `script` with a `done` callback as its last argument; its value.
    pub async fn eval_async(&self, script: &str) -> Value {
        self.client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Opens `path` and waits until the app runs there (or cannot), so that
    /// what follows meets the app, not index.html's login form, which the app
    /// replaces when it starts (tests/tests/end_to_end/shell.rs tests that form).
    pub async fn goto(&self, path: &str) {
        self.open(path).await;
        self.wait_js(
            "const s = document.getElementById('shell');
             return !s || s.dataset.app === 'waiting' || !!document.querySelector('#boot button');",
            &format!("the app to start on {path}"),
        )
        .await;
    }

    /// Opens `path`, without waiting for the app.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn set_width(&self, width: u32) {
        self.client
            .set_window_size(width, 800)
            .await
            .expect("resize the window");
        let inner = self.eval("return window.innerWidth").await;
        assert_eq!(inner, json!(width), "the window did not take width {width}");
    }

    /// Waits for an element matching `css` (the app renders after the wasm loads).
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => el,
            Err(e) => panic!(
                "no element `{css}` on {}: {e}\npage text: {}",
                self.path().await,
                self.client.source().await.unwrap_or_default()
            ),
        }
    }

    /// Waits until the element `css` shows text containing `want`; returns its text.
    pub async fn wait_text(&self, css: &str, want: &str) -> String {
        let started = Instant::now();
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(want) {
                return text;
            }
            if started.elapsed() > WAIT {
                panic!(
                    "`{css}` on {} never showed “{want}”; it shows “{text}”",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let started = Instant::now();
        loop {
            let el = self.find(css).await;
            self.center(&el).await;
            let typed = match el.clear().await {
                Ok(()) => el.send_keys(text).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return,
                // index.html's login form is shown by its script a moment
                // after the page, and the app replaces it while untouched:
                // the field found may not be shown yet, or gone. Find it again.
                Err(_) if started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("type into `{css}`: {e}"),
            }
        }
    }

    /// Clicks `css` once it is there, scrolled to the middle of the screen (not
    /// under the bottom navigation).
    pub async fn click(&self, css: &str) {
        let started = Instant::now();
        loop {
            let el = self.find(css).await;
            self.center(&el).await;
            match el.click().await {
                Ok(()) => return,
                // As in `type_into`: index.html's login form not shown yet, or replaced.
                Err(_) if started.elapsed() < WAIT => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("click `{css}`: {e}"),
            }
        }
    }

    /// Unfolds the closed `<details>` around `el` (a person opens a folded
    /// section before using what is in it), and scrolls it to the middle.
    pub async fn center(&self, el: &fantoccini::elements::Element) {
        let arg = serde_json::to_value(el).expect("an element as an argument");
        let _ = self.client.execute(UNFOLD_AND_CENTER, vec![arg]).await;
    }

    /// Unfolds the sections around `css` (see `center`), for a field used
    /// without `click` or `type_into`, such as a select.
    pub async fn reveal(&self, css: &str) -> fantoccini::elements::Element {
        let el = self.find(css).await;
        self.center(&el).await;
        el
    }

    /// Fails unless the page fits the window's width (no horizontal scroll).
    pub async fn assert_fits(&self, what: &str) {
        let over = self
            .eval("return document.documentElement.scrollWidth - window.innerWidth")
            .await;
        assert!(
            over.as_i64().unwrap_or(1) <= 0,
            "{what}: the page is {over} px wider than the window"
        );
    }

    /// Downloads what the link `css` points to, with the browser's session
    /// cookie, as the person's click would.
    pub async fn download_link(&self, css: &str) -> Vec<u8> {
        let href = self
            .find(css)
            .await
            .attr("href")
            .await
            .expect("an attribute")
            .expect("the link's address");
        let cookie = self
            .client
            .get_named_cookie("chibo_session")
            .await
            .expect("the session cookie");
        reqwest::Client::new()
            .get(format!("{}{href}", self.base))
            .header("cookie", format!("chibo_session={}", cookie.value()))
            .send()
            .await
            .expect("the download")
            .bytes()
            .await
            .expect("its bytes")
            .to_vec()
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// The page's own `fetch` with its session cookie: what any script in the page could do.
    pub async fn fetch_status(&self, path: &str) -> u16 {
        let script = "const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: 'same-origin'})
                .then(r => done(r.status), () => done(0));";
        let status = self
            .client
            .execute_async(script, vec![json!(path)])
            .await
            .expect("fetch from the page");
        status.as_u64().expect("a status") as u16
    }

    /// Waits until `script` (a `return …` expression) gives `true`.
    pub async fn wait_js(&self, script: &str, what: &str) {
        let started = Instant::now();
        while self.eval(script).await != json!(true) {
            assert!(started.elapsed() < WAIT, "waited too long for {what}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// In a live room, the chair marks present every member not marked yet.
    pub async fn mark_the_rest_in_person(&self) {
        let unmarked = "li.roll-row[data-marked='false'] button[data-presence='in_person']";
        let started = Instant::now();
        loop {
            let left = self
                .client
                .find_all(Locator::Css(unmarked))
                .await
                .expect("the roll");
            let Some(first) = left.first() else { break };
            let count = left.len();
            self.center(first).await;
            if let Err(e) = first.click().await {
                // The roll is drawn again as events arrive (the chair's own
                // check-in, a resize): a button found just before may be
                // gone or not laid out yet. Find it again, for a while.
                assert!(started.elapsed() < WAIT, "mark present: {e}");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            self.wait_js(
                &format!("return document.querySelectorAll(\"{unmarked}\").length < {count}"),
                "the mark to arrive",
            )
            .await;
        }
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_string())
            .unwrap_or_default()
    }

    pub async fn body_text(&self) -> String {
        self.find("body").await.text().await.unwrap_or_default()
    }

    /// Logs in through the form and waits for the home page.
    pub async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.type_into("#f-username", username).await;
        self.type_into("#f-password", password).await;
        self.click("button[type=submit]").await;
        self.find(".page .facts, .page .card").await;
        assert_eq!(self.path().await, "/", "after logging in as {username}");
    }
}
