/* Kyoso charts: an ECharts option stored as JSON beside each chart; the same numbers are in a table. */
(function () {
  "use strict";
  function initChart(el) {
    if (el.dataset.ready) return;
    var source = document.getElementById(el.dataset.optionId);
    if (!source) return;
    el.dataset.ready = "1";
    var chart = echarts.init(el, null, { renderer: "svg" });
    var option = JSON.parse(source.textContent);
    option.textStyle = Object.assign({ fontFamily: getComputedStyle(document.body).fontFamily, fontSize: 14 }, option.textStyle || {});
    option.aria = { enabled: true };
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  // ECharts (large) is fetched only by pages that have a chart, and only once.
  var self = document.currentScript;
  var loading = null;
  function withEcharts(then) {
    if (window.echarts) { then(); return; }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = (self && self.dataset.echarts) || "/static/vendor/echarts/echarts.min.js";
        s.onload = resolve; s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    loading.then(then);
  }
  function initAll() {
    var charts = document.querySelectorAll(".chart[data-option-id]");
    if (charts.length) withEcharts(function () { charts.forEach(initChart); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll); else initAll();
  document.addEventListener("htmx:afterSwap", initAll);
})();
