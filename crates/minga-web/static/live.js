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

  // The bell opens the latest notifications in a panel below it (the
  // list from the notifications page); without scripts it is a link to
  // that page.
  var panel = null;
  function fillPanel() {
    var bell = document.querySelector(".bell");
    fetch(bell.getAttribute("href"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || !panel) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var list = document.createElement("ul");
        list.className = "notifications plain-list";
        var items = fresh.querySelectorAll(".notifications > li");
        for (var i = 0; i < items.length && i < 8; i++) list.appendChild(document.importNode(items[i], true));
        var empty = fresh.querySelector(".empty");
        panel.textContent = "";
        if (items.length) panel.appendChild(list);
        else if (empty) panel.appendChild(document.importNode(empty, true));
        var all = document.createElement("a");
        all.href = bell.getAttribute("href");
        all.className = "bell-all";
        all.textContent = bell.getAttribute("data-all");
        panel.appendChild(all);
      })
      .catch(function () {});
  }
  function closePanel(focusBell) {
    if (!panel) return;
    var bell = document.querySelector(".bell");
    panel.remove();
    panel = null;
    bell.setAttribute("aria-expanded", "false");
    if (focusBell) bell.focus();
  }
  var theBell = document.querySelector(".bell");
  if (theBell) {
    theBell.setAttribute("aria-expanded", "false");
    theBell.setAttribute("aria-controls", "bell-panel");
    theBell.addEventListener("click", function (e) {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      if (panel) { closePanel(false); return; }
      panel = document.createElement("div");
      panel.id = "bell-panel";
      panel.className = "bell-panel";
      panel.setAttribute("role", "region");
      panel.setAttribute("aria-label", theBell.getAttribute("data-title"));
      theBell.insertAdjacentElement("afterend", panel);
      theBell.setAttribute("aria-expanded", "true");
      fillPanel();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && panel) closePanel(true);
    });
    document.addEventListener("click", function (e) {
      if (panel && !panel.contains(e.target) && !theBell.contains(e.target)) closePanel(false);
    });
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
    if (panel) fillPanel();
  });
  source.addEventListener("topics", newTopics);
  source.addEventListener("reload", function () {
    if (topic) refreshTopic();
  });
})();
