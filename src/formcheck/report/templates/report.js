// formcheck report: the timeline, the stills and the plots move the video; playheads follow
// it. The plots are drawn here with uPlot from the JSON the report carries.
(function () {
  "use strict";
  var video = document.getElementById("video");
  var COLOURS = {
    line: "#1f4e79", limit: "#c62828", fault: "#d32f2f", possible: "#e69500", clean: "#2e7d32"
  };
  var PLOT_HEIGHT = 170;

  function seek(t) {
    if (!video || !isFinite(t)) {
      return;
    }
    video.currentTime = Math.max(0, t);
    var box = video.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      video.scrollIntoView({ block: "center" });
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-seek]");
    if (target) {
      event.preventDefault();
      seek(parseFloat(target.getAttribute("data-seek")));
    }
  });

  // --- plots ---------------------------------------------------------------------------------

  var dataNode = document.getElementById("plot-data");
  var data = dataNode ? JSON.parse(dataNode.textContent) : null;
  var charts = [];

  function yRange(plot) {
    // Room for the curve, every limit line (both signs for a magnitude) and the dots.
    return function (u, low, high) {
      var values = [low, high];
      plot.thresholds.forEach(function (th) {
        values.push(th.value);
        if (th.compare === "|>|") {
          values.push(-th.value);
        }
      });
      values = values.filter(function (v) { return v !== null && isFinite(v); });
      if (!values.length) {
        return [0, 1];
      }
      var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
      var pad = hi > lo ? 0.1 * (hi - lo) : Math.max(1, Math.abs(hi) * 0.1);
      return [lo - pad, hi + 2.2 * pad]; // headroom for the rep numbers
    };
  }

  function drawBands(u) {
    var ctx = u.ctx, box = u.bbox, ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.font = Math.round(11 * ratio) + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    data.bands.forEach(function (band) {
      var x0 = u.valToPos(band.start, "x", true), x1 = u.valToPos(band.end, "x", true);
      ctx.globalAlpha = 0.1;
      ctx.fillStyle = COLOURS[band.state];
      ctx.fillRect(x0, box.top, x1 - x0, box.height);
      ctx.globalAlpha = 1;
      ctx.fillText(band.label, (x0 + x1) / 2, box.top + 2 * ratio);
    });
    ctx.restore();
  }

  function drawLimitsAndMarks(plot) {
    return function (u) {
      var ctx = u.ctx, box = u.bbox, ratio = window.devicePixelRatio || 1;
      ctx.save();
      ctx.font = Math.round(11 * ratio) + "px system-ui, sans-serif";
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      ctx.strokeStyle = ctx.fillStyle = COLOURS.limit;
      ctx.lineWidth = ratio;
      ctx.setLineDash([6 * ratio, 4 * ratio]);
      plot.thresholds.forEach(function (th) {
        var levels = th.compare === "|>|" ? [th.value, -th.value] : [th.value];
        levels.forEach(function (level) {
          var y = u.valToPos(level, "y", true);
          ctx.beginPath();
          ctx.moveTo(box.left, y);
          ctx.lineTo(box.left + box.width, y);
          ctx.stroke();
        });
        var word = { ">": "above ", "<": "below ", "|>|": "beyond \u00b1" }[th.compare] || "";
        var label = th.label + ": fault " + word + th.value;
        var x = box.left + box.width - 4 * ratio, y = u.valToPos(th.value, "y", true) - 2 * ratio;
        var width = ctx.measureText(label).width, height = 13 * ratio;
        ctx.fillStyle = "rgba(255, 255, 255, 0.85)";  // readable over the curve
        ctx.fillRect(x - width - 3 * ratio, y - height, width + 6 * ratio, height);
        ctx.fillStyle = COLOURS.limit;
        ctx.fillText(label, x, y);
      });
      ctx.setLineDash([]);
      plot.marks.forEach(function (mark) {
        ctx.beginPath();
        ctx.arc(u.valToPos(mark.t, "x", true), u.valToPos(mark.value, "y", true),
          5 * ratio, 0, 2 * Math.PI);
        ctx.fillStyle = mark.possible ? COLOURS.possible : COLOURS.fault;
        ctx.fill();
        ctx.lineWidth = 1.5 * ratio;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
      });
      ctx.restore();
    };
  }

  function makeChart(area) {
    var plot = data.plots.filter(function (p) { return p.id === area.getAttribute("data-plot"); })[0];
    var decimals = plot.unit === "degrees" ? 0 : 2;
    var options = {
      width: Math.max(200, area.clientWidth),
      height: PLOT_HEIGHT,
      scales: { x: { time: false, range: [0, data.duration] }, y: { range: yRange(plot) } },
      axes: [
        { label: "seconds", labelSize: 18, size: 34 },
        { label: plot.unit, labelSize: 18, size: 52 }
      ],
      series: [
        { label: "time", value: function (u, v) { return v === null ? "\u2013" : v.toFixed(2) + " s"; } },
        {
          label: plot.title, stroke: COLOURS.line, width: 1.5, spanGaps: false,
          points: { show: false },
          value: function (u, v) { return v === null ? "\u2013" : v.toFixed(decimals); }
        }
      ],
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      hooks: { drawClear: [drawBands], draw: [drawLimitsAndMarks(plot)] }
    };
    var chart = new uPlot(options, [data.t, plot.values], area);
    var head = document.createElement("div");
    head.className = "playhead";
    chart.over.appendChild(head);
    chart.over.addEventListener("click", function (event) {
      seek(chart.posToVal(event.offsetX, "x"));
    });
    charts.push({ chart: chart, area: area, head: head });
    placeHeads(video ? video.currentTime : 0);
  }

  function drawPlots(root) {
    if (!data || typeof uPlot === "undefined") {
      return;
    }
    root.querySelectorAll(".plot-area").forEach(function (area) {
      if (!area.hasAttribute("data-drawn") && area.offsetParent !== null) {
        area.setAttribute("data-drawn", "");
        makeChart(area);
      }
    });
  }

  // --- playheads -------------------------------------------------------------------------------

  var trackHead = document.querySelector(".track .playhead");

  function placeHeads(t) {
    if (trackHead && data !== null) {
      trackHead.style.left = (100 * Math.min(1, Math.max(0, t / data.duration))).toFixed(3) + "%";
    } else if (trackHead) {
      var end = parseFloat(trackHead.getAttribute("data-t1"));
      trackHead.style.left = (100 * Math.min(1, Math.max(0, t / end))).toFixed(3) + "%";
    }
    charts.forEach(function (c) {
      c.head.style.left = c.chart.valToPos(t, "x") + "px";
    });
  }

  if (video) {
    var follow = function () {
      placeHeads(video.currentTime);
      if (!video.paused && !video.ended) {
        window.requestAnimationFrame(follow);
      }
    };
    video.addEventListener("timeupdate", function () { placeHeads(video.currentTime); });
    video.addEventListener("seeked", function () { placeHeads(video.currentTime); });
    video.addEventListener("play", follow);
    video.addEventListener("error", function () {
      var note = document.getElementById("video-missing");
      if (note) {
        note.hidden = false;
      }
    });
  }

  drawPlots(document);
  document.querySelectorAll("details.more-plots").forEach(function (details) {
    details.addEventListener("toggle", function () { drawPlots(details); });
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) {
      c.chart.setSize({ width: Math.max(200, c.area.clientWidth), height: PLOT_HEIGHT });
    });
    placeHeads(video ? video.currentTime : 0);
  });
  placeHeads(0);
})();
