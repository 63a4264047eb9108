// The service worker (served by the server at /sw.js, scope "/"): keeps the
// app's shell and modules so that it opens without a network, and shows a
// pushed notice and opens its page on a click. The push is decrypted by the
// browser; its data is the JSON of shared::push::PushPayload.
//
// What it keeps (one cache): "/" (index.html, the shell), /offline.html, and
// the files listed by /assets.json, written by scripts/build-app (the split
// modules of the pages loaded when visited included). Module names
// carry their content's hash, so a kept module is never stale: a new build
// brings a new index.html naming new modules. The API is never kept: its
// answers are members' records, and a stale one would mislead.
"use strict";

const CACHE = "chibo-app-v1";

// Fetches the current build's list and keeps its files, dropping the modules
// of older builds.
async function keepBuild() {
  const res = await fetch("/assets.json", { cache: "no-store" });
  if (!res.ok) throw new Error("/assets.json: " + res.status);
  const assets = await res.json();
  const cache = await caches.open(CACHE);
  const keep = new Set([assets.shell, assets.offline].concat(assets.files));
  const missing = [];
  for (const path of keep) {
    if (!(await cache.match(path))) missing.push(path);
  }
  // One at a time, in the listed order (the first screen's modules, then the
  // pages'): on a slow line the page's own downloads keep most of it.
  for (const path of missing) await cache.add(path);
  for (const req of await cache.keys()) {
    if (!keep.has(new URL(req.url).pathname)) await cache.delete(req);
  }
}

self.addEventListener("install", function (event) {
  // Web Push works even when the files cannot be kept now; the next page
  // load online tries again.
  event.waitUntil(keepBuild().catch(function (e) { console.error(e); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

// A page: the network first (a new build is seen at once), then the kept
// shell, then the offline page.
async function page(request) {
  try {
    const res = await fetch(request);
    const type = res.headers.get("Content-Type") || "";
    // Every page of the app is index.html (deep links included).
    if (res.ok && type.startsWith("text/html") && new URL(request.url).pathname !== "/offline.html") {
      const cache = await caches.open(CACHE);
      await cache.put("/", res.clone());
    }
    return res;
  } catch (e) {
    const cache = await caches.open(CACHE);
    const kept = (await cache.match("/")) || (await cache.match("/offline.html"));
    if (kept) return kept;
    return new Response("Không có kết nối mạng. Vui lòng thử lại.", {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

// A file of the app: the kept copy, else the network (kept for next time).
async function file(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const res = await fetch(request);
  if (res.ok && res.type === "basic") await cache.put(request, res.clone());
  return res;
}

const KEPT = /^\/(?:[a-z0-9_]+-[0-9a-f]{12}\.(?:js|wasm|css)|offline\.html|manifest\.webmanifest|icon-192\.png)$/;

self.addEventListener("fetch", function (event) {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // The API and the live sockets go to the network, untouched.
  if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return;
  if (req.mode === "navigate") {
    event.respondWith(page(req));
    // Online again: bring the kept files up to this build (errors are harmless).
    event.waitUntil(keepBuild().catch(function () {}));
    return;
  }
  if (KEPT.test(url.pathname)) event.respondWith(file(req));
});

// Only a path of this app: a push cannot send the member elsewhere.
function safeLink(link) {
  return typeof link === "string" && link.startsWith("/") && !link.startsWith("//") ? link : "/";
}

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (e) {
      data = { body: event.data.text() };
    }
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Chi Bộ Số", {
      body: data.body || "",
      lang: "vi",
      data: { link: safeLink(data.link) },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var link = safeLink(event.notification.data && event.notification.data.link);
  var url = new URL(link, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        var w = windows[i];
        if (new URL(w.url).origin === self.location.origin && "focus" in w) {
          return w.focus().then(function (focused) {
            return focused && "navigate" in focused ? focused.navigate(url) : undefined;
          });
        }
      }
      return self.clients.openWindow(url);
    })
  );
});
