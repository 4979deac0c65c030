// Charts drawn as inline SVG by hand: an HHI gauge, a supplier share bar, an HHI step chart and
// the stacked bar of one stage's supply by bloc.
// Colours come from CSS classes, so the charts follow the page's theme.

import { BANDS, HHI_MAX, band, formatDate, formatHhi } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attributes = {}, children = []) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

function title(text) {
  const node = svg("title");
  node.textContent = text;
  return node;
}

// A horizontal track from 0 to 10 000 showing the three bands faintly, filled up to the HHI in
// the colour of its band, with ticks at the band edges.
export function hhiGauge(hhi) {
  const width = 100;
  const scale = (value) => (Math.min(value, HHI_MAX) / HHI_MAX) * width;
  const gauge = svg("svg", {
    class: "gauge",
    viewBox: `0 0 ${width} 6`,
    preserveAspectRatio: "none",
    "aria-hidden": "true",
    focusable: "false",
  });
  let from = 0;
  for (const b of BANDS) {
    gauge.append(
      svg("rect", {
        class: `gauge-band band-${b.id}`,
        x: scale(from),
        y: 0,
        width: scale(b.upTo) - scale(from),
        height: 6,
      }),
    );
    from = b.upTo;
  }
  gauge.append(
    svg("rect", {
      class: `gauge-fill band-${band(hhi).id}`,
      x: 0,
      y: 0,
      width: Math.max(scale(hhi), 0.6),
      height: 6,
    }),
  );
  for (const b of BANDS.slice(0, -1)) {
    gauge.append(svg("line", { class: "gauge-tick", x1: scale(b.upTo), x2: scale(b.upTo), y1: 0, y2: 6 }));
  }
  return gauge;
}

// One supplier's share as a bar on a 0–100 % track.
export function shareBar(sharePct, bandId) {
  const bar = svg("svg", {
    class: "share-bar",
    viewBox: "0 0 100 10",
    preserveAspectRatio: "none",
    "aria-hidden": "true",
    focusable: "false",
  });
  bar.append(svg("rect", { class: "share-track", x: 0, y: 0, width: 100, height: 10, rx: 1.5 }));
  bar.append(
    svg("rect", {
      class: `share-fill band-${bandId}`,
      x: 0,
      y: 0,
      width: Math.max(Math.min(sharePct, 100), 0.4),
      height: 10,
      rx: 1.5,
    }),
  );
  return bar;
}

// HHI over valid time as a step line over the bands; one dot per recorded change.
export function hhiHistory(points, label) {
  const width = 560;
  const height = 150;
  const pad = { left: 44, right: 14, top: 10, bottom: 24 };
  const chart = svg("svg", {
    class: "history-chart",
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": label,
  });
  chart.append(title(label));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const y = (hhi) => pad.top + innerH - (Math.min(hhi, HHI_MAX) / HHI_MAX) * innerH;

  let from = 0;
  for (const b of BANDS) {
    chart.append(
      svg("rect", {
        class: `history-band band-${b.id}`,
        x: pad.left,
        y: y(b.upTo),
        width: innerW,
        height: y(from) - y(b.upTo),
      }),
    );
    from = b.upTo;
  }
  for (const level of [0, 2500, 5000, 7500, 10000]) {
    chart.append(
      svg("line", { class: "history-grid", x1: pad.left, x2: width - pad.right, y1: y(level), y2: y(level) }),
    );
    const tick = svg("text", { class: "axis-label", x: pad.left - 6, y: y(level) + 3.5, "text-anchor": "end" });
    tick.textContent = formatHhi(level);
    chart.append(tick);
  }
  if (points.length === 0) return chart;

  const times = points.map((p) => Date.parse(p.at));
  const first = Math.min(...times);
  const last = Math.max(...times, Date.now());
  const span = Math.max(last - first, 1);
  const x = (t) => pad.left + ((t - first) / span) * innerW;

  let d = `M ${x(times[0])} ${y(points[0].hhi)}`;
  for (let i = 1; i < points.length; i += 1) {
    d += ` H ${x(times[i])} V ${y(points[i].hhi)}`;
  }
  d += ` H ${x(last)}`;
  chart.append(svg("path", { class: "history-line", d }));
  points.forEach((point, i) => {
    chart.append(
      svg("circle", { class: "history-dot", cx: x(times[i]), cy: y(point.hhi), r: 3.5 }, [
        title(`${formatDate(point.at)}: HHI ${formatHhi(point.hhi)}`),
      ]),
    );
  });
  const start = svg("text", { class: "axis-label", x: pad.left, y: height - 6 });
  start.textContent = formatDate(points[0].at);
  const end = svg("text", { class: "axis-label", x: width - pad.right, y: height - 6, "text-anchor": "end" });
  end.textContent = "now";
  chart.append(start, end);
  return chart;
}

// One stage's supply split into disjoint parts on a 0–100 % track: `segments` are
// {className, pct, label}, drawn left to right; whatever they leave is the bare track.
export function stackedShareBar(segments, label) {
  const bar = svg("svg", {
    class: "stacked-bar",
    viewBox: "0 0 100 10",
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": label,
  });
  bar.append(title(label), svg("rect", { class: "share-track", x: 0, y: 0, width: 100, height: 10 }));
  let from = 0;
  for (const segment of segments) {
    const width = Math.max(Math.min(segment.pct, 100 - from), 0);
    if (width <= 0) continue;
    bar.append(
      svg("rect", { class: `stacked-part ${segment.className}`, x: from, y: 0, width, height: 10 }, [
        title(segment.label),
      ]),
    );
    from += width;
  }
  // Thin gaps between the parts, drawn over them so that widths stay exact.
  let edge = 0;
  for (const segment of segments.slice(0, -1)) {
    edge += Math.max(segment.pct, 0);
    if (edge > 0 && edge < 100) {
      bar.append(svg("line", { class: "stacked-gap", x1: edge, x2: edge, y1: 0, y2: 10 }));
    }
  }
  return bar;
}
