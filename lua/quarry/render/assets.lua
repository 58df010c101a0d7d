--- The style sheet and the script of quarry's HTML pages (the static report
-- and the explorer's pages), inlined in every page: nothing is loaded from
-- anywhere else. The script sorts tables (a heading's arrow says how), filters
-- rows (hiding the tables and sections left empty, and counting again the
-- figures that count rows), links timeline marks to their rows, and zooms
-- the timeline to a range dragged across it (in the explorer: by going to
-- the URL of that range, so the state stays in the URL).
local assets = {}

assets.CSS = [==[
:root{--ink:#1d232a;--muted:#5c6670;--line:#d9dee3;--bg:#fff;--band:#f5f7f9;--accent:#2f6db5;--hl:#fff3b0;
--person:#dbe9fb;--org:#e6dcf7;--place:#d8f0df;--date:#fde4cc;--quote:#fff3b0;--clutter:#eef0f2}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--ink);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:18px 20px 50px}
a{color:var(--accent)}
h1{font-size:1.6em;margin:.2em 0 .3em}
h2{font-size:1.3em;margin:1.3em 0 .4em;border-bottom:2px solid var(--line);padding-bottom:.2em}
h3{font-size:1.08em;margin:1em 0 .3em}h4{font-size:1em;margin:.9em 0 .3em}
.desc,.note,.filters{color:var(--muted);margin:.2em 0 .5em}
.notes{background:var(--hl);padding:.3em .8em;border-radius:4px}
dl.stats{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 4px;padding:0}
dl.stats div{background:var(--band);border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:110px}
dl.stats dt{font-size:.8em;color:var(--muted);margin:0}dl.stats dd{margin:0;font-size:1.2em;font-weight:600}
nav.toc{font-size:.92em;margin:8px 0}nav.toc a{margin-right:12px}
.tools{position:sticky;top:0;background:var(--bg);padding:6px 0;z-index:2;border-bottom:1px solid var(--line)}
.tools input{font:inherit;padding:5px 9px;width:min(420px,100%);border:1px solid var(--line);border-radius:4px}
.tools .count{color:var(--muted);margin-left:10px;font-size:.9em}
.box{max-height:440px;overflow:auto;border:1px solid var(--line);border-radius:4px;margin:6px 0 12px}
.box table.data{margin:0}
table.data{border-collapse:collapse;width:auto;min-width:min(560px,100%);max-width:100%;margin:6px 0 12px;
font-size:.92em}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
table.data th{background:var(--band);cursor:pointer;user-select:none;white-space:nowrap;position:sticky;top:0}
table.data th::after{content:" \21C5";font-size:.75em;color:#a0a8b0}
table.data th[aria-sort=ascending]::after{content:" \25B2";color:var(--ink)}
table.data th[aria-sort=descending]::after{content:" \25BC";color:var(--ink)}
table.data td.number,table.data th.number{text-align:right;font-variant-numeric:tabular-nums}
table.data td.date{white-space:nowrap}
table.data td.quote{font-style:italic}
table.data td.quote::before{content:"\201C"}table.data td.quote::after{content:"\201D"}
table.data tr:target td{background:var(--hl)}
a.src{text-decoration:none;margin-left:4px;font-size:.85em}
.empty{color:var(--muted);font-style:italic}
details.sec>summary{cursor:pointer;font-weight:600;margin:.4em 0}
details.sec:not([open]){display:inline-block;margin:0 18px 0 0}details.sec:not([open])>summary{margin:.15em 0}
details.sec>summary .note{font-weight:400}
details.table>summary{cursor:pointer;color:var(--muted);font-size:.9em}
div.sec.charted{display:inline-block;width:calc(50% - 20px);margin-right:14px;vertical-align:top}
figure.chart{margin:6px 0 12px;overflow-x:auto}figure.chart figcaption{color:var(--muted);font-size:.86em}
figure.chart svg{max-width:100%;height:auto}
svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
svg .axis{stroke:#9aa3ab;stroke-width:1}svg .tick{stroke:#e3e7eb}
svg .mark{cursor:pointer;stroke:#fff;stroke-width:1}
svg .mark:hover,svg .mark.on{stroke:var(--ink);stroke-width:2}
svg.bars .bar,svg.columns .bar{fill:var(--accent)}svg.bars text.label{fill:var(--ink)}
svg .outlier{fill:#c2453e;font-weight:600}
svg .brush-area{cursor:crosshair}svg .brush{fill:rgba(47,109,181,.15);stroke:var(--accent)}
button.unzoom{font:inherit;font-size:.85em;margin-left:8px}
header.top{background:#1d2b3a;color:#fff}
header.top .in{max-width:1180px;margin:0 auto;padding:8px 20px;display:flex;flex-wrap:wrap;gap:14px;align-items:center}
header.top a{color:#fff;text-decoration:none}header.top a.brand{font-weight:700;font-size:1.1em}
header.top form{display:flex;gap:6px;flex:1;min-width:260px}
header.top input{flex:1;font:inherit;padding:4px 8px;border-radius:4px;border:0}
header.top button{font:inherit;padding:4px 10px;border-radius:4px;border:0;cursor:pointer}
header.top nav a{margin-right:12px;opacity:.9}header.top a.json{opacity:.7;font-size:.9em}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 260px;gap:24px}
aside.facets h3{font-size:.95em;margin:.8em 0 .2em;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
aside.facets ul{list-style:none;margin:0;padding:0;font-size:.9em}
aside.facets li{display:flex;justify-content:space-between;gap:8px;padding:1px 0}
aside.facets li span{color:var(--muted);font-variant-numeric:tabular-nums}
.chips a{display:inline-block;background:var(--band);border:1px solid var(--line);border-radius:12px;padding:1px 9px;
margin:0 6px 4px 0;font-size:.88em;text-decoration:none}
ol.hits{list-style:none;padding:0;margin:8px 0}ol.hits li{padding:8px 0;border-bottom:1px solid var(--line)}
ol.hits .meta{color:var(--muted);font-size:.86em}ol.hits .kwic{font-size:.92em}
.kwic b{background:var(--hl);font-weight:600}
.pager{margin:10px 0;display:flex;gap:14px;align-items:center;color:var(--muted)}
.article{white-space:pre-wrap;line-height:1.6;max-width:860px;font-size:1.02em}
.seg{display:block;margin:0 0 .4em}.seg-headline{font-weight:700;font-size:1.15em}
.seg-comments,.seg-related,.seg-boilerplate{background:var(--clutter);color:var(--muted);padding:4px 8px;
border-radius:4px}
.seg-comments::before,.seg-related::before,.seg-boilerplate::before{content:attr(data-kind) " (clutter)";
display:block;font-size:.8em;text-transform:uppercase;letter-spacing:.04em}
.seg-dateline{display:inline}
.hl{border-radius:3px;padding:0 1px;text-decoration:none;color:inherit}
.hl.person{background:var(--person)}.hl.organization{background:var(--org)}.hl.location{background:var(--place)}
.hl.date{background:var(--date)}.hl.dateline{border-bottom:2px dotted #9aa3ab}
mark.quote{background:var(--quote);box-shadow:inset 0 -2px 0 #e0b400}mark.quote:target{outline:2px solid #e0b400}
.hl.term{border-bottom:1px dotted #8a8f94}
.hl.date:target{outline:2px solid #d9822b}
sup.who{font-size:.72em;margin-left:2px}sup.who a{text-decoration:none}
p.legend{font-size:.85em;color:var(--muted)}.seg-key{background:var(--clutter);padding:0 6px;border-radius:3px}
p.source{margin:.2em 0 .8em}
footer{margin-top:36px;color:var(--muted);font-size:.85em}
@media (max-width:800px){.layout{grid-template-columns:1fr}}
@media print{.tools,header.top{display:none}table.data th{cursor:auto}.box{max-height:none;overflow:visible}}
]==]

assets.SCRIPT = [==[
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  function text(cell) { return (cell.textContent || "").trim(); }
  function key(cell, kind) {
    var t = text(cell);
    if (kind === "number") { var n = parseFloat(t.replace(/[^0-9.eE+-]/g, "")); return isNaN(n) ? -Infinity : n; }
    return t.toLowerCase();
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var kind = th.getAttribute("data-kind") || "text";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    each(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r._order = i; });
    rows.sort(function (a, b) {
      var x = key(a.cells[index], kind), y = key(b.cells[index], kind);
      if (x < y) return -dir;
      if (x > y) return dir;
      return a._order - b._order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  each(document.querySelectorAll("table.data"), function (table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    each(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.title = "Sort by " + text(th);
      th.addEventListener("click", function () { sortBy(table, i, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy(table, i, th); });
    });
  });
  // --- the filter: rows, then the tables, sections and figures they leave
  var box = document.getElementById("filter"), count = document.getElementById("filter-count");
  var all = document.querySelectorAll("table.data tbody tr");
  function own(el, sel) {
    var sec = el.closest("section");
    return Array.prototype.filter.call(sec.querySelectorAll(sel),
      function (x) { return x.closest("section") === sec; });
  }
  function column(table, name) {
    var i = -1;
    each(table.tHead.rows[0].cells, function (th, k) { if (th.getAttribute("data-key") === name) i = k; });
    return i;
  }
  function recount(dd) {
    var spec = dd.getAttribute("data-count"), rows = [], seen = {}, n = 0;
    own(dd, "table.data").forEach(function (t) { each(t.tBodies[0].rows, function (r) { if (!r.hidden) rows.push([t,
      r]); }); });
    rows.forEach(function (tr) {
      var m = /^(distinct|where):([\w-]+)(?:=(.*))?$/.exec(spec), i = m ? column(tr[0], m[2]) : -1, v = null;
      if (!m) { n++; return; }
      if (i >= 0) v = text(tr[1].cells[i]);
      else {  // the column a grouped table leaves out: its section's heading says it
        var sec = tr[1].closest(".sec[data-key]");
        if (sec && sec.getAttribute("data-key") === m[2]) v = sec.getAttribute("data-value");
      }
      if (v === null) return;
      // "(unattributed)", "(none)": no value
      if (m[1] === "distinct") { if (v && v.charAt(0) !== "(" && !seen[v]) { seen[v] = 1; n++; } }
      else if (v === m[3]) n++;
    });
    return n;
  }
  function filter() {
    var q = box.value.trim().toLowerCase(), shown = 0;
    each(all, function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      r.hidden = !hit;
      if (hit) shown++;
    });
    each(document.querySelectorAll(".block"), function (b) {
      var t = b.querySelector("table.data");
      b.hidden = !!q && !!t && !t.querySelector("tbody tr:not([hidden])");
    });
    each(document.querySelectorAll(".sec"), function (s) {
      var blocks = s.querySelectorAll(".block");
      var left = Array.prototype.some.call(blocks, function (b) { return !b.hidden; });
      s.hidden = !!q && blocks.length > 0 && !left;
      if (q && left && s.tagName === "DETAILS") s.open = true;
    });
    each(document.querySelectorAll("section"), function (s) {
      var rows = s.querySelectorAll("table.data tbody tr");
      s.hidden = !!q && rows.length > 0 && !s.querySelector("table.data tbody tr:not([hidden])");
    });
    each(document.querySelectorAll("dd[data-count]"), function (dd) {
      var total = dd.getAttribute("data-total");
      dd.textContent = q ? recount(dd) + " of " + total : total;
    });
    if (count) count.textContent = q ? shown + " of " + all.length + " rows" : all.length + " rows";
  }
  if (box) { box.addEventListener("input", filter); filter(); }
  each(document.querySelectorAll("svg .mark[data-row]"), function (m) {
    m.addEventListener("click", function () {
      var row = document.getElementById(m.getAttribute("data-row"));
      if (!row) return;
      each(document.querySelectorAll("svg .mark.on"), function (o) { o.classList.remove("on"); });
      m.classList.add("on");
      row.hidden = false;
      var d = row.closest("details");
      if (d) d.open = true;
      location.hash = row.id;
    });
  });
  // --- the timeline's brush: drag across it to zoom to that range
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function dayDate(d) { return new Date(d * 86400000); }
  function iso(d) { return dayDate(d).toISOString().slice(0, 10); }
  function ticks(lo, hi) {
    var out = [], span = hi - lo, a = dayDate(lo), y0 = a.getUTCFullYear(), y1 = dayDate(hi).getUTCFullYear(), d;
    if (span > 3 * 366) {
      var step = Math.max(1, Math.floor((y1 - y0) / 10));
      for (var y = y0; y <= y1 + 1; y += step) { d = Date.UTC(y, 0, 1) / 86400000;
        if (d >= lo && d <= hi) out.push([d, String(y)]); }
    } else if (span > 62) {
      var mstep = span > 500 ? 3 : 1, yy = y0, m = a.getUTCMonth();
      for (;;) {
        d = Date.UTC(yy, m, 1) / 86400000;
        if (d > hi) break;
        if (d >= lo) out.push([d, MONTHS[m] + (m === 0 || !out.length ? " " + yy : "")]);
        m += mstep; if (m > 11) { m -= 12; yy++; }
      }
    } else {
      var dstep = span > 20 ? 7 : (span > 8 ? 2 : 1);
      for (d = lo; d <= hi; d += dstep) { var t = dayDate(d); out.push([d,
        t.getUTCDate() + " " + MONTHS[t.getUTCMonth()]]); }
    }
    return out;
  }
  var NS = "http://www.w3.org/2000/svg";
  function draw(svg, lo, hi) {
    var left = +svg.getAttribute("data-left"), plot = +svg.getAttribute("data-plot"),
      axis = +svg.getAttribute("data-axis");
    var x = function (d) { return left + (d - lo) / (hi - lo) * plot; };
    each(svg.querySelectorAll(".mark"), function (c) {
      var d = +c.getAttribute("data-day");
      c.style.display = d < lo || d > hi ? "none" : "";
      c.setAttribute("cx", x(d).toFixed(1));
    });
    each(svg.querySelectorAll(".bar[data-day]"), function (r) {
      var d = +r.getAttribute("data-day"), n = +r.getAttribute("data-days");
      var x0 = x(Math.max(d, lo)), x1 = x(Math.min(d + n, hi + 1));
      r.style.display = d + n <= lo || d > hi ? "none" : "";
      r.setAttribute("x", x0.toFixed(1)); r.setAttribute("width", Math.max(1.5, x1 - x0 - 0.5).toFixed(1));
    });
    var g = svg.querySelector("g.ticks");
    while (g.firstChild) g.removeChild(g.firstChild);
    ticks(lo, hi).forEach(function (t) {
      var line = document.createElementNS(NS, "line"), label = document.createElementNS(NS, "text"),
        px = x(t[0]).toFixed(1);
      line.setAttribute("class", "tick"); line.setAttribute("x1", px); line.setAttribute("x2", px);
      line.setAttribute("y1", "10"); line.setAttribute("y2", String(axis));
      label.setAttribute("x", px); label.setAttribute("y", String(axis + 15)); label.setAttribute("text-anchor",
        "middle");
      label.textContent = t[1];
      g.appendChild(line); g.appendChild(label);
    });
    svg.setAttribute("data-shown", iso(lo) + " " + iso(hi));
  }
  each(document.querySelectorAll("svg.timeline"), function (svg) {
    var area = svg.querySelector(".brush-area"), brush = svg.querySelector(".brush");
    var lo = +svg.getAttribute("data-lo"), hi = +svg.getAttribute("data-hi"), lo0 = lo, hi0 = hi, start = null;
    var left = +svg.getAttribute("data-left"), plot = +svg.getAttribute("data-plot");
    svg.setAttribute("data-shown", iso(lo) + " " + iso(hi));
    function at(e) {
      var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
      var q = p.matrixTransform(svg.getScreenCTM().inverse());
      return Math.min(left + plot, Math.max(left, q.x));
    }
    function day(px) { return Math.round(lo + (px - left) / plot * (hi - lo)); }
    area.addEventListener("mousedown", function (e) { start = at(e); brush.setAttribute("x", start);
      brush.setAttribute("width", 0); e.preventDefault(); });
    svg.addEventListener("mousemove", function (e) {
      if (start === null) return;
      var now = at(e);
      brush.setAttribute("x", Math.min(start, now)); brush.setAttribute("width", Math.abs(now - start));
    });
    svg.addEventListener("mouseup", function (e) {
      if (start === null) return;
      var a = day(Math.min(start, at(e))), b = day(Math.max(start, at(e)));
      start = null; brush.setAttribute("width", 0);
      if (b - a < 2) return;
      var zoom = svg.getAttribute("data-zoom");
      if (zoom) { location.href = zoom.replace("0000-01-01", iso(a)).replace("0000-01-02", iso(b)); return; }
      lo = a; hi = b; draw(svg, lo, hi);
      var reset = svg.parentNode.querySelector("button.unzoom");
      if (!reset) {
        reset = document.createElement("button"); reset.className = "unzoom"; reset.type = "button";
        reset.textContent = "Show the whole range";
        reset.addEventListener("click", function () { lo = lo0; hi = hi0; draw(svg, lo, hi); reset.remove(); });
        svg.parentNode.appendChild(reset);
      }
    });
  });
  document.documentElement.setAttribute("data-ready", "1");
})();
]==]

return assets
