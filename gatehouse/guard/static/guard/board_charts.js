/* The monitoring board's charts (issue 16 §3): fetch the figures every few seconds and redraw
   the charts in place (no page reload, no htmx swap of the canvases); each chart keeps its
   numbers in a table one click away ("查看数据"). Chart.js is served from our static files. */
(function () {
  "use strict";
  var root = document.getElementById("board-charts");
  if (!root || typeof window.Chart === "undefined") return;
  var url = root.getAttribute("data-stats-url");
  var every = parseInt(root.getAttribute("data-every"), 10) || 5000;
  var palette = ["#0b5cad", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b8860b"];
  var charts = {};

  function figure(name) { return root.querySelector('[data-chart="' + name + '"]'); }

  function table(name, head, rows) {
    var box = figure(name).querySelector("[data-table]");
    var t = document.createElement("table");
    t.className = "table";
    var tr = document.createElement("tr");
    head.forEach(function (h) { var th = document.createElement("th"); th.textContent = h; tr.appendChild(th); });
    var thead = document.createElement("thead"); thead.appendChild(tr); t.appendChild(thead);
    var tbody = document.createElement("tbody");
    rows.forEach(function (row) {
      var r = document.createElement("tr");
      row.forEach(function (cell) { var td = document.createElement("td"); td.textContent = String(cell); r.appendChild(td); });
      tbody.appendChild(r);
    });
    t.appendChild(tbody);
    box.replaceChildren(t);
  }

  function draw(name, config) {
    var chart = charts[name];
    if (!chart) {
      config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
      charts[name] = new window.Chart(figure(name).querySelector("canvas"), config);
      return;
    }
    chart.data.labels = config.data.labels;
    chart.data.datasets = config.data.datasets;
    chart.update("none");
  }

  function hourly(stats) {
    var hours = [];
    for (var h = 0; h <= stats.hour; h++) hours.push(h + "时");
    var sets = [];
    var rows = [];
    stats.gates.forEach(function (g, i) {
      var color = palette[i % palette.length];
      sets.push({ label: g.gate + " 进", data: g["in"].slice(0, stats.hour + 1), backgroundColor: color, stack: "in" });
      sets.push({ label: g.gate + " 出", data: g.out.slice(0, stats.hour + 1), backgroundColor: color + "88", stack: "out" });
      for (var h2 = 0; h2 <= stats.hour; h2++) {
        if (g["in"][h2] || g.out[h2]) rows.push([g.gate, h2 + "时", g["in"][h2], g.out[h2]]);
      }
    });
    draw("hourly", { type: "bar", data: { labels: hours, datasets: sets },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } } });
    table("hourly", ["门岗", "时段", "进", "出"], rows);
  }

  function refusals(stats) {
    var labels = stats.refusals.map(function (r) { return r.label; });
    var counts = stats.refusals.map(function (r) { return r.count; });
    draw("refusals", { type: "bar", data: { labels: labels, datasets: [{ label: "次数", data: counts, backgroundColor: "#c0392b" }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } });
    table("refusals", ["原因", "次数"], stats.refusals.map(function (r) { return [r.label, r.count]; }));
  }

  function anomalies(stats) {
    var labels = stats.anomalies.map(function (a) { return a.label; });
    draw("anomalies", { type: "bar", data: { labels: labels, datasets: [{ label: "未结", data: stats.anomalies.map(function (a) { return a.count; }),
      backgroundColor: ["#7b0000", "#c0392b", "#d9822b", "#7f8c8d"] }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
    table("anomalies", ["级别", "未结"], stats.anomalies.map(function (a) { return [a.label, a.count]; }));
  }

  function patrols(stats) {
    var labels = stats.patrols.map(function (p) { return p.route; });
    draw("patrols", { type: "bar", data: { labels: labels, datasets: [
      { label: "已巡", data: stats.patrols.map(function (p) { return p.done; }), backgroundColor: "#2e8b57", stack: "p" },
      { label: "未巡", data: stats.patrols.map(function (p) { return Math.max(0, p.total - p.done); }), backgroundColor: "#d5dbe4", stack: "p" }
    ] }, options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } } });
    table("patrols", ["路线", "已巡", "应巡"], stats.patrols.map(function (p) { return [p.route, p.done, p.total]; }));
  }

  function kpis(stats) {
    var values = { people: stats.inside.people, visitors: stats.inside.visitors, vehicles: stats.inside.vehicles,
      "in": stats.today["in"], out: stats.today.out, refused: stats.today.refused,
      offline: stats.devices.offline + " / " + stats.devices.total };
    Object.keys(values).forEach(function (k) {
      var el = root.querySelector('[data-kpi="' + k + '"]');
      if (el) el.textContent = String(values[k]);
    });
  }

  var version = 0;
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (stats) {
        kpis(stats); hourly(stats); refusals(stats); anomalies(stats); patrols(stats);
        root.querySelector("[data-updated]").textContent = stats.now.slice(11, 19);
        version += 1;
        root.setAttribute("data-version", String(version));
      })
      .catch(function () { root.classList.add("stale"); })
      .then(function () { window.setTimeout(refresh, every); });
  }
  refresh();
})();
