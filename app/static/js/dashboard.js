/* Dashboards (issue #12): draws the charts with the vendored ECharts from the page's
 * <script type="application/json" id="dashboard-data"> block. Every bar and point opens the
 * list behind it (or a score's explanation); the labels come translated from the server.
 * A static file, no inline script: the CSP allows scripts from this host only. */
(function () {
  "use strict";
  var block = document.getElementById("dashboard-data");
  if (!block || typeof echarts === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var L = data.labels || {};
  var big = !!document.querySelector(".dashboard-big");
  var font = big ? 18 : 13;
  var charts = [];

  function base(extra) {
    var option = {
      textStyle: { fontSize: font },
      tooltip: { trigger: "axis", textStyle: { fontSize: font } },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll", textStyle: { fontSize: font } },
      animation: false
    };
    for (var key in extra) { option[key] = extra[key]; }
    return option;
  }

  function axisLabel() { return { fontSize: font, hideOverlap: true }; }

  /* Issue #20: a per-window chart names every window (interval 0), turned when there are
   * many of them, so that the one overdue bar always has its name under it. */
  function windowLabels(count) {
    return { fontSize: font, interval: 0, hideOverlap: false, rotate: count > 6 ? 35 : 0 };
  }

  /* Room on the left for the first turned window name. */
  function windowGrid() { return { left: 48, right: 16, top: 40, bottom: 8, containLabel: true }; }

  /* Issue #20: a rate axis starts where the data lives (97–98 % is not a flat line on
   * 0–100): five points below the lowest value, rounded down to 5, never below 0. */
  function rateFloor(value) { return Math.max(0, Math.floor((value.min - 5) / 5) * 5); }

  function go(url) { if (url) { window.location.href = url; } }

  function names(rows) { return rows.map(function (r) { return r.window; }); }

  var builders = {
    accepted: function () {
      var rows = data.accepted_by_window || [];
      return {
        option: base({
          xAxis: { type: "category", data: data.months, axisLabel: axisLabel() },
          yAxis: { type: "value", axisLabel: axisLabel() },
          series: rows.map(function (r) {
            return { name: r.window, type: "bar", stack: "accepted", data: r.counts,
                     emphasis: { focus: "series" } };
          })
        }),
        click: function (p) { var r = rows[p.seriesIndex]; go(r && r.links[p.dataIndex]); }
      };
    },
    on_time: function () {
      return {
        option: base({
          legend: { show: false },
          xAxis: { type: "category", data: data.months, axisLabel: axisLabel() },
          yAxis: { type: "value", min: rateFloor, max: 100, axisLabel: axisLabel() },
          series: [{ name: L.on_time_rate, type: "line", data: data.on_time_trend,
                     connectNulls: true, symbolSize: big ? 12 : 8,
                     label: { show: true, fontSize: font } }]
        }),
        click: function (p) { go(data.on_time_links[p.dataIndex]); }
      };
    },
    overdue: function () {
      var rows = data.overdue_by_window || [];
      return {
        option: base({
          legend: { show: false },
          grid: windowGrid(),
          xAxis: { type: "category", data: names(rows), axisLabel: windowLabels(rows.length) },
          yAxis: { type: "value", minInterval: 1, axisLabel: axisLabel() },
          series: [{ name: L.overdue, type: "bar", itemStyle: { color: "#c9302c" },
                     label: { show: true, position: "top", fontSize: font },
                     data: rows.map(function (r) { return r.count; }) }]
        }),
        click: function (p) { go(rows[p.dataIndex].link); }
      };
    },
    satisfaction: function () {
      var rows = data.satisfaction_by_window || [];
      return {
        option: base({
          legend: { show: false },
          grid: windowGrid(),
          xAxis: { type: "category", data: names(rows), axisLabel: windowLabels(rows.length) },
          yAxis: { type: "value", max: 100, axisLabel: axisLabel() },
          series: [{ name: L.satisfaction, type: "bar", itemStyle: { color: "#2e8b57" },
                     label: { show: true, position: "top", fontSize: font },
                     data: rows.map(function (r) { return r.rate; }) }]
        }),
        click: function (p) { go(rows[p.dataIndex].link); }
      };
    },
    ranking: function () {
      var rows = (data.ranking || []).slice().reverse();  // rank 1 at the top
      return {
        option: base({
          legend: { show: false },
          tooltip: { trigger: "item", textStyle: { fontSize: font } },
          xAxis: { type: "value", max: 110, axisLabel: axisLabel() },
          yAxis: { type: "category", axisLabel: axisLabel(),
                   data: rows.map(function (r) {
                     return r.rank + ". " + r.window + (r.red_flag ? " ★" + L.red_flag : "");
                   }) },
          series: [{ name: L.score, type: "bar",
                     label: { show: true, position: "right", fontSize: font },
                     data: rows.map(function (r) {
                       return { value: r.total,
                                itemStyle: { color: r.red_flag ? "#c9302c" : "#5b7fa6" } };
                     }) }]
        }),
        click: function (p) { go(rows[p.dataIndex].link); }
      };
    },
    attendance: function () {
      var rows = data.attendance_by_window || [];
      function series(key) {
        return { name: L[key], type: "bar", data: rows.map(function (r) { return r[key]; }) };
      }
      return {
        option: base({
          grid: windowGrid(),
          xAxis: { type: "category", data: names(rows), axisLabel: windowLabels(rows.length) },
          yAxis: { type: "value", axisLabel: axisLabel() },
          series: [series("late_early"), series("absent_days"), series("leave_days"),
                   series("away_today")]
        }),
        click: function (p) { go(rows[p.dataIndex].link); }
      };
    },
    complaints: function () {
      return {
        option: base({
          legend: { show: false },
          xAxis: { type: "category", data: data.months, axisLabel: axisLabel() },
          yAxis: { type: "value", minInterval: 1, axisLabel: axisLabel() },
          series: [{ name: L.complaints, type: "line", data: data.complaint_trend || [],
                     label: { show: true, fontSize: font } }]
        }),
        click: function () { go(data.kpi_links && data.kpi_links.complaints_open); }
      };
    }
  };

  var nodes = document.querySelectorAll("[data-chart]");
  Array.prototype.forEach.call(nodes, function (node) {
    var build = builders[node.getAttribute("data-chart")];
    if (!build) { return; }
    var made = build();
    var chart = echarts.init(node, null, { locale: "ZH", renderer: "canvas" });
    chart.setOption(made.option);
    chart.on("click", made.click);
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  document.documentElement.setAttribute("data-charts-ready", String(charts.length));
}());
