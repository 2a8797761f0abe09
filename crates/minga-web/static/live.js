// Live pages: the open page hears of what changed (GET /live, server-sent
// events) and fetches it again, as the reader would by reloading. Pages
// work the same without it.
(function () {
  "use strict";
  var body = document.body;
  if (!window.EventSource || !window.fetch || !window.DOMParser) return;
  var topic = body.getAttribute("data-live-topic");
  var list = body.getAttribute("data-live-list");
  var query = [];
  if (topic) query.push("topic=" + encodeURIComponent(topic));
  if (list) query.push("list=" + encodeURIComponent(list));
  var target = document.querySelector(".posts[data-scroll-to]");
  if (target && !location.hash) {
    var first = document.getElementById(target.getAttribute("data-scroll-to"));
    if (first) first.scrollIntoView();
  }
  if (!topic && !list && !document.querySelector(".bell")) return;
  var source = new EventSource("/live" + (query.length ? "?" + query.join("&") : ""));
  source.onopen = function () { body.setAttribute("data-live-state", "open"); };
  source.onerror = function () { body.setAttribute("data-live-state", "reconnecting"); };

  // The topic page: fetch it again and bring each post up to date.
  var fetching = false, again = false;
  function refreshTopic() {
    if (fetching) { again = true; return; }
    fetching = true;
    fetch(location.pathname + location.search, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var here = document.querySelector(".posts");
        if (!here) return;
        fresh.querySelectorAll(".posts > article.post").forEach(function (post) {
          var old = document.getElementById(post.id);
          if (!old) {
            here.appendChild(document.importNode(post, true));
          } else if (old.innerHTML !== post.innerHTML || old.className !== post.className) {
            old.replaceWith(document.importNode(post, true));
          }
        });
      })
      .catch(function () {})
      .then(function () {
        fetching = false;
        if (again) { again = false; refreshTopic(); }
      });
  }

  function setBell(unread) {
    var bell = document.querySelector(".bell");
    if (!bell) return;
    var count = bell.querySelector(".bell-count");
    count.textContent = unread > 0 ? String(unread) : "";
    count.hidden = unread <= 0;
    var label = unread === 1 ? bell.getAttribute("data-one") : bell.getAttribute("data-other");
    if (label) bell.setAttribute("aria-label", label.replace("{count}", String(unread)));
  }

  var started = 0;
  function newTopics() {
    var banner = document.querySelector(".live-banner");
    if (!banner) return;
    started += 1;
    var link = banner.querySelector("a");
    var text = started === 1 ? banner.getAttribute("data-one") : banner.getAttribute("data-other");
    link.textContent = text.replace("{count}", String(started));
    banner.hidden = false;
  }

  source.addEventListener("topic", refreshTopic);
  source.addEventListener("notifications", function (e) {
    try { setBell(JSON.parse(e.data).unread); } catch (err) { /* a malformed event changes nothing */ }
  });
  source.addEventListener("topics", newTopics);
  source.addEventListener("reload", function () {
    if (topic) refreshTopic();
  });
})();
