/* Charts beside tables (issue #20): the attendance month, the window scores and the
 * semi-annual grades. Each <div data-table-chart="ID"> is drawn from the JSON block
 * <script type="application/json" id="ID">: {categories, series: [{name, data, stack,
 * color, label, width, links}], links: [url per category], type ("bar" or "line"),
 * horizontal, integer, decimals, min, floor, empty}. Every category is labelled (interval 0: thirty
 * windows, thirty names); `floor` starts the value axis just below the lowest value (a score of
 * 97 is not a full bar); a bar or point opens its row: its series' link, else its category's.
 * `empty` is said when no series has a value. A static file with the vendored ECharts, no
 * inline code (CSP). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];

  // `floor`: the value axis from a multiple of 5 just below the lowest value to one just above
  // the highest, so that ECharts' ticks fall on round numbers (80, 85 … 100).
  function floorOf(value) {
    if (!isFinite(value.min)) { return 0; }
    return Math.max(0, Math.floor((value.min - 1) / 5) * 5);
  }

  function ceilingOf(value) {
    if (!isFinite(value.max)) { return 5; }
    return Math.ceil((value.max + 0.5) / 5) * 5;
  }

  function formatted(spec) {
    return function (value) {
      var number = value !== null && typeof value === "object" ? value.value : value;
      if (number === null || number === undefined || number === "-") { return "-"; }
      return spec.decimals !== undefined ? Number(number).toFixed(spec.decimals) : String(number);
    };
  }

  function hasValues(spec) {
    return spec.series.some(function (s) {
      return s.data.some(function (v) { return v !== null && v !== undefined; });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-table-chart]"), function (node) {
    var block = document.getElementById(node.getAttribute("data-table-chart"));
    if (!block) { return; }
    var spec = JSON.parse(block.textContent);
    var line = spec.type === "line";
    var names = { type: "category", data: spec.categories, boundaryGap: !line,
                  axisLabel: { interval: 0, hideOverlap: false,
                               rotate: !spec.horizontal && spec.categories.length > 8 ? 35 : 0 } };
    var values = { type: "value", minInterval: spec.integer ? 1 : 0 };
    if (spec.min !== undefined) { values.min = spec.min; }
    if (spec.floor) { values.min = floorOf; values.max = ceilingOf; }
    var format = formatted(spec);
    var crowded = line && spec.series.length > 3;
    var option = {
      animation: false,
      tooltip: { trigger: line ? "item" : "axis", axisPointer: { type: "shadow" },
                 valueFormatter: format },
      legend: { top: 0, type: "scroll", show: spec.series.length > 1 },
      grid: { left: 8, right: 40, top: spec.series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? values : names,
      yAxis: spec.horizontal ? names : values,
      series: spec.series.map(function (s) {
        var drawn = { name: s.name, type: line ? "line" : "bar", stack: s.stack, data: s.data,
                      connectNulls: line, symbolSize: line ? 8 : undefined,
                      itemStyle: s.color ? { color: s.color } : undefined,
                      emphasis: { focus: "series" },
                      label: { show: !!s.label, position: spec.horizontal ? "right" : "top",
                               formatter: function (p) { return format(p.value); } } };
        // Many lines (every window's trend): thin and pale, the center's mean drawn over them.
        if (line) {
          drawn.lineStyle = s.width ? { width: s.width } : { width: crowded ? 1.5 : 2,
                                                             opacity: crowded ? 0.5 : 1 };
          drawn.z = s.width ? 3 : 2;
        }
        return drawn;
      })
    };
    if (spec.horizontal) { option.yAxis.inverse = true; }
    if (spec.empty && !hasValues(spec)) {
      option.title = { text: spec.empty, left: "center", top: "middle",
                       textStyle: { fontSize: 14, fontWeight: "normal", color: "#777" } };
    }
    var chart = echarts.init(node, null, { locale: "ZH", renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", function (p) {
      var own = spec.series[p.seriesIndex] && spec.series[p.seriesIndex].links;
      var link = (own && own[p.dataIndex]) || (spec.links && spec.links[p.dataIndex]);
      if (link) { window.location.href = link; }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.setAttribute("data-table-charts-ready", String(charts.length));
}());
