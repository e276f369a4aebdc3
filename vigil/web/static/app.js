// Vigil dashboard pages: charts from the page's JSON block. Text is set with textContent, never innerHTML.
"use strict";
(function () {
  function pageData() {
    var el = document.getElementById("page-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  var DAY = 24 * 3600 * 1000;

  // A time axis of dates, never hours: a single point gets a week (or a month) either side, and no
  // tick is closer than a day apart.
  function dateAxis(starts, unit) {
    var pad = (unit === "month" ? 31 : 7) * DAY;
    var times = starts.map(function (s) { return Date.parse(s); });
    var axis = { type: "time", minInterval: unit === "month" ? 28 * DAY : DAY,
      axisLabel: { hideOverlap: true, formatter: unit === "month" ? "{yyyy}-{MM}" : "{yyyy}-{MM}-{dd}" } };
    if (times.length) {
      var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times);
      if (hi - lo < 4 * pad) { axis.min = lo - pad; axis.max = hi + pad; }
    }
    return axis;
  }

  function toneChart(data) {
    var el = document.getElementById("tone-chart");
    if (!el || typeof echarts === "undefined") return;
    var pts = data.tone.points;
    if (!pts.length) { el.textContent = "No dated tone for this actor's events."; el.classList.add("muted"); return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 30 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: dateAxis(pts.map(function (p) { return p.start; }), data.tone.unit),
      yAxis: { type: "value", min: -1, max: 1 },
      // Buckets without a measure are null: the line breaks there rather than bridging the gap.
      series: [{ type: "line", name: "tone per " + data.tone.unit, showSymbol: true, showAllSymbol: true, symbolSize: 5, connectNulls: false,
        data: pts.map(function (p) { return [p.start, p.value]; }) }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    window.vigilTone = { chart: chart, points: pts };
  }

  function trendCharts(data) {
    var box = document.getElementById("charts");
    var select = document.getElementById("metric");
    if (!box || typeof echarts === "undefined") return;
    var charts = [];
    function draw(metric) {
      charts.forEach(function (c) { c.dispose(); });
      charts = [];
      box.textContent = "";
      data.series.filter(function (s) { return s.metric === metric; }).forEach(function (s) {
        var card = document.createElement("div");
        var title = document.createElement("h3");
        title.textContent = s.domain + (s.outside.length ? " · " + s.outside.length + " week(s) outside the band" : "");
        var el = document.createElement("div");
        el.className = "chart";
        el.dataset.domain = s.domain;
        card.appendChild(title);
        card.appendChild(el);
        box.appendChild(card);
        var pts = s.points;
        if (!pts.some(function (p) { return p.value !== null; })) {
          el.classList.add("empty", "muted");
          el.textContent = "Nothing measured in this window (" + select.options[select.selectedIndex].text + ").";
          return;
        }
        var low = pts.map(function (p) { return [p.start, p.low]; });
        var span = pts.map(function (p) { return [p.start, p.low === null || p.high === null ? null : p.high - p.low]; });
        var chart = echarts.init(el, null, { renderer: "svg" });
        chart.setOption({
          animation: false,
          grid: { left: 44, right: 16, top: 16, bottom: 30 },
          tooltip: { trigger: "axis", renderMode: "richText" },
          xAxis: dateAxis(pts.map(function (p) { return p.start; }), "week"),
          yAxis: metric === "events" ? { type: "value", min: 0 }
            : metric === "tone" ? { type: "value", min: -1, max: 1 } : { type: "value", scale: true },
          series: [
            { name: "low", type: "line", data: low, stack: "band", lineStyle: { opacity: 0 }, symbol: "none" },
            { name: "band", type: "line", data: span, stack: "band", lineStyle: { opacity: 0 }, symbol: "none",
              areaStyle: { color: "#dde8f5" } },
            { name: "baseline", type: "line", data: pts.map(function (p) { return [p.start, p.baseline]; }),
              symbol: "none", lineStyle: { type: "dashed", color: "#98a2b3" } },
            { name: s.metric, type: "line", data: pts.map(function (p) { return [p.start, p.value]; }),
              color: "#1f5fa8", connectNulls: false, symbolSize: 4, showAllSymbol: true },
            { name: "outside", type: "scatter", color: "#c0392b", symbolSize: 9,
              data: pts.filter(function (p) { return p.outside; }).map(function (p) { return [p.start, p.value]; }) }
          ]
        });
        charts.push(chart);
      });
      if (!charts.length) box.textContent = "No data in this window.";
    }
    select.addEventListener("change", function () { draw(select.value); });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    draw(select.value);
    window.vigilTrends = { charts: function () { return charts; } };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = pageData();
    var page = document.body.dataset.page;
    if (page === "actor" && data) toneChart(data);
    if (page === "trends" && data) trendCharts(data);
  });
})();
