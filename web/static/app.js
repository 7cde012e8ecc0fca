// p2pir's one script: progressive enhancement only. Every form works
// without it (a post, then a redirect back); with it, marking and undoing
// happen in place, without reloading the page.
"use strict";
(function () {
  function post(form, submitter) {
    var body = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) {
      body.set(submitter.name, submitter.value);
    }
    return fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { throw new Error(j.error || ("the node answered " + r.status)); }
        return j;
      });
    });
  }

  function status(box, text) {
    var p = box.querySelector(".mark-status");
    p.textContent = text;
    return p;
  }

  function undoButton(box, form) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "undo";
    b.textContent = "Undo";
    b.addEventListener("click", function () {
      var undo = document.createElement("form");
      undo.action = "/ui/mark/undo";
      var tok = form.querySelector("input[name=token]");
      var url = form.querySelector("input[name=url]");
      var f = new FormData();
      f.set("token", tok ? tok.value : "");
      // Only this result's mark: if a later mark was made elsewhere, the
      // node refuses and says so.
      f.set("url", url ? url.value : "");
      b.disabled = true;
      fetch(undo.action, {
        method: "POST",
        body: new URLSearchParams(f),
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      }).then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) { throw new Error(j.error || ("the node answered " + r.status)); }
          return j;
        });
      }).then(function (j) {
        // An earlier mark on this result that the undone one replaced
        // counts again: show it.
        setPressed(form, j.marked === "interested" ? "1" : j.marked === "not" ? "0" : null);
        markClass(box, j.marked || "");
        status(box, j.message || "Undone.");
      }).catch(function (e) {
        b.disabled = false;
        status(box, "Could not undo: " + e.message);
      });
    });
    return b;
  }

  function setPressed(form, which) {
    form.querySelectorAll("button[name=interested]").forEach(function (b) {
      b.setAttribute("aria-pressed", which !== null && b.value === which ? "true" : "false");
    });
  }

  function markClass(box, marked) {
    var li = box.closest(".result");
    if (!li) { return; }
    li.classList.remove("marked-interested", "marked-not");
    if (marked) { li.classList.add("marked-" + marked); }
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("js-mark") || !window.fetch) { return; }
    ev.preventDefault();
    var box = form.closest(".marks");
    var sub = ev.submitter;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    post(form, sub).then(function (j) {
      var which = sub ? sub.value : "1";
      setPressed(form, which);
      markClass(box, which === "1" ? "interested" : "not");
      // Undo takes back the latest mark: the other results' buttons go.
      document.querySelectorAll(".mark-status .undo").forEach(function (b) { b.remove(); });
      var p = status(box, j.message || "Marked.");
      p.appendChild(undoButton(box, form));
    }).catch(function (e) {
      status(box, "Could not mark: " + e.message);
    }).finally(function () {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
  });
})();

// The index page: while jobs are queued or running, follow their progress
// from the JSON API (GET /index/jobs) once a second, and reload the page
// when they have all finished, so that the folders' counts are current.
(function () {
  var section = document.getElementById("jobs");
  if (!section || !section.hasAttribute("data-follow") || !window.fetch) { return; }
  function finished(state) {
    return state === "done" || state === "failed" || state === "interrupted" || state === "canceled";
  }
  function progressText(j) {
    if (j.state === "queued") { return "waiting for the job before it"; }
    var unit = j.kind === "site" ? "pages" : "files";
    var t = j.done + (j.total >= 0 ? " of " + j.total : "") + " " + unit + ", " +
      j.indexed + " indexed, " + j.skipped + " skipped, " + j.errors + " failed";
    if (j.current) { t += " (" + j.current + ")"; }
    return t;
  }
  function tick() {
    fetch("/index/jobs", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        var active = false, unknown = false;
        (body.jobs || []).forEach(function (j) {
          if (!finished(j.state)) { active = true; }
          var row = section.querySelector("tr[data-job='" + CSS.escape(j.id) + "']");
          if (!row) { if (!finished(j.state)) { unknown = true; } return; }
          var st = row.querySelector(".job-state");
          if (st.textContent !== j.state) {
            st.textContent = j.state;
            st.className = "job-state state-" + j.state;
          }
          row.querySelector(".job-progress").textContent = progressText(j);
        });
        if (!active || unknown) { window.location.reload(); return; }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
