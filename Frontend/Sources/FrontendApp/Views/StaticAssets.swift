/// Our own stylesheet and script, served from `/static/` (no CDN, font or framework).
enum StaticAssets {
    static let css = #"""
        :root { --bg:#f6f7f9; --fg:#1d2330; --muted:#6b7385; --line:#dfe3ea; --card:#fff; --accent:#2f6fde;
          --pending:#8a6d00; --pending-bg:#fff4c2; --processed:#16703a; --processed-bg:#d9f5e3;
          --failed:#b3261e; --failed-bg:#fde0de; --processing:#1f56b8; --processing-bg:#dde8fd; }
        * { box-sizing: border-box; }
        body { margin:0; background:var(--bg); color:var(--fg);
          font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
        a { color:var(--accent); text-decoration:none; }
        a:hover { text-decoration:underline; }
        header.top { display:flex; align-items:center; gap:2rem; padding:.8rem 2rem; background:#1d2330; color:#fff; }
        header.top a { color:#cfd6e4; }
        header.top .brand { color:#fff; font-weight:700; font-size:1.1rem; }
        header.top .logo { color:#7fb0ff; }
        header.top nav { display:flex; gap:1.2rem; }
        header.top nav a.current { color:#fff; border-bottom:2px solid #7fb0ff; padding-bottom:2px; }
        main { max-width:1180px; margin:1.5rem auto; padding:0 2rem; }
        footer.bottom { max-width:1180px; margin:2rem auto; padding:0 2rem; color:var(--muted); font-size:.85rem; }
        h1 { font-size:1.5rem; margin:.2rem 0 1rem; word-break:break-all; }
        h2 { font-size:1.15rem; margin:1.6rem 0 .6rem; }
        .muted { color:var(--muted); }
        .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size:.9em; }
        .summary { display:flex; flex-wrap:wrap; gap:.6rem; margin-bottom:1rem; }
        .chip { display:inline-flex; align-items:baseline; gap:.4rem; padding:.45rem .9rem; border-radius:999px;
          background:var(--card); border:1px solid var(--line); color:var(--fg); }
        .chip .n { font-weight:700; font-size:1.1rem; }
        .chip.active { outline:2px solid var(--accent); }
        .chip.status-pending { background:var(--pending-bg); color:var(--pending); border-color:transparent; }
        .chip.status-processed { background:var(--processed-bg); color:var(--processed); border-color:transparent; }
        .chip.status-failed { background:var(--failed-bg); color:var(--failed); border-color:transparent; }
        .chip.status-processing { background:var(--processing-bg); color:var(--processing); border-color:transparent; }
        .live { background:var(--processing-bg); color:var(--processing); padding:.5rem .9rem; border-radius:6px; }
        .spinner { display:inline-block; width:.8em; height:.8em; border:2px solid currentColor; border-right-color:transparent;
          border-radius:50%; animation:spin 1s linear infinite; vertical-align:-1px; }
        @keyframes spin { to { transform:rotate(360deg); } }
        .filters { display:flex; flex-wrap:wrap; gap:1rem; align-items:center; margin:1rem 0; padding:.7rem 1rem;
          background:var(--card); border:1px solid var(--line); border-radius:8px; }
        .filters select, .filters button { font:inherit; padding:.25rem .5rem; border:1px solid var(--line); border-radius:5px; background:#fff; }
        .filters button { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
        .filter-note { margin:.4rem 0 .8rem; }
        table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
        th, td { text-align:left; padding:.55rem .9rem; border-bottom:1px solid var(--line); vertical-align:top; }
        th { background:#eef1f5; font-size:.8rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
        tr:last-child td { border-bottom:none; }
        td.num, th.num { text-align:right; width:5rem; font-variant-numeric:tabular-nums; }
        td.path { word-break:break-all; }
        td.empty { text-align:center; color:var(--muted); padding:2rem; }
        .faces-n { margin-left:.6rem; color:var(--muted); font-size:.85em; white-space:nowrap; }
        .badge { display:inline-block; padding:.1rem .6rem; border-radius:999px; font-size:.8rem; font-weight:600; vertical-align:middle; }
        .badge.status-pending { background:var(--pending-bg); color:var(--pending); }
        .badge.status-processed { background:var(--processed-bg); color:var(--processed); }
        .badge.status-failed { background:var(--failed-bg); color:var(--failed); }
        .badge.status-processing { background:var(--processing-bg); color:var(--processing); }
        .badge.status-unknown { background:#e6e6e6; color:#444; }
        .err { color:var(--failed); font-size:.85em; margin-top:.25rem; max-width:28rem; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
        .pager { display:flex; justify-content:center; align-items:center; gap:1.5rem; margin:1rem 0; color:var(--muted); }
        .pager a { padding:.3rem .8rem; border:1px solid var(--line); border-radius:6px; background:var(--card); }
        .crumbs { color:var(--muted); margin:0; }
        .facts { display:flex; flex-wrap:wrap; gap:.3rem 1.8rem; margin:0 0 1rem; }
        .facts div { display:flex; gap:.45rem; }
        .facts dt { color:var(--muted); }
        .facts dd { margin:0; font-weight:500; }
        .failure, .retrying, .missing-file { border-radius:8px; padding:.8rem 1rem; margin:1rem 0; }
        .failure, .missing-file { background:var(--failed-bg); color:var(--failed); }
        .retrying { background:var(--pending-bg); color:var(--pending); }
        .last-error { white-space:pre-wrap; word-break:break-word; margin:.4rem 0 0; font-size:.9em; }
        figure.photo { margin:0; display:inline-block; max-width:100%; }
        figure.photo .frame { position:relative; display:inline-block; max-width:100%; line-height:0; }
        figure.photo img { display:block; max-width:100%; max-height:70vh; width:auto; height:auto; border-radius:6px; }
        figure.photo figcaption { color:var(--muted); font-size:.85rem; margin-top:.4rem; }
        .face { position:absolute; border:3px solid #ff9f1a; border-radius:3px; box-shadow:0 0 0 1px rgba(0,0,0,.45); }
        .face.known { border-color:#22c55e; }
        .face-label { position:absolute; left:-3px; top:100%; margin-top:3px; white-space:nowrap; line-height:1.3;
          background:rgba(17,24,39,.85); color:#fff; font-size:12px; padding:1px 6px; border-radius:3px; }
        .people { list-style:none; padding:0; margin:0; display:grid; grid-template-columns:repeat(auto-fill, minmax(190px, 1fr)); gap:1rem; }
        .person-card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:1.2rem 1rem;
          display:flex; flex-direction:column; gap:.7rem; align-items:center; text-align:center; }
        .crop { position:relative; flex:none; width:96px; height:96px; border-radius:50%; overflow:hidden; background:#dfe6f1; display:block;
          box-shadow:0 0 0 3px #fff, 0 0 0 4px var(--line); }
        .crop img.face-crop { position:absolute; left:0; top:0; max-width:none; transform-origin:0 0; }
        .crop img.whole { width:100%; height:100%; object-fit:cover; }
        .crop .initials { display:flex; width:100%; height:100%; align-items:center; justify-content:center; font-size:1.8rem; color:#62708a; font-weight:700; }
        .who { display:flex; flex-direction:column; min-width:0; max-width:100%; }
        .who .name { font-weight:600; font-size:1.05rem; overflow-wrap:anywhere; }
        .broken-note { color:var(--failed); margin:.4rem 0; line-height:1.4; }
        figure.photo.broken img { display:none; }
        .who .count { color:var(--muted); font-size:.9rem; }
        .error-page { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:2rem; }
        .error-page .message { font-size:1.1rem; word-break:break-word; }
        .account { margin-left:auto; }
        .account .login, .account button.link { color:#cfd6e4; }
        button.link { background:none; border:none; padding:0; font:inherit; color:var(--accent); cursor:pointer; }
        button.link:hover { text-decoration:underline; }
        .flash { padding:.6rem 1rem; border-radius:6px; margin:0 0 1rem; word-break:break-word; }
        .flash.ok { background:var(--processed-bg); color:var(--processed); }
        .flash.error { background:var(--failed-bg); color:var(--failed); }
        .hint { color:var(--muted); font-size:.9rem; margin:.3rem 0 .6rem; }
        form input, form select, form button { font:inherit; padding:.25rem .5rem; border:1px solid var(--line); border-radius:5px; background:#fff; }
        form button[type=submit] { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
        form button.danger { background:var(--failed); border-color:var(--failed); }
        form button.link { border:none; background:none; color:var(--accent); padding:0; }
        .enroll, .person-actions { display:flex; flex-wrap:wrap; gap:.8rem; align-items:center; margin:0 0 1rem; padding:.7rem 1rem;
          background:var(--card); border:1px solid var(--line); border-radius:8px; }
        .person-actions form { display:flex; gap:.4rem; align-items:center; margin:0; }
        .name-face { display:inline-flex; gap:.3rem; margin-left:.6rem; }
        .name-face input { width:10rem; }
        .face.nameable { cursor:pointer; }
        .face.nameable:hover { border-color:#ffd166; }
        .name-popover { position:absolute; left:-3px; top:calc(100% + 26px); z-index:5; display:flex; gap:.3rem; line-height:1.3;
          background:var(--card); padding:.4rem; border-radius:6px; box-shadow:0 4px 16px rgba(0,0,0,.35); }
        .name-popover[hidden] { display:none; }
        .name-popover input { width:11rem; }
        .groups, .person-faces { list-style:none; padding:0; margin:0; display:grid; grid-template-columns:repeat(auto-fill, minmax(230px, 1fr)); gap:1rem; }
        .group-card, .person-face { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:.9rem;
          display:flex; flex-direction:column; gap:.5rem; align-items:center; text-align:center; }
        .group-card .samples { display:flex; flex-wrap:wrap; gap:.35rem; justify-content:center; }
        .crop.square { border-radius:8px; width:64px; height:64px; box-shadow:none; }
        .person-face .crop.square { width:96px; height:96px; }
        .group-count { font-weight:600; }
        .name-group { display:flex; gap:.3rem; width:100%; }
        .name-group input { flex:1; min-width:0; }
        .name-group button, .name-face button, .name-popover button { white-space:nowrap; }
        .person-face .where { color:var(--muted); font-size:.85rem; }
        .who a.count { color:var(--muted); font-size:.9rem; }
        .login label { display:inline-flex; gap:.5rem; align-items:center; }

        """#

    /// Refreshes a page while its data is still changing: polls a JSON URL and reloads when the watched
    /// key changes. Also places face boxes when the server could not read the photo's size.
    static let javaScript = #"""
        (function () {
          "use strict";
          var body = document.body;
          var url = body.getAttribute("data-poll-url");
          var key = body.getAttribute("data-poll-key");
          function keyOf(data) {
            if (data.counts) {
              var c = data.counts;
              return [c.pending, c.processing, c.processed, c.failed, data.total].join(",");
            }
            if (data.image) { return String(data.image.status); }
            return "";
          }
          function poll() {
            fetch(url, { cache: "no-store", headers: { "Accept": "application/json" } })
              .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
              .then(function (data) {
                if (keyOf(data) !== key) { window.location.reload(); return; }
                setTimeout(poll, 3000);
              })
              .catch(function () { setTimeout(poll, 10000); });
          }
          if (url) { setTimeout(poll, 3000); }

          var figure = document.querySelector("figure.photo");
          var img = document.getElementById("photo");
          function place() {
            var w = img.naturalWidth, h = img.naturalHeight;
            if (!w || !h) { return; }
            figure.querySelectorAll(".face").forEach(function (box) {
              var l = +box.getAttribute("data-left"), t = +box.getAttribute("data-top");
              var r = +box.getAttribute("data-right"), b = +box.getAttribute("data-bottom");
              box.style.left = (Math.max(0, l) / w * 100) + "%";
              box.style.top = (Math.max(0, t) / h * 100) + "%";
              box.style.width = ((Math.min(w, r) - Math.max(0, l)) / w * 100) + "%";
              box.style.height = ((Math.min(h, b) - Math.max(0, t)) / h * 100) + "%";
            });
          }
          function broken() {
            figure.classList.add("broken");
            var note = figure.querySelector(".broken-note");
            if (note) { note.hidden = false; }
          }
          // Click an unknown face: its name box opens next to it (the faces table has the same forms without JS).
          document.querySelectorAll(".face.nameable").forEach(function (box) {
            var popover = box.querySelector(".name-popover");
            if (!popover) { return; }
            popover.addEventListener("click", function (event) { event.stopPropagation(); });
            box.addEventListener("click", function () {
              document.querySelectorAll(".name-popover").forEach(function (other) {
                if (other !== popover) { other.hidden = true; }
              });
              popover.hidden = !popover.hidden;
              if (!popover.hidden) { popover.querySelector("input[name=name]").focus(); }
            });
          });
          document.querySelectorAll("form[data-confirm]").forEach(function (form) {
            form.addEventListener("submit", function (event) {
              if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
            });
          });

          if (figure && img) {
            if (img.complete && img.naturalWidth === 0) { broken(); }
            img.addEventListener("error", broken);
            if (!figure.getAttribute("data-width")) {
              if (img.complete) { place(); } else { img.addEventListener("load", place); }
            }
          }
        })();

        """#
}
