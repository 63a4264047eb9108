// The login form of index.html, usable long before the app's wasm arrives on
// a slow network. Shown on /login, and on other pages when the server knows
// no session; the app starts over it while it is untouched, else once the
// person has logged in through it (app/src/shell.rs). A file of its own, with
// no import, so that it runs as soon as it arrives (the CSP forbids inline
// scripts). Its texts are the app's (app/src/i18n.rs; a test compares them).

const TEXTS = {
  vi: {
    login_title: "Đăng nhập",
    login_intro: "Phần mềm sinh hoạt chi bộ",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    login_button: "Đăng nhập",
    logging_in: "Đang đăng nhập…",
    required: "Không được để trống.",
    network_error: "Không kết nối được máy chủ. Vui lòng kiểm tra mạng rồi thử lại.",
    server_error: "Máy chủ đang gặp sự cố. Vui lòng thử lại sau ít phút.",
    loading: "Đang tải…",
    other_language: "English",
    language: "Ngôn ngữ",
  },
  en: {
    login_title: "Log in",
    login_intro: "Party cell meetings",
    username: "Username",
    password: "Password",
    login_button: "Log in",
    logging_in: "Logging in…",
    required: "Required.",
    network_error: "Cannot reach the server. Check your connection and try again.",
    server_error: "The server has a problem. Please try again in a few minutes.",
    loading: "Loading…",
    other_language: "Tiếng Việt",
    language: "Language",
  },
};

// Where the app keeps the chosen language (app/src/i18n.rs).
const LANG_KEY = "chibo.lang";
// As the app's requests (app/src/api.rs).
const TIMEOUT_MS = 30000;

const shell = document.getElementById("shell");
const form = document.getElementById("shell-form");
const boot = document.getElementById("boot");
const user = document.getElementById("f-username");
const pass = document.getElementById("f-password");
const formMessage = document.getElementById("shell-error");
const submit = form && form.querySelector("button[type=submit]");
const toggle = document.getElementById("shell-lang");

let lang = "vi";
try {
  if (localStorage.getItem(LANG_KEY) === "en") lang = "en";
} catch (e) {
  // No storage (a private window): Vietnamese.
}
let sending = false;

function t() {
  return TEXTS[lang];
}

function showTexts() {
  document.documentElement.lang = lang;
  for (const el of shell.querySelectorAll("[data-text]")) el.textContent = t()[el.dataset.text];
  toggle.textContent = t().other_language;
  toggle.title = t().language;
  toggle.lang = lang === "vi" ? "en" : "vi";
  if (sending) submit.textContent = t().logging_in;
}

// The app waits while the person is using the form (a value typed, the
// focus in it, a login on its way), so nothing typed and no focus is lost;
// "shell-free" tells it the form is free again.
function busy() {
  return !shell.hidden && (sending || shell.contains(document.activeElement) || user.value !== "" || pass.value !== "");
}

function update() {
  if (!shell.isConnected) return;
  if (busy()) {
    shell.setAttribute("data-busy", "");
  } else if (shell.hasAttribute("data-busy")) {
    shell.removeAttribute("data-busy");
    shell.dispatchEvent(new Event("shell-free"));
  }
}

function show() {
  // The app started first (a warm cache): it has its own login page.
  if (!shell.isConnected) return;
  showTexts();
  boot.hidden = true;
  shell.hidden = false;
}

function fieldError(name, message) {
  const field = document.getElementById("f-" + name).closest(".field");
  field.classList.toggle("invalid", message !== "");
  document.getElementById("e-" + name).textContent = message;
}

// Logged in: the progress of the app's download until the app starts, at
// the page the person opened (home for /login, as the app's login page does).
function loggedIn() {
  shell.hidden = true;
  const text = document.getElementById("boot-text");
  if (text) text.textContent = t().loading;
  boot.hidden = false;
  if (location.pathname === "/login") history.replaceState(null, "", "/");
  sending = false;
  user.value = "";
  pass.value = "";
  update();
}

async function logIn(username, password) {
  let res;
  let body;
  try {
    res = await fetch("/api/auth/login", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        // The server writes its messages in this language.
        "Accept-Language": lang,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ username: username, password: password }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    body = await res.text();
  } catch (e) {
    return t().network_error;
  }
  if (res.ok) return null;
  // The server's own words; a proxy's page or an empty answer has none.
  try {
    const message = JSON.parse(body).error.message;
    if (message) return message;
  } catch (e) {
    // Not the server's error body.
  }
  return t().server_error;
}

form.addEventListener("submit", async function (e) {
  e.preventDefault();
  if (sending) return;
  const username = user.value.trim().toLowerCase();
  const password = pass.value;
  fieldError("username", username === "" ? t().required : "");
  fieldError("password", password === "" ? t().required : "");
  formMessage.textContent = "";
  if (username === "" || password === "") return;
  sending = true;
  submit.disabled = true;
  submit.textContent = t().logging_in;
  update();
  const refused = await logIn(username, password);
  submit.disabled = false;
  submit.textContent = t().login_button;
  if (refused === null) {
    loggedIn();
  } else {
    sending = false;
    formMessage.textContent = refused;
    update();
  }
});

toggle.addEventListener("click", function () {
  lang = lang === "vi" ? "en" : "vi";
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch (e) {
    // Not kept: this page still switches.
  }
  showTexts();
});

form.addEventListener("input", update);
shell.addEventListener("focusin", update);
// The focus moves out before it lands elsewhere: look once it has landed.
shell.addEventListener("focusout", function () { setTimeout(update, 0); });

if (location.pathname === "/login") {
  show();
} else {
  // One small request: a session shows no form, and a failed check leaves
  // the choice to the app (it shows the error and a retry).
  fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (res) {
      if (res.status === 401) {
        shell.setAttribute("data-session", "out");
        show();
      }
    })
    .catch(function () {});
}
