// The service worker (served by the server at /sw.js, scope "/"): shows a
// pushed notice and opens its page on a click. The push is decrypted by the
// browser; its data is the JSON of shared::push::PushPayload.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
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
