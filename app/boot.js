// Starts the app. A file of its own, not an inline script: the server's
// Content-Security-Policy allows scripts from this origin only.
import init from "/app.js";

// Whatever the policy refuses is written to the console, where operators and
// the end-to-end tests look.
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.effectiveDirective + " refused " + (e.blockedURI || "inline"));
});

init({ module_or_path: "/app_bg.wasm" }).catch(function (e) {
  console.error(e);
  var boot = document.getElementById("boot");
  if (boot) {
    boot.textContent = "Không tải được ứng dụng. Vui lòng kiểm tra mạng rồi tải lại trang.";
    var again = document.createElement("button");
    again.className = "button";
    again.textContent = "Tải lại";
    again.addEventListener("click", function () { location.reload(); });
    boot.after(again);
  }
});
