// The portal's own script. htmx comes from django-htmx; Bootstrap's bundle from django-bootstrap-static.
// A refusal answers 400 with the part to show again, its message included: a list refusing its filters (its
// table saying why, nothing listed) and a refused action where the target shows refusals (the board). Swap it
// in rather than treating it as a failed request.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status !== 400) { return; }
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  const fromFilters = source && source.closest && source.closest("form.filter-form");
  if (fromFilters || event.detail.target.hasAttribute("data-shows-refusals")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("htmx:responseError", function (event) {
  const status = event.detail.xhr.status;
  window.alert(status === 403 ? "Your role does not allow this action." : "The portal could not complete this request (" + status + ").");
});

// Wide tables that scroll sideways (the spend ledger) open on the current column, not the oldest one.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-scroll-to]").forEach(function (box) {
    const target = box.querySelector(box.dataset.scrollTo);
    const sticky = box.querySelector(".sticky-end");
    if (target) {
      box.scrollLeft = target.offsetLeft - (sticky ? sticky.offsetLeft + sticky.offsetWidth : 0);
    }
  });
});

// The board: dragging a card onto a column moves it through the card's own form (the keyboard path),
// so both ways run the same request and the same checks.
document.addEventListener("dragstart", function (event) {
  const card = event.target.closest && event.target.closest("[data-move-form]");
  if (card) { event.dataTransfer.setData("text/plain", card.dataset.moveForm); }
});
document.addEventListener("dragover", function (event) {
  const column = event.target.closest && event.target.closest("[data-board] [data-stage]");
  if (column) { event.preventDefault(); column.classList.add("drop-target"); }
});
document.addEventListener("dragleave", function (event) {
  const column = event.target.closest && event.target.closest("[data-stage]");
  if (column) { column.classList.remove("drop-target"); }
});
document.addEventListener("drop", function (event) {
  const column = event.target.closest && event.target.closest("[data-board] [data-stage]");
  const form = column && document.getElementById(event.dataTransfer.getData("text/plain"));
  if (!form) { return; }
  event.preventDefault();
  column.classList.remove("drop-target");
  if (column.dataset.refusal) {
    // A workflow's column (Pre-start, Hired): no card is moved there by hand; the server wrote why.
    const refusal = document.querySelector("[data-board-refusal]");
    refusal.textContent = column.dataset.refusal;
    refusal.hidden = false;
    return;
  }
  form.querySelector("select[name=stage]").value = column.dataset.stage;
  form.requestSubmit();
});

// --- Charts ------------------------------------------------------------------------------------------
// A page with a chart includes templates/includes/chart_script.html (Chart.js, vendored in static/vendor)
// and templates/includes/chart.html, which writes the chart's data with json_script and a canvas naming it:
//   <script type="application/json" id="ID">{...}</script> <div class="chart-box"><canvas data-chart="ID"></canvas></div>
// The data:
//   type        "bar" or "line"
//   label       what the chart shows, in words: the canvas's accessible name (role="img")
//   labels      one label per x position (per bar or point)
//   datasets    [{label: series name, data: [number or null, one per label]}]
//   links       optional: one URL (or null) per label; a click on that bar or point opens it (same site only)
//   stacked     optional: stack the datasets (bars)
//   unit        optional: "days", "%" (values 0-100), "CAD" or "": how values read in tooltips and on the axis
//   horizontal  optional: bars run sideways (long labels, such as department names)
// The table beside the chart stays the page's primary view; the chart is a picture of it. Series differ in
// colour and also in pattern (bars) or dash and point shape (lines), so they read without colour. No
// animation (dashboards must feel instant); the canvas fills its .chart-box, whose height portal.css fixes.
(function () {
  const COLOURS = ["#0d6efd", "#6c757d", "#fd7e14", "#6f42c1", "#198754", "#dc3545"];
  const PATTERNS = ["solid", "diagonal", "dots", "cross", "horizontal", "vertical"];
  const DASHES = [[], [6, 4], [2, 3], [10, 4, 2, 4], [12, 6], [4, 8]];
  const POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star"];

  function locale() {
    return document.documentElement.lang || undefined;
  }

  function formatValue(value, unit, onAxis) {
    if (value === null || value === undefined || Number.isNaN(value)) { return "–"; }
    if (unit === "CAD") {
      const whole = Number.isInteger(value);
      return new Intl.NumberFormat(locale(), {
        style: "currency", currency: "CAD", notation: onAxis ? "compact" : "standard",
        minimumFractionDigits: onAxis || whole ? 0 : 2, maximumFractionDigits: onAxis ? 1 : (whole ? 0 : 2),
      }).format(value);
    }
    const number = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value);
    if (unit === "%") { return number + "%"; }
    if (unit === "days" && !onAxis) { return number + (value === 1 ? " day" : " days"); }
    return number;
  }

  // A fill that reads without colour: the series' colour crossed by light lines or dots.
  function pattern(colour, kind) {
    if (kind === "solid") { return colour; }
    const tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    const ctx = tile.getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
    ctx.lineWidth = 2;
    ctx.beginPath();
    if (kind === "diagonal") {
      ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
      ctx.moveTo(0, 8); ctx.lineTo(8, 0);
      ctx.moveTo(6, 10); ctx.lineTo(10, 6);
    } else if (kind === "cross") {
      ctx.moveTo(0, 0); ctx.lineTo(8, 8);
      ctx.moveTo(0, 8); ctx.lineTo(8, 0);
    } else if (kind === "horizontal") {
      ctx.moveTo(0, 4); ctx.lineTo(8, 4);
    } else if (kind === "vertical") {
      ctx.moveTo(4, 0); ctx.lineTo(4, 8);
    } else if (kind === "dots") {
      ctx.arc(4, 4, 1.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.stroke();
    return ctx.createPattern(tile, "repeat") || colour;
  }

  function safeLink(link) {
    if (!link) { return null; }
    try {
      const url = new URL(link, window.location.href);
      return url.origin === window.location.origin ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function datasets(data) {
    const several = data.datasets.length > 1;
    return data.datasets.map(function (series, i) {
      const colour = COLOURS[i % COLOURS.length];
      const common = { label: series.label || "", data: series.data };
      if (data.type === "line") {
        return Object.assign(common, {
          borderColor: colour, backgroundColor: colour, borderWidth: 2, fill: false, tension: 0,
          borderDash: several ? DASHES[i % DASHES.length] : [],
          pointStyle: several ? POINTS[i % POINTS.length] : "circle",
          pointRadius: 4, pointHoverRadius: 6,
        });
      }
      return Object.assign(common, {
        backgroundColor: several ? pattern(colour, PATTERNS[i % PATTERNS.length]) : colour,
        borderColor: colour, borderWidth: 1,
      });
    });
  }

  function options(data) {
    const unit = data.unit || "";
    const horizontal = data.type === "bar" && Boolean(data.horizontal);
    const stacked = Boolean(data.stacked);
    const links = (data.links || []).map(safeLink);
    const linkAt = function (elements) {
      return elements.length ? links[elements[0].index] || null : null;
    };
    const valueAxis = {
      beginAtZero: true,
      stacked: stacked,
      title: { display: unit === "days", text: "Days" },
      ticks: {
        precision: unit === "" || unit === "days" ? 0 : undefined,
        callback: function (value) { return formatValue(value, unit, true); },
      },
    };
    const indexAxis = { stacked: stacked, grid: { display: false } };
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      interaction: { mode: "index", intersect: false, axis: horizontal ? "y" : "x" },
      scales: horizontal ? { x: valueAxis, y: indexAxis } : { x: indexAxis, y: valueAxis },
      plugins: {
        legend: { display: data.datasets.length > 1, position: "bottom", labels: { usePointStyle: data.type === "line" } },
        tooltip: {
          callbacks: {
            label: function (item) {
              const value = horizontal ? item.parsed.x : item.parsed.y;
              return (item.dataset.label ? item.dataset.label + ": " : "") + formatValue(value, unit, false);
            },
            footer: function (items) {
              return items.length && links[items[0].dataIndex] ? "Click to open the list" : "";
            },
          },
        },
      },
      onHover: function (event, elements, chart) {
        chart.canvas.style.cursor = linkAt(elements) ? "pointer" : "default";
      },
      onClick: function (event, elements) {
        const link = linkAt(elements);
        if (link) { window.location.assign(link); }
      },
    };
  }

  function drawChart(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    let data;
    try {
      data = source ? JSON.parse(source.textContent) : null;
    } catch (error) {
      data = null;
    }
    const existing = window.Chart.getChart(canvas);
    if (existing) { existing.destroy(); }
    if (!data || !Array.isArray(data.labels) || !Array.isArray(data.datasets)) {
      if (window.console) { window.console.warn("Chart data missing or unreadable:", canvas.dataset.chart); }
      return;
    }
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", data.label || "Chart");
    new window.Chart(canvas, {
      type: data.type === "line" ? "line" : "bar",
      data: { labels: data.labels, datasets: datasets(data) },
      options: options(data),
    });
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") { return; }
    const scope = root && root.isConnected ? root : document;
    const canvases = Array.from(scope.querySelectorAll("canvas[data-chart]"));
    if (scope.matches && scope.matches("canvas[data-chart]")) { canvases.push(scope); }
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#495057";
    canvases.forEach(drawChart);
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.detail && event.detail.elt); });
  // A chart whose canvas htmx removes lets go of it (Chart.js keeps every chart until destroyed).
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    const chart = window.Chart && event.target.matches && event.target.matches("canvas[data-chart]")
      ? window.Chart.getChart(event.target) : null;
    if (chart) { chart.destroy(); }
  });
}());
