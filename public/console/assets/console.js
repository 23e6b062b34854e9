// edge-lrs console client: draws the charts from their data attributes (uPlot) and runs the explorer's live
// mode. No inline script anywhere (the CSP forbids it); everything else works without JavaScript.
"use strict";

(function () {
  function readData(el) {
    try {
      return { labels: JSON.parse(el.dataset.labels || "[]"), values: JSON.parse(el.dataset.values || "[]") };
    } catch (e) {
      return { labels: [], values: [] };
    }
  }

  // Hours are 'YYYY-MM-DDTHH', days 'YYYY-MM-DD', both UTC.
  function timeOf(label, hourly) {
    return Date.parse(hourly ? label + ":00:00Z" : label + "T00:00:00Z") / 1000;
  }

  // Exactly the labelled days or hours; a single point gets one step either side (uPlot would span years).
  function timeRange(xs, hourly) {
    var step = hourly ? 3600 : 86400;
    var low = xs.length ? xs[0] : 0;
    var high = xs.length ? xs[xs.length - 1] : 0;
    return low === high ? [low - step, high + step] : [low, high];
  }

  // The y axis as wide as its widest label, so six-digit counts are never cut off at the edge.
  function sizeToLabels(u, values, axisIdx, cycleNum) {
    var axis = u.axes[axisIdx];
    if (cycleNum > 1) return axis._size; // uPlot re-asks until stable; keep the first answer
    var size = axis.ticks.size + axis.gap;
    u.ctx.font = axis.font[0];
    var widest = 0;
    (values || []).forEach(function (label) {
      widest = Math.max(widest, u.ctx.measureText(String(label)).width);
    });
    return Math.ceil(size + widest / (window.devicePixelRatio || 1)) + 6;
  }

  function drawChart(el) {
    if (typeof uPlot === "undefined") return;
    var data = readData(el);
    var bars = el.dataset.chart === "bars";
    var hourly = el.dataset.resolution === "hour";
    var numbers = new Intl.NumberFormat(el.dataset.locale || undefined, { maximumFractionDigits: 0 });
    var xs = data.labels.map(function (label, i) {
      return bars ? i : timeOf(label, hourly);
    });
    var width = Math.max(260, el.clientWidth || 600);
    var series = {
      label: "Statements",
      stroke: "#1f5fa8",
      width: 2,
      fill: bars ? "rgba(31,95,168,0.55)" : "rgba(31,95,168,0.12)",
    };
    if (bars) series.paths = uPlot.paths.bars({ size: [0.8, 60] });
    var opts = {
      // Days and hours are UTC (as the rollups count them): label them in UTC whatever the browser's zone.
      tzDate: function (ts) {
        return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
      },
      width: width,
      height: 240,
      scales: { x: { time: !bars, range: bars ? [-0.5, xs.length - 0.5] : timeRange(xs, hourly) }, y: { range: [0, null] } },
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      series: [{}, series],
      axes: [
        bars
          ? {
              values: function (u, splits) {
                return splits.map(function (v) {
                  return data.labels[v] || "";
                });
              },
              splits: function () {
                return xs;
              },
            }
          : {},
        {
          // Counts are whole numbers (no fractional ticks), grouped as the viewer's locale groups them.
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8],
          values: function (u, splits) {
            return splits.map(function (v) {
              return numbers.format(v);
            });
          },
          size: sizeToLabels,
        },
      ],
    };
    el.textContent = "";
    var plot = new uPlot(opts, [xs, data.values], el);
    el.dataset.drawn = "true";
    window.addEventListener("resize", function () {
      plot.setSize({ width: Math.max(260, el.clientWidth || 600), height: 240 });
    });
  }

  function startLive(button) {
    var list = document.getElementById("statement-list");
    var status = document.getElementById("live-status");
    var timer = null;
    var total = 0;

    function poll() {
      var url = button.dataset.liveUrl + (button.dataset.liveUrl.indexOf("?") >= 0 ? "&" : "?") + "after=" + button.dataset.after;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : Promise.reject(new Error(String(response.status)));
        })
        .then(function (body) {
          button.dataset.after = String(body.after);
          if (!body.html) return;
          if (!list) {
            list = document.createElement("ol");
            list.className = "statements";
            list.id = "statement-list";
            status.insertAdjacentElement("afterend", list);
          }
          // Server-rendered, escaped markup of our own origin.
          list.insertAdjacentHTML("afterbegin", body.html);
          total += (body.html.match(/class="statement"/g) || []).length;
          status.textContent = total + " new statement" + (total === 1 ? "" : "s") + " since live mode started.";
        })
        .catch(function () {
          status.textContent = "Live mode could not reach the LRS; retrying.";
        });
    }

    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "Stop live mode" : "Live mode";
      if (on) {
        status.textContent = "Live mode: checking for new statements every 3 seconds.";
        poll();
        timer = setInterval(poll, 3000);
      } else {
        clearInterval(timer);
        status.textContent = "Live mode stopped.";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(drawChart);
    var live = document.getElementById("live-toggle");
    if (live) startLive(live);
  });
})();
