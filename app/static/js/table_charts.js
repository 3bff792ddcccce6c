/* Charts beside tables (issue #20): the attendance month, the window scores and the
 * semi-annual grades. Each <div data-table-chart="ID"> is drawn from the JSON block
 * <script type="application/json" id="ID">: {categories, series: [{name, data, stack,
 * color}], links: [url per category], horizontal, unit}. Every bar opens its row's link.
 * A static file with the vendored ECharts, no inline code (CSP). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-table-chart]"), function (node) {
    var block = document.getElementById(node.getAttribute("data-table-chart"));
    if (!block) { return; }
    var spec = JSON.parse(block.textContent);
    var names = { type: "category", data: spec.categories,
                  axisLabel: { interval: 0, hideOverlap: false,
                               rotate: !spec.horizontal && spec.categories.length > 8 ? 35 : 0 } };
    var values = { type: "value", minInterval: spec.integer ? 1 : 0 };
    if (spec.min !== undefined) { values.min = spec.min; }
    var option = {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll", show: spec.series.length > 1 },
      grid: { left: 8, right: 24, top: spec.series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? values : names,
      yAxis: spec.horizontal ? names : values,
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: s.stack, data: s.data,
                 itemStyle: s.color ? { color: s.color } : undefined,
                 label: { show: !!s.label, position: spec.horizontal ? "right" : "top" } };
      })
    };
    if (spec.horizontal) { option.yAxis.inverse = true; }
    var chart = echarts.init(node, null, { locale: "ZH", renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", function (p) {
      var link = spec.links && spec.links[p.dataIndex];
      if (link) { window.location.href = link; }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.setAttribute("data-table-charts-ready", String(charts.length));
}());
