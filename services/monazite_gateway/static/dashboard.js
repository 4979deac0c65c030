// The dashboard: loads the current figures, deals, policies, alerts, index histories and the
// whole chain from the REST API, then keeps them current from the live stream, updating only what
// changed.

import { applyChainChanged, initChainPanel, loadChain } from "./chain.js";
import { hhiGauge, hhiHistory, shareBar } from "./charts.js";
import { $, announce, element, flash, getJson } from "./dom.js";
import {
  BANDS,
  BASES,
  CHAIN_STAGES,
  STAGES,
  band,
  basisLabel,
  commodityLabel,
  elementGroupOf,
  formatClock,
  formatCount,
  formatDate,
  formatHhi,
  formatPct,
  formatSignedHhi,
  formatTonnes,
  groupLabel,
  indexKey,
  measureLabel,
  measureRank,
  money,
  seriesKey,
  seriesSlug,
  stageLabel,
  supplierName,
} from "./format.js";
import { LiveStream } from "./live.js";
import { initReviewPanel } from "./review.js";

const LIST_LIMIT = 200;
const HISTORY_LIMIT = 1000;
const GROUP_ORDER = ["total_reo", "light_reo", "ion_adsorption_reo", "ndpr", "ndfeb"];

const state = {
  // indexKey → the index row as `/v1/indices` gives it (market, basis, period, measure, figures…)
  indices: new Map(),
  // marketId → stage, from `/v1/markets` and from live changes
  marketStages: new Map(),
  // seriesKey|basis → [{at, hhi}] in valid-time order
  histories: new Map(),
  // event id → [{label, before, after}]: what each deal or policy did to an index
  effects: new Map(),
  // supplier and entity ids → display names, gathered from the figures
  names: new Map(),
  timeline: new Map(),
  counts: { deals: 0, policies: 0, alerts: 0 },
  selected: null,
  filters: { commodity: "", measure: "", period: "" },
  timelineKind: "",
  ready: false,
  pending: [],
};

// ---- data ----------------------------------------------------------------------------------

function rememberIndex(row) {
  state.indices.set(indexKey(row.market_id, row.period, row.measure, row.basis), row);
  state.marketStages.set(row.market_id, row.stage);
  for (const supplier of row.figures.top_suppliers) {
    if (supplier.name !== supplier.supplier_id) state.names.set(supplier.supplier_id, supplier.name);
  }
}

function seriesList() {
  const series = new Map();
  for (const row of state.indices.values()) {
    const key = seriesKey(row.market_id, row.period, row.measure);
    if (!series.has(key)) {
      series.set(key, {
        key,
        marketId: row.market_id,
        stage: row.stage,
        commodity: row.commodity,
        group: row.element_group,
        period: row.period,
        measure: row.measure,
      });
    }
  }
  const groupRank = (g) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return [...series.values()].sort(
    (a, b) =>
      groupRank(a.group) - groupRank(b.group) ||
      a.group.localeCompare(b.group) ||
      b.period - a.period ||
      measureRank(a.measure) - measureRank(b.measure),
  );
}

function visible(series) {
  const { commodity, measure, period } = state.filters;
  return (
    (!commodity || series.commodity === commodity) &&
    (!measure || series.measure === measure) &&
    (!period || String(series.period) === period)
  );
}

function historyKey(marketId, period, measure, basis) {
  return indexKey(marketId, period, measure, basis);
}

function seriesTitle(marketId, period, measure) {
  const stage = state.marketStages.get(marketId) ?? marketId.split(".")[2];
  return `${stageLabel(stage)} · ${groupLabel(elementGroupOf(marketId))} · ${period} ${measureLabel(measure)}`;
}

function nameOf(id) {
  if (!id) return "—";
  return state.names.get(id) ?? id;
}

// ---- the matrix ----------------------------------------------------------------------------

function renderLegend() {
  const legend = $("legend");
  legend.replaceChildren(
    ...BANDS.map((b) =>
      element(
        "li",
        { class: `legend-item band-${b.id}` },
        element("span", { class: "swatch", "aria-hidden": "true" }),
        element("span", { text: `${b.label}` }),
        element("span", { class: "legend-range", text: b.range }),
      ),
    ),
  );
}

function renderFilters() {
  const all = seriesList();
  const fill = (select, values, label) => {
    const current = select.value;
    select.replaceChildren(
      element("option", { value: "", text: label }),
      ...values.map((v) => element("option", { value: String(v), text: String(v) })),
    );
    select.value = values.map(String).includes(current) ? current : "";
  };
  const measures = [...new Set(all.map((s) => s.measure))].sort((a, b) => measureRank(a) - measureRank(b));
  const periods = [...new Set(all.map((s) => s.period))].sort((a, b) => b - a);
  const commodities = [...new Set(all.map((s) => s.commodity))].sort();
  fill($("filter-commodity"), commodities, "All commodities");
  fill($("filter-measure"), measures, "All measures");
  fill($("filter-period"), periods, "All years");
}

function renderMatrixHead() {
  const head = element("tr", {}, element("th", { scope: "col", class: "series-col", text: "Market" }));
  for (const basis of BASES) {
    const label = basisLabel(basis);
    head.append(
      element(
        "th",
        { scope: "col", "data-basis": basis },
        element("span", { class: "basis-who", text: label.who }),
        element("span", { class: "basis-how", text: label.how }),
      ),
    );
  }
  $("matrix-head").replaceChildren(head);
}

function renderMatrix() {
  const table = $("matrix");
  for (const body of table.querySelectorAll("tbody")) body.remove();
  const all = seriesList();
  const showCommodity = new Set(all.filter(visible).map((s) => s.commodity)).size > 1;
  const stages = STAGES.filter(
    (s) => CHAIN_STAGES.includes(s) || all.some((series) => series.stage === s),
  );
  for (const stage of stages) {
    const rows = all.filter((s) => s.stage === stage && visible(s));
    const body = element("tbody", { "data-stage": stage });
    body.append(
      element(
        "tr",
        { class: "stage-row" },
        element(
          "th",
          { scope: "rowgroup", colspan: BASES.length + 1, id: `stage-${stage}` },
          element("span", { class: "stage-name", text: stageLabel(stage) }),
          element("span", {
            class: "stage-count",
            text: rows.length === 1 ? "1 series" : `${rows.length} series`,
          }),
        ),
      ),
    );
    if (rows.length === 0) {
      const anyAtAll = all.some((s) => s.stage === stage);
      body.append(
        element(
          "tr",
          { class: "empty-row" },
          element("td", {
            colspan: BASES.length + 1,
            text: anyAtAll
              ? "No series of this stage matches the filters."
              : "No index recorded for this stage yet.",
          }),
        ),
      );
    }
    for (const series of rows) body.append(renderSeriesRow(series, showCommodity));
    table.append(body);
  }
  table.setAttribute("aria-busy", "false");
  markSelected();
}

function renderSeriesRow(series, showCommodity) {
  const slug = seriesSlug(series.marketId, series.period, series.measure);
  const row = element(
    "tr",
    { "data-series": slug },
    element(
      "th",
      { scope: "row", class: "series-head" },
      element("span", { class: "series-group", text: groupLabel(series.group) }),
      element("span", { class: "series-meta", text: `${series.period} · ${measureLabel(series.measure)}` }),
      showCommodity ? element("span", { class: "series-commodity", text: commodityLabel(series.commodity) }) : null,
    ),
  );
  for (const basis of BASES) {
    const cell = element("td", { "data-basis": basis });
    fillCell(cell, series, basis);
    row.append(cell);
  }
  return row;
}

function fillCell(cell, series, basis) {
  const row = state.indices.get(indexKey(series.marketId, series.period, series.measure, basis));
  const slug = seriesSlug(series.marketId, series.period, series.measure);
  if (!row) {
    cell.className = "cell-empty";
    cell.replaceChildren(element("span", { class: "none", title: "No index on this basis", text: "—" }));
    return;
  }
  const f = row.figures;
  const b = band(f.hhi);
  const label = basisLabel(basis).full;
  const button = element(
    "button",
    {
      type: "button",
      class: `cell band-${b.id}`,
      "data-testid": `cell-${slug}-${basis}`,
      "data-market": series.marketId,
      "data-period": series.period,
      "data-measure": series.measure,
      "data-basis": basis,
      "aria-pressed": "false",
      "aria-label": `${seriesTitle(series.marketId, series.period, series.measure)}, ${label}: HHI ${formatHhi(f.hhi)}, ${b.label.toLowerCase()}; CR1 ${formatPct(f.cr1)}; CR3 ${formatPct(f.cr3)}; ${formatCount(f.effective_suppliers)} effective suppliers`,
    },
    element(
      "span",
      { class: "cell-top" },
      element("span", { class: "hhi-value", "data-testid": `hhi-${slug}-${basis}`, text: formatHhi(f.hhi) }),
      element("span", { class: "band-name", text: b.id === "moderate" ? "moderate" : b.id === "high" ? "high" : "low" }),
    ),
    hhiGauge(f.hhi),
    element(
      "span",
      { class: "cell-sub" },
      element("span", { title: "Largest supplier's share", text: `CR1 ${formatPct(f.cr1)}` }),
      element("span", { title: "Three largest suppliers' share", text: `CR3 ${formatPct(f.cr3)}` }),
      element("span", { title: "Effective number of suppliers (10 000 / HHI)", text: `≈${formatCount(f.effective_suppliers)} eff.` }),
    ),
  );
  cell.className = "cell-filled";
  cell.replaceChildren(button);
}

function cellButton(marketId, period, measure, basis) {
  const slug = seriesSlug(marketId, period, measure);
  return document.querySelector(`[data-testid="cell-${CSS.escape(slug)}-${basis}"]`);
}

function markSelected() {
  for (const button of document.querySelectorAll("button.cell[aria-pressed='true']")) {
    button.setAttribute("aria-pressed", "false");
  }
  const s = state.selected;
  if (!s) return;
  cellButton(s.marketId, s.period, s.measure, s.basis)?.setAttribute("aria-pressed", "true");
}

// ---- the selected index: suppliers, figures, history -----------------------------------------

function defaultSelection() {
  const preferred = [...state.indices.values()].find(
    (r) => r.market_id === "rare_earths.total_reo.mining" && r.measure === "production" && r.basis === "country_location",
  );
  const first = seriesList()[0];
  const row =
    preferred ??
    (first && BASES.map((b) => state.indices.get(indexKey(first.marketId, first.period, first.measure, b))).find(Boolean));
  return row ? { marketId: row.market_id, period: row.period, measure: row.measure, basis: row.basis } : null;
}

function selectionFromHash() {
  const [marketId, period, measure, basis] = decodeURIComponent(location.hash.slice(1)).split("/");
  if (!basis) return null;
  return state.indices.has(indexKey(marketId, Number(period), measure, basis))
    ? { marketId, period: Number(period), measure, basis }
    : null;
}

function select(selection, { updateHash = true } = {}) {
  state.selected = selection;
  if (updateHash && selection) {
    const { marketId, period, measure, basis } = selection;
    history.replaceState(null, "", `#${marketId}/${period}/${measure}/${basis}`);
  }
  markSelected();
  renderSelected();
}

function renderSelected(changedSuppliers = new Set()) {
  const s = state.selected;
  const subtitle = $("suppliers-subtitle");
  if (!s) {
    subtitle.textContent = "No index yet.";
    $("basis-tabs").replaceChildren();
    $("selected-figures").replaceChildren();
    $("supplier-list").replaceChildren();
    $("history-chart").replaceChildren();
    return;
  }
  const row = state.indices.get(indexKey(s.marketId, s.period, s.measure, s.basis));
  subtitle.textContent = `${seriesTitle(s.marketId, s.period, s.measure)} — ${basisLabel(s.basis).full}`;
  renderBasisTabs(s);
  if (!row) return;
  renderFigures(row);
  renderSuppliers(row, changedSuppliers);
  renderHistory(s);
}

function renderBasisTabs(s) {
  const tabs = BASES.filter((b) => state.indices.has(indexKey(s.marketId, s.period, s.measure, b))).map((b) =>
    element("button", {
      type: "button",
      role: "tab",
      class: "tab",
      "data-basis": b,
      "aria-selected": b === s.basis ? "true" : "false",
      tabindex: b === s.basis ? "0" : "-1",
      text: basisLabel(b).full,
    }),
  );
  $("basis-tabs").replaceChildren(...tabs);
}

function renderFigures(row) {
  const f = row.figures;
  const b = band(f.hhi);
  const item = (label, value, testid, extraClass = "") =>
    element(
      "div",
      { class: `figure ${extraClass}` },
      element("dt", { text: label }),
      element("dd", { "data-testid": testid, text: value }),
    );
  $("selected-figures").replaceChildren(
    item("HHI", formatHhi(f.hhi), "selected-hhi", `figure-hhi band-${b.id}`),
    item("CR1", formatPct(f.cr1), "selected-cr1"),
    item("CR3", formatPct(f.cr3), "selected-cr3"),
    item("CR4", formatPct(f.cr4), "selected-cr4"),
    item("Effective suppliers", formatCount(f.effective_suppliers), "selected-effective"),
    item("Suppliers", String(f.supplier_count), "selected-count"),
    item(row.measure === "share" ? "Total (points)" : "Total", formatTonnes(f.total_tonnes, row.measure), "selected-total"),
  );
}

function renderSuppliers(row, changedSuppliers) {
  const f = row.figures;
  const list = $("supplier-list");
  const items = f.top_suppliers.map((supplier, rank) => {
    const name = supplierName(supplier);
    const item = element(
      "li",
      { class: "supplier", "data-supplier": supplier.supplier_id, "data-testid": `supplier-${supplier.supplier_id}` },
      element("span", { class: "supplier-rank", "aria-hidden": "true", text: String(rank + 1) }),
      element("span", { class: "supplier-name", title: name, text: name }),
      shareBar(supplier.share_pct, "supplier"),
      element(
        "span",
        { class: "supplier-value" },
        element("strong", { "data-testid": `share-${supplier.supplier_id}`, text: formatPct(supplier.share_pct) }),
        element("span", { class: "supplier-tonnes", text: formatTonnes(supplier.tonnes, row.measure) }),
      ),
    );
    if (changedSuppliers.has(supplier.supplier_id)) flash(item);
    return item;
  });
  const unattributed = Number(f.unattributed_tonnes);
  const total = Number(f.total_tonnes);
  if (unattributed > 0 && total > 0) {
    const pct = (100 * unattributed) / total;
    items.push(
      element(
        "li",
        { class: "supplier supplier-unattributed" },
        element("span", { class: "supplier-rank", "aria-hidden": "true", text: "·" }),
        element("span", { class: "supplier-name", title: "Output no single supplier is named for (not in the HHI)", text: "Unattributed" }),
        shareBar(pct, "none"),
        element(
          "span",
          { class: "supplier-value" },
          element("strong", { text: formatPct(pct) }),
          element("span", { class: "supplier-tonnes", text: formatTonnes(f.unattributed_tonnes, row.measure) }),
        ),
      ),
    );
  }
  if (items.length === 0) items.push(element("li", { class: "supplier-none", text: "No supplier recorded." }));
  list.replaceChildren(...items);
}

function renderHistory(s) {
  const points = state.histories.get(historyKey(s.marketId, s.period, s.measure, s.basis)) ?? [];
  const label = `HHI of ${seriesTitle(s.marketId, s.period, s.measure)}, ${basisLabel(s.basis).full}, over time`;
  const note =
    points.length <= 1
      ? "One value recorded so far: the line grows as deals, policies and new figures arrive."
      : `${points.length} values recorded; each dot is a change.`;
  $("history-chart").replaceChildren(hhiHistory(points, label), element("p", { class: "history-note", text: note }));
}

// ---- the timeline -----------------------------------------------------------------------------

const DEAL_TYPES = {
  stake_changed: "Stake change",
  merger_completed: "Merger",
  asset_transferred: "Asset transfer",
  joint_venture_formed: "Joint venture",
};

const ALERT_TITLES = {
  hhi_threshold_crossed: "HHI threshold crossed",
  top_country_share_crossed: "Top country share crossed",
  deal_screen_triggered: "Deal screen triggered",
  rest_of_world_supply_cut: "Rest-of-world supply cut",
  chain_bottleneck_moved: "Chain bottleneck moved",
  vertical_integration_step: "Vertical integration step",
};

function list(values) {
  return (values ?? []).join(", ");
}

function describePolicy(p) {
  const until = p.effective_until ? ` until ${p.effective_until}` : "";
  switch (p.type) {
    case "export_control_imposed": {
      const what = [list(p.elements), list((p.element_groups ?? []).map(groupLabel))].filter(Boolean).join("; ");
      return {
        title: `${p.jurisdiction} export ${p.restriction === "ban" ? "ban" : "licensing"}: ${what || p.commodity}`,
        text: `Stages ${list(p.stages)}, from ${p.effective_from}${until}${p.severity != null ? `, severity ${p.severity}` : ""}.`,
      };
    }
    case "export_control_suspended":
      return { title: `Export control ${p.control_id} suspended`, text: `From ${p.effective_from}${until}.` };
    case "export_control_lifted":
      return { title: `Export control ${p.control_id} lifted`, text: `From ${p.effective_from}.` };
    case "quota_set":
      return {
        title: `${p.jurisdiction} ${p.quota_kind ?? "production"} quota: ${formatTonnes(p.tonnes, "production")}`,
        text: `${groupLabel(p.element_group)} ${p.stage}, ${p.period}${p.entity_id ? `, for ${nameOf(p.entity_id)}` : ""}.`,
      };
    case "tariff_imposed":
      return {
        title: `${p.jurisdiction} tariff of ${p.rate_pct}\u202f% on ${p.on_origin}`,
        text: `Stages ${list(p.stages)}, from ${p.effective_from}${until}.`,
      };
    case "funding_awarded":
      return {
        title: `${nameOf(p.funder_id)} → ${nameOf(p.recipient_id)}: ${p.instrument.replaceAll("_", " ")} ${money(p.amount)}`,
        text: p.purpose ? `${p.purpose.charAt(0).toUpperCase()}${p.purpose.slice(1)}.` : "",
      };
    case "price_floor_set":
      return {
        title: `${p.jurisdiction} price floor ${money(p.price_per_kg)}/kg for ${nameOf(p.beneficiary_id)}`,
        text: `${groupLabel(p.element_group)}, from ${p.effective_from}${until}.`,
      };
    default:
      return { title: p.type.replaceAll("_", " "), text: "" };
  }
}

function effectLine(effect) {
  const delta = effect.after - effect.before;
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "flat";
  return element(
    "li",
    { class: `effect effect-${direction}` },
    element("span", { class: "effect-label", text: effect.label }),
    element(
      "span",
      { class: "effect-value" },
      `HHI ${formatHhi(effect.before)} → `,
      element("strong", { text: formatHhi(effect.after) }),
      element("span", { class: "effect-delta", text: ` (${formatSignedHhi(delta)})` }),
    ),
  );
}

function addEffect(eventId, effect) {
  const effects = state.effects.get(eventId) ?? [];
  if (!effects.some((e) => e.label === effect.label && e.after === effect.after)) effects.push(effect);
  state.effects.set(eventId, effects);
}

function timelineEntry(item) {
  const node = element(
    "li",
    {
      class: `tl-item kind-${item.kind}${item.severity ? ` severity-${item.severity}` : ""}`,
      "data-testid": `timeline-${item.kind}`,
      "data-event-id": item.id,
      "data-kind": item.kind,
    },
    element("time", { datetime: item.at, text: formatDate(item.at) }),
    element("span", { class: "tl-dot", "aria-hidden": "true" }),
  );
  const body = element(
    "div",
    { class: "tl-body" },
    element(
      "div",
      { class: "tl-head" },
      element("span", { class: "badge", text: item.badge }),
      ...(item.tags ?? []).map((tag) => element("span", { class: `tag tag-${tag.tone}`, text: tag.text })),
      item.live ? element("span", { class: "tag tag-live", text: "live" }) : null,
    ),
    element("p", { class: "tl-title", text: item.title }),
    item.text ? element("p", { class: "tl-text", text: item.text }) : null,
  );
  const effects = [...(item.effects ?? []), ...(state.effects.get(item.id) ?? [])];
  if (effects.length > 0) {
    body.append(element("ul", { class: "effects", "aria-label": "Effect on the indices" }, ...effects.slice(0, 6).map(effectLine)));
    if (effects.length > 6) body.append(element("p", { class: "tl-more", text: `and ${effects.length - 6} more` }));
  }
  if (item.source?.url) {
    body.append(
      element(
        "p",
        { class: "tl-source" },
        "Source: ",
        element("a", { href: item.source.url, rel: "noopener noreferrer", target: "_blank", text: item.source.title || item.source.publisher }),
      ),
    );
  } else if (item.source?.publisher) {
    body.append(element("p", { class: "tl-source", text: `Source: ${item.source.publisher}` }));
  }
  node.append(body);
  return node;
}

function dealItem(deal, live) {
  const tags = [];
  if (deal.control_changed) tags.push({ tone: "warn", text: "control changed" });
  for (const screen of deal.screens_triggered ?? []) tags.push({ tone: "alert", text: screen.split(":").pop() });
  const effects = (deal.markets ?? [])
    .filter((m) => m.delta_hhi !== 0 && m.hhi_before !== null && m.hhi_after !== null)
    .map((m) => ({
      label: `${seriesTitle(m.market_id, m.period, m.measure)}, ${basisLabel(m.basis).full}`,
      before: m.hhi_before,
      after: m.hhi_after,
    }));
  const who = [deal.acquirer_id, deal.subject_id].filter(Boolean).map(nameOf).join(" → ");
  return {
    id: deal.deal_event_id,
    kind: "deal",
    badge: DEAL_TYPES[deal.deal_type] ?? "Deal",
    at: deal.occurred_at,
    title: who || deal.deal_event_id,
    text: deal.summary,
    tags,
    effects,
    live,
  };
}

function policyItem(policy, live) {
  const { title, text } = describePolicy(policy);
  return {
    id: policy.event_id,
    kind: "policy",
    badge: "Policy",
    at: policy.occurred_at,
    title,
    text,
    source: policy.source,
    live,
  };
}

function alertItem(alert, live) {
  return {
    id: alert.event_id ?? alert.alert_id ?? `${alert.kind}:${alert.occurred_at}`,
    kind: "alert",
    badge: ALERT_TITLES[alert.kind] ?? "Alert",
    severity: "alert",
    at: alert.occurred_at,
    title: alert.message,
    tags: alert.direction ? [{ tone: alert.direction === "up" ? "alert" : "ok", text: alert.direction }] : [],
    live,
  };
}

function timelineSortKey(item) {
  // Live items first (in arrival order), then the rest by valid time.
  return [item.live ? 1 : 0, item.live ? item.arrival : Date.parse(item.at)];
}

let arrivals = 0;

function putTimeline(item) {
  if (item.live) {
    arrivals += 1;
    item.arrival = arrivals;
  }
  state.timeline.set(`${item.kind}:${item.id}`, item);
}

function renderTimeline(flashIds = new Set()) {
  const items = [...state.timeline.values()]
    .filter((item) => !state.timelineKind || item.kind === state.timelineKind)
    .sort((a, b) => {
      const [la, ka] = timelineSortKey(a);
      const [lb, kb] = timelineSortKey(b);
      return lb - la || kb - ka;
    });
  const nodes = items.slice(0, 150).map((item) => {
    const node = timelineEntry(item);
    if (flashIds.has(`${item.kind}:${item.id}`)) flash(node);
    return node;
  });
  if (nodes.length === 0) nodes.push(element("li", { class: "tl-empty", text: "Nothing to show yet." }));
  $("timeline").replaceChildren(...nodes);
}

// ---- header -----------------------------------------------------------------------------------

function renderKpis(changed = []) {
  const markets = new Set([...state.indices.values()].map((r) => r.market_id));
  const values = {
    markets: markets.size,
    indices: state.indices.size,
    deals: state.counts.deals,
    policies: state.counts.policies,
    alerts: state.counts.alerts,
  };
  for (const [name, value] of Object.entries(values)) {
    const node = $(`kpi-${name}`);
    if (node.textContent !== String(value)) {
      node.textContent = String(value);
      if (changed.includes(name)) flash(node.parentElement);
    }
  }
}

const STATUS_LABELS = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline — retrying",
};

function showStatus(status) {
  const box = $("connection");
  box.dataset.state = status;
  $("connection-label").textContent = STATUS_LABELS[status] ?? status;
  box.title = status === "live" ? "Receiving changes as they happen" : "Live updates paused; figures may be behind";
}

function touchClock() {
  const now = new Date();
  const time = $("connection-time");
  time.textContent = `updated ${formatClock(now)}`;
  time.setAttribute("title", now.toISOString());
}

// ---- live changes -------------------------------------------------------------------------------

function applyIndexChanged(doc, seq) {
  const key = indexKey(doc.market_id, doc.period, doc.measure, doc.basis);
  const previousRow = state.indices.get(key);
  const newSeries = ![...state.indices.values()].some(
    (r) => r.market_id === doc.market_id && r.period === doc.period && r.measure === doc.measure,
  );
  const row = {
    market_id: doc.market_id,
    commodity: doc.commodity,
    element_group: doc.element_group,
    stage: doc.stage,
    basis: doc.basis,
    period: doc.period,
    measure: doc.measure,
    figures: doc.figures,
    caused_by: doc.caused_by,
    change_id: doc.event_id,
    valid_from: doc.occurred_at,
  };
  rememberIndex(row);

  if (newSeries) {
    renderFilters();
    renderMatrix();
  } else {
    const cell = document.querySelector(
      `tr[data-series="${CSS.escape(seriesSlug(doc.market_id, doc.period, doc.measure))}"] td[data-basis="${doc.basis}"]`,
    );
    if (cell) fillCell(cell, { marketId: doc.market_id, period: doc.period, measure: doc.measure }, doc.basis);
    markSelected();
  }
  const button = cellButton(doc.market_id, doc.period, doc.measure, doc.basis);
  if (button) {
    button.dataset.seq = seq ?? "";
    button.dataset.updatedBy = "stream";
    flash(button);
  }

  const hKey = historyKey(doc.market_id, doc.period, doc.measure, doc.basis);
  const points = state.histories.get(hKey) ?? [];
  points.push({ at: doc.occurred_at, hhi: doc.figures.hhi });
  points.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  state.histories.set(hKey, points);

  const before = doc.previous?.hhi ?? previousRow?.figures.hhi ?? null;
  const label = `${seriesTitle(doc.market_id, doc.period, doc.measure)}, ${basisLabel(doc.basis).full}`;
  if (before !== null) {
    for (const cause of doc.caused_by) addEffect(cause, { label, before, after: doc.figures.hhi });
  }
  // One timeline entry per market series and cause, gathering every basis it moved.
  const groupId = `${doc.market_id}|${doc.period}|${doc.measure}|${doc.caused_by.join(",")}`;
  const existing = state.timeline.get(`index:${groupId}`);
  const effects = existing?.effects ?? [];
  const at = existing?.at ?? doc.occurred_at;
  if (before !== null) effects.push({ label: basisLabel(doc.basis).full, before, after: doc.figures.hhi });
  const item = {
    id: groupId,
    kind: "index",
    badge: before === null ? "New index" : "Index change",
    at,
    title: seriesTitle(doc.market_id, doc.period, doc.measure),
    text: before === null ? `First figures: HHI ${formatHhi(doc.figures.hhi)} (${basisLabel(doc.basis).full}).` : `Caused by ${doc.caused_by.join(", ")}.`,
    effects,
    live: true,
  };
  if (existing) Object.assign(existing, item);
  else putTimeline(item);

  const s = state.selected;
  if (s && s.marketId === doc.market_id && s.period === doc.period && s.measure === doc.measure) {
    const changed = new Set(
      doc.figures.top_suppliers
        .filter((sup) => {
          const old = previousRow?.figures.top_suppliers.find((o) => o.supplier_id === sup.supplier_id);
          return !old || old.share_pct !== sup.share_pct;
        })
        .map((sup) => sup.supplier_id),
    );
    if (s.basis === doc.basis) {
      renderSelected(changed);
      flash($("selected-figures").querySelector(".figure-hhi"));
    } else {
      renderBasisTabs(s);
    }
  } else if (!s) {
    select(defaultSelection());
  }
  announce(
    before === null
      ? `New index: ${label}, HHI ${formatHhi(doc.figures.hhi)}`
      : `${label}: HHI ${formatHhi(before)} to ${formatHhi(doc.figures.hhi)}`,
  );
  const causesKnown = doc.caused_by.every((id) => state.timeline.has(`deal:${id}`) || state.timeline.has(`policy:${id}`));
  if (!causesKnown) schedulePolicyRefresh();
  return `index:${groupId}`;
}

function applyItem(kind, doc, seq) {
  const flashIds = new Set();
  const changed = [];
  if (kind === "index_changed") {
    flashIds.add(applyIndexChanged(doc, seq));
    changed.push("indices", "markets");
  } else if (kind === "deal_assessed") {
    const item = dealItem(doc, true);
    if (!state.timeline.has(`deal:${item.id}`)) {
      state.counts.deals += 1;
      changed.push("deals");
    }
    putTimeline(item);
    flashIds.add(`deal:${item.id}`);
    announce(`Deal assessed: ${doc.summary}`);
  } else if (kind === "alert_raised") {
    const item = alertItem(doc, true);
    if (!state.timeline.has(`alert:${item.id}`)) {
      state.counts.alerts += 1;
      changed.push("alerts");
    }
    putTimeline(item);
    flashIds.add(`alert:${item.id}`);
    announce(`Alert: ${doc.message}`);
  } else if (kind === "chain_changed") {
    applyChainChanged(doc, seq);
  }
  renderTimeline(flashIds);
  renderKpis(changed);
  touchClock();
}

// Policies are not on the stream: when an index moves for a cause the page has not seen, the
// policy list is read again (once per burst of changes).
let policyRefresh = null;

function schedulePolicyRefresh() {
  if (policyRefresh !== null) return;
  policyRefresh = setTimeout(async () => {
    policyRefresh = null;
    try {
      const { policies } = await getJson(`/v1/policies?limit=${LIST_LIMIT}`);
      const flashIds = new Set();
      for (const policy of policies) {
        const key = `policy:${policy.event_id}`;
        if (!state.timeline.has(key)) {
          putTimeline(policyItem(policy, true));
          flashIds.add(key);
        }
      }
      state.counts.policies = Math.max(state.counts.policies, policies.length);
      renderTimeline(flashIds);
      renderKpis(flashIds.size > 0 ? ["policies"] : []);
    } catch {
      // The next unexplained change tries again.
    }
  }, 1000);
}

// ---- loading ------------------------------------------------------------------------------------

async function loadHistories(marketIds) {
  const answers = await Promise.allSettled(
    marketIds.map((id) => getJson(`/v1/indices/${encodeURIComponent(id)}/history?limit=${HISTORY_LIMIT}`)),
  );
  for (const answer of answers) {
    if (answer.status !== "fulfilled") continue;
    const { market_id: marketId, history: rows } = answer.value;
    for (const row of rows) {
      const key = historyKey(marketId, row.period, row.measure, row.basis);
      const points = state.histories.get(key) ?? [];
      points.push({ at: row.occurred_at, hhi: row.figures.hhi });
      state.histories.set(key, points);
      if (row.previous) {
        const label = `${seriesTitle(marketId, row.period, row.measure)}, ${basisLabel(row.basis).full}`;
        for (const cause of row.caused_by) addEffect(cause, { label, before: row.previous.hhi, after: row.figures.hhi });
      }
    }
  }
  for (const points of state.histories.values()) points.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

async function loadAll() {
  const [markets, indices, deals, policies, alerts] = await Promise.all([
    getJson("/v1/markets"),
    getJson("/v1/indices"),
    getJson(`/v1/deals?limit=${LIST_LIMIT}`),
    getJson(`/v1/policies?limit=${LIST_LIMIT}`),
    getJson(`/v1/alerts?limit=${LIST_LIMIT}`),
  ]);
  for (const market of markets.markets) state.marketStages.set(market.market_id, market.stage);
  for (const row of indices.indices) rememberIndex(row);
  for (const deal of deals.deals) putTimeline(dealItem(deal, false));
  for (const policy of policies.policies) putTimeline(policyItem(policy, false));
  for (const alert of alerts.alerts) putTimeline(alertItem(alert, false));
  state.counts = { deals: deals.deals.length, policies: policies.policies.length, alerts: alerts.alerts.length };

  renderFilters();
  renderMatrix();
  select(selectionFromHash() ?? defaultSelection(), { updateHash: false });
  renderTimeline();
  renderKpis();
  touchClock();

  await Promise.all([
    loadHistories(markets.markets.map((m) => m.market_id)),
    loadChain(new Set(markets.markets.map((m) => m.commodity))),
  ]);
  renderSelected();
  renderTimeline();
  document.body.dataset.loaded = "true";
}

function wireControls() {
  $("filters").addEventListener("change", () => {
    state.filters = {
      commodity: $("filter-commodity").value,
      measure: $("filter-measure").value,
      period: $("filter-period").value,
    };
    renderMatrix();
  });
  $("filters").addEventListener("submit", (event) => event.preventDefault());
  $("matrix").addEventListener("click", (event) => {
    const button = event.target.closest("button.cell");
    if (!button) return;
    const { market, period, measure, basis } = button.dataset;
    select({ marketId: market, period: Number(period), measure, basis });
  });
  $("basis-tabs").addEventListener("click", (event) => {
    const tab = event.target.closest("button[role='tab']");
    if (!tab || !state.selected) return;
    select({ ...state.selected, basis: tab.dataset.basis });
    $("basis-tabs").querySelector("[aria-selected='true']")?.focus();
  });
  $("basis-tabs").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    const tabs = [...$("basis-tabs").querySelectorAll("button[role='tab']")];
    const at = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
    const next = tabs[(at + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next?.click();
  });
  $("timeline-filters").addEventListener("click", (event) => {
    const chip = event.target.closest("button.chip");
    if (!chip) return;
    state.timelineKind = chip.dataset.kind;
    for (const other of $("timeline-filters").querySelectorAll("button.chip")) {
      other.setAttribute("aria-pressed", other === chip ? "true" : "false");
    }
    renderTimeline();
  });
  window.addEventListener("hashchange", () => {
    const selection = selectionFromHash();
    if (selection) select(selection, { updateHash: false });
  });
}

async function main() {
  renderLegend();
  renderMatrixHead();
  wireControls();
  initChainPanel();
  initReviewPanel();
  const stream = new LiveStream({
    onStatus: showStatus,
    onItem: (kind, doc, seq) => {
      if (state.ready) applyItem(kind, doc, seq);
      else state.pending.push([kind, doc, seq]);
    },
  });
  // Open the stream first and hold what it delivers until the REST snapshot is drawn: a change
  // committed while the page loads is then in the snapshot, in the held items, or both (applying
  // an index change twice leaves the same figures).
  await stream.start();
  try {
    await loadAll();
  } catch (error) {
    const box = $("load-error");
    box.hidden = false;
    box.textContent = `Could not load the figures (${error.message}). Reload the page to try again.`;
    return;
  } finally {
    state.ready = true;
  }
  for (const [kind, doc, seq] of state.pending.splice(0)) applyItem(kind, doc, seq);
}

main();
