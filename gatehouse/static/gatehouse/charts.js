/* Console charts (issue 16 §3). Every <section data-charts data-src=URL data-every=MS> fetches
   its JSON ({now, charts: {name: {type, labels, series, horizontal, stacked, percent, columns,
   rows}}, kpis: {name: value}}) and draws each <figure data-chart=name> with Chart.js (our own
   static file), fills its numbers table under "查看数据" and each [data-kpi=name]; then fetches
   again, redrawing in place (no page reload). Each figure's "下载 xlsx" link asks the same URL
   for that chart's numbers as a spreadsheet (?xlsx=name). */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var palette = ["#0b5cad", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b8860b"];

  function fillTable(box, spec) {
    if (!box) return;
    var t = document.createElement("table");
    t.className = "table";
    var head = document.createElement("tr");
    spec.columns.forEach(function (c) { var th = document.createElement("th"); th.textContent = c; head.appendChild(th); });
    var thead = document.createElement("thead"); thead.appendChild(head); t.appendChild(thead);
    var body = document.createElement("tbody");
    spec.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (cell) { var td = document.createElement("td"); td.textContent = String(cell); tr.appendChild(td); });
      body.appendChild(tr);
    });
    t.appendChild(body);
    box.replaceChildren(t);
  }

  function datasets(spec) {
    return spec.series.map(function (s, i) {
      var color = spec.type === "doughnut" ? spec.labels.map(function (_l, j) { return palette[j % palette.length]; })
        : palette[i % palette.length];
      var set = { label: s.label, data: s.data, backgroundColor: color, borderColor: color };
      if (s.stack) set.stack = s.stack;
      if (spec.type === "line") { set.fill = false; set.tension = 0.2; }
      return set;
    });
  }

  function options(spec) {
    if (spec.type === "doughnut") return { animation: false, responsive: true, maintainAspectRatio: false };
    var value = { beginAtZero: true, stacked: spec.stacked, ticks: { precision: 0 } };
    if (spec.percent) { value.max = 100; value.ticks = { callback: function (v) { return v + "%"; } }; }
    var index = { stacked: spec.stacked };
    return {
      animation: false, responsive: true, maintainAspectRatio: false,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: { legend: { display: spec.series.length > 1 } },
      scales: spec.horizontal ? { x: value, y: index } : { x: index, y: value }
    };
  }

  function start(root) {
    var url = root.getAttribute("data-src");
    var every = parseInt(root.getAttribute("data-every"), 10) || 0;
    var drawn = {};
    var version = 0;

    root.querySelectorAll("[data-chart]").forEach(function (figure) {
      var link = figure.querySelector("[data-xlsx]");
      if (!link) return;
      var name = figure.getAttribute("data-chart");
      link.href = url + (url.indexOf("?") < 0 ? "?" : "&") + "xlsx=" + encodeURIComponent(name);
      link.hidden = false;
    });

    function draw(name, spec) {
      var figure = root.querySelector('[data-chart="' + name + '"]');
      if (!figure) return;
      fillTable(figure.querySelector("[data-table]"), spec);
      var chart = drawn[name];
      if (chart && chart.config.type === spec.type) {
        chart.data.labels = spec.labels;
        chart.data.datasets = datasets(spec);
        chart.update("none");
        return;
      }
      if (chart) chart.destroy();
      drawn[name] = new window.Chart(figure.querySelector("canvas"), {
        type: spec.type, data: { labels: spec.labels, datasets: datasets(spec) }, options: options(spec)
      });
    }

    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) {
          Object.keys(data.charts).forEach(function (name) { draw(name, data.charts[name]); });
          Object.keys(data.kpis).forEach(function (name) {
            var el = root.querySelector('[data-kpi="' + name + '"]');
            if (el) el.textContent = String(data.kpis[name]);
          });
          var updated = root.querySelector("[data-updated]");
          if (updated) updated.textContent = data.now.slice(11, 19);
          root.classList.remove("stale");
          version += 1;
          root.setAttribute("data-version", String(version));
        })
        .catch(function () { root.classList.add("stale"); })
        .then(function () { if (every > 0) window.setTimeout(refresh, every); });
    }
    refresh();
  }

  var roots = document.querySelectorAll("[data-charts]");
  for (var i = 0; i < roots.length; i++) start(roots[i]);
})();
