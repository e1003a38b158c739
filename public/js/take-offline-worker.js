// The respondent's service worker, served as /s/offline-worker.js so that its scope is /s/. It
// keeps a copy of each question page and of the stylesheet and script they use, as they are
// fetched: network first, the copy only when the network fails, so that a reload on a train
// without network still shows the page, and take.js puts back what was typed and what waits to
// be sent.
//
// Privacy: a question page holds the respondent's own answers. The copies stay in this browser's
// own cache storage, like the page the browser already shows and keeps in its history; they are
// only of /s/<survey>/p/<page> pages fetched by the respondent themself (never staff pages: those
// live under /admin and /api, outside this worker's scope, and nothing else is copied), and the
// survey's copies are dropped when the respondent reaches its thank-you or screened-out page.
'use strict';

var CACHE = 'barometer-respondent-v1';
var ASSETS = ['/public/css/app.css', '/public/js/take.js'];

function isQuestionPage(path) {
  return /^\/s\/[^/]+\/p\/[^/]+$/.test(path);
}

function isAsset(path) {
  return path === '/public/css/app.css' || /^\/public\/js\/take[\w-]*\.js$/.test(path) || isBranding(path);
}

/** A survey's logo and accent stylesheet (fingerprinted, so a copy never goes stale): a page reloaded offline keeps its look. */
function isBranding(path) {
  return /^\/s\/[^/]+\/branding\/[^/]+\/[\w.-]+$/.test(path);
}

self.addEventListener('install', function (event) {
  // The page that registers the worker was loaded before it: copy its stylesheet and script now.
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf('barometer-respondent-') === 0 && name !== CACHE; }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }),
  );
});

/** Drops the copies of a survey's pages: its response has ended. */
function forgetSurvey(surveyPrefix) {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) { return new URL(request.url).pathname.indexOf(surveyPrefix) === 0; }).map(function (request) { return cache.delete(request); }));
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var ended = /^(\/s\/[^/]+\/)(thanks|screened-out)$/.exec(url.pathname);
  if (ended) {
    event.waitUntil(forgetSurvey(ended[1] + 'p/'));
    return;
  }
  if (!isQuestionPage(url.pathname) && !isAsset(url.pathname)) return;
  event.respondWith(
    fetch(request).then(
      function (response) {
        // Only whole pages: a redirect (the server sends the respondent elsewhere) or an error is not kept.
        if (response.ok && response.type === 'basic') {
          var copy = response.clone();
          event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }));
        }
        return response;
      },
      function () {
        return caches.match(request, { ignoreVary: true }).then(function (copy) { return copy || Response.error(); });
      },
    ),
  );
});
