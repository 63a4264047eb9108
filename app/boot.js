// Starts the app. A file of its own, not an inline script: the server's
// Content-Security-Policy allows scripts from this origin only.
// scripts/build-app writes the hashed file names and the wasm's size here.
import init from "/app.js";

const WASM = "/app_bg.wasm";
const WASM_BYTES = 0;

// Whatever the policy refuses is written to the console, where operators and
// the end-to-end tests look.
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.effectiveDirective + " refused " + (e.blockedURI || "inline"));
});

const bar = document.getElementById("boot-progress");
const count = document.getElementById("boot-bytes");

function kb(n) {
  return Math.round(n / 1024).toLocaleString("vi-VN") + " KB";
}

// The bytes received so far: the body is read as it arrives. The size is the
// uncompressed one (what the reader sees), written by the build.
function show(received) {
  if (!bar || !WASM_BYTES) return;
  const part = Math.min(received / WASM_BYTES, 1);
  bar.max = 100;
  bar.value = Math.round(part * 100);
  if (count) count.textContent = kb(received) + " / " + kb(WASM_BYTES);
}

async function download() {
  const res = await fetch(WASM);
  if (!res.ok) throw new Error("GET " + WASM + ": " + res.status);
  if (!res.body || !WASM_BYTES) return res.arrayBuffer();
  const reader = res.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    show(received);
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

download()
  .then(function (bytes) {
    if (count) count.textContent = "Đang khởi động…";
    return init({ module_or_path: bytes });
  })
  .then(function () {
    // The service worker keeps the app for offline use (and shows Web Push).
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js").catch(function (e) { console.error(e); });
    }
  })
  .catch(function (e) {
    console.error(e);
    const boot = document.getElementById("boot");
    if (boot) {
      const text = document.getElementById("boot-text");
      (text || boot).textContent = "Không tải được ứng dụng. Vui lòng kiểm tra mạng rồi tải lại trang.";
      if (bar) bar.remove();
      if (count) count.remove();
      const again = document.createElement("button");
      again.className = "button";
      again.textContent = "Tải lại";
      again.addEventListener("click", function () { location.reload(); });
      boot.append(again);
    }
  });
