// The whole-chain panel: one commodity's stages upstream to downstream, each stage's supply split
// by bloc (where it is located, or where its controllers are from), the stage where supply
// outside one bloc is narrowest for another — with and without export controls — and the groups
// that hold more than one stage. Drawn from `/v1/chains/{commodity}` and its `/dependency`, then
// kept current by `chain_changed` items of the live stream.

import { shareBar, stackedShareBar } from "./charts.js";
import { $, announce, element, flash, getJson } from "./dom.js";
import {
  CHAIN_STAGES,
  commodityLabel,
  formatDate,
  formatPct,
  formatTonnes,
  measureLabel,
  stageLabel,
  supplierName,
} from "./format.js";

const DEFAULT_COMMODITY = "rare_earths";
const DEFAULT_ON = "china";
const DEFAULT_FOR = "allied";
const TOP_CONTROLLERS = 5;

// The default blocs keep their colours whatever else is defined; other blocs take the spare ones
// in the order they are met.
const BLOC_COLOURS = {
  china: "bloc-china",
  united_states: "bloc-us",
  eu: "bloc-eu",
  allied: "bloc-allied",
};
const SPARE_COLOURS = ["bloc-spare-1", "bloc-spare-2", "bloc-spare-3", "bloc-spare-4"];
// Short names where the full label would crowd a stage card; the full label stays in the title.
const SHORT_LABELS = { allied: "Allies", eu: "EU" };
const OTHERS_LABELS = { allied: "Other allies" };

const chain = {
  commodity: DEFAULT_COMMODITY,
  commodities: new Set(),
  // The chain document as `/v1/chains/{commodity}` answers it (or a chain_changed's `chain`).
  view: null,
  // `/v1/chains/{commodity}/dependency?on=…&for=…` for the selected blocs.
  dependency: null,
  // name → {label, countries: Set}, from `/v1/blocs`
  blocs: new Map(),
  basis: "located",
  on: DEFAULT_ON,
  for: DEFAULT_FOR,
  controllers: "companies",
  message: "Loading…",
  // Each request takes a number; an answer that is not the latest one asked for is dropped, so a
  // slow answer never overwrites a newer one.
  requests: 0,
  // What each part of the panel showed last, to highlight only what a change moved.
  // stage → {key, node}, controller → {key, node}; `controllerOrder` is the rows' kind and order.
  shown: { stages: new Map(), bottleneck: null, controllers: new Map(), controllerOrder: null },
};

const spareColours = new Map();

function colourOf(bloc) {
  if (BLOC_COLOURS[bloc]) return BLOC_COLOURS[bloc];
  if (!spareColours.has(bloc)) spareColours.set(bloc, SPARE_COLOURS[spareColours.size % SPARE_COLOURS.length]);
  return spareColours.get(bloc);
}

function blocLabel(bloc) {
  return chain.blocs.get(bloc)?.label ?? bloc.replaceAll("_", " ");
}

function shortLabel(bloc) {
  return SHORT_LABELS[bloc] ?? blocLabel(bloc);
}

function othersLabel(bloc) {
  return OTHERS_LABELS[bloc] ?? `Other ${shortLabel(bloc)}`;
}

function possessive(name) {
  return name.endsWith("s") ? `${name}'` : `${name}'s`;
}

function tonnesOf(value, unit) {
  return unit === "t" && value !== undefined && value !== null ? formatTonnes(value, "production") : null;
}

// What a part of the panel shows, as text that does not depend on the order of an object's keys
// (the REST answer comes from PostgreSQL's jsonb, the stream's from the processor, in other orders).
function fingerprint(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

// ---- blocs nested in blocs ----------------------------------------------------------------------

// Blocs overlap (the allies include the United States and the EU), so their shares cannot simply
// be stacked. When every two blocs are either disjoint or one holds the other, they form a tree:
// each bloc with blocs inside it is drawn as those blocs plus its other members. Otherwise (or
// when a bloc's countries are unknown) null: the shares are listed but not stacked.
function blocTree(names) {
  const sets = names.map((name) => chain.blocs.get(name)?.countries);
  if (sets.some((set) => !set)) return null;
  const holds = (outer, inner) => outer.size > inner.size && [...inner].every((c) => outer.has(c));
  const disjoint = (a, b) => [...a].every((c) => !b.has(c));
  for (let i = 0; i < names.length; i += 1) {
    for (let j = i + 1; j < names.length; j += 1) {
      const [a, b] = [sets[i], sets[j]];
      if (!disjoint(a, b) && !holds(a, b) && !holds(b, a)) return null;
    }
  }
  const nodes = names.map((name) => ({ name, children: [] }));
  const roots = [];
  names.forEach((_, i) => {
    // The smallest bloc that holds this one is its parent.
    let parent = -1;
    sets.forEach((set, j) => {
      if (j !== i && holds(set, sets[i]) && (parent === -1 || set.size < sets[parent].size)) parent = j;
    });
    (parent === -1 ? roots : nodes[parent].children).push(nodes[i]);
  });
  return roots;
}

// The stage's blocs as rows (a bloc holding others first, then its parts) and as disjoint
// segments for the stacked bar. `shares` maps bloc → percentage.
function blocLayout(names, shares, restLabel) {
  const tree = blocTree(names);
  const rows = [];
  const segments = [];
  if (tree === null) {
    for (const name of names) rows.push({ bloc: name, label: shortLabel(name), pct: shares.get(name), depth: 0, colour: colourOf(name) });
    return { rows, segments: null };
  }
  const walk = (node, depth) => {
    const pct = shares.get(node.name) ?? 0;
    if (node.children.length === 0) {
      rows.push({ bloc: node.name, label: shortLabel(node.name), pct, depth, colour: colourOf(node.name) });
      segments.push({ className: colourOf(node.name), pct, label: `${blocLabel(node.name)}: ${formatPct(pct)}` });
      return;
    }
    rows.push({ bloc: node.name, label: shortLabel(node.name), pct, depth, colour: colourOf(node.name), parent: true });
    let inParts = 0;
    for (const child of node.children) {
      inParts += shares.get(child.name) ?? 0;
      walk(child, depth + 1);
    }
    const others = Math.max(pct - inParts, 0);
    rows.push({ bloc: `${node.name}-others`, label: othersLabel(node.name), pct: others, depth: depth + 1, colour: `${colourOf(node.name)} bloc-others` });
    segments.push({ className: `${colourOf(node.name)} bloc-others`, pct: others, label: `${othersLabel(node.name)}: ${formatPct(others)}` });
  };
  for (const root of tree) walk(root, 0);
  const covered = tree.reduce((sum, root) => sum + (shares.get(root.name) ?? 0), 0);
  const rest = Math.max(100 - covered, 0);
  rows.push({ bloc: "rest", label: restLabel, pct: rest, depth: 0, colour: "bloc-rest" });
  segments.push({ className: "bloc-rest", pct: rest, label: `${restLabel}: ${formatPct(rest)}` });
  return { rows, segments };
}

// ---- rendering ----------------------------------------------------------------------------------

function stageOf(stage) {
  return chain.view?.stages.find((s) => s.stage === stage) ?? null;
}

function dependencyOf(stage) {
  return chain.dependency?.stages.find((s) => s.stage === stage) ?? null;
}

function renderSubtitle() {
  const subtitle = $("chain-subtitle");
  if (!chain.view) {
    subtitle.textContent = chain.message;
    return;
  }
  const changed = chain.view.valid_from ? ` Latest change valid from ${formatDate(chain.view.valid_from)}.` : "";
  subtitle.textContent = `${commodityLabel(chain.commodity)}, upstream to downstream: each stage's supply by bloc, and where supply outside ${blocLabel(chain.on)} is narrowest for ${blocLabel(chain.for)}.${changed}`;
}

function renderCommodities() {
  const select = $("chain-commodity");
  const names = [...chain.commodities].sort((a, b) => (a === DEFAULT_COMMODITY ? -1 : b === DEFAULT_COMMODITY ? 1 : a.localeCompare(b)));
  select.replaceChildren(...names.map((name) => element("option", { value: name, text: commodityLabel(name) })));
  select.value = chain.commodity;
  select.closest("label").hidden = names.length < 2;
}

function renderBlocChoices() {
  const fill = (select, current) => {
    select.replaceChildren(
      ...[...chain.blocs.entries()].map(([name, bloc]) => element("option", { value: name, text: bloc.label })),
    );
    select.value = current;
  };
  fill($("chain-on"), chain.on);
  fill($("chain-for"), chain.for);
}

function bottleneckFigure(testid, label, found, note, extraClass = "") {
  const value = found
    ? [
        element("strong", { class: "chain-figure-stage", "data-testid": `${testid}-stage`, "data-stage": found.stage, text: stageLabel(found.stage) }),
        element(
          "span",
          { class: "chain-figure-share", "data-testid": `${testid}-share` },
          `${formatPct(found.share_pct)} of world supply`,
          found.tonnes !== undefined && found.tonnes !== null ? ` · ${formatTonnes(found.tonnes, "production")}` : "",
        ),
      ]
    : [element("strong", { class: "chain-figure-stage", text: "—" })];
  return element(
    "div",
    { class: `chain-figure ${extraClass}`, "data-testid": testid, "data-stage": found?.stage ?? "" },
    element("dt", { text: label }),
    element("dd", {}, ...value),
    note ? element("dd", { class: "chain-figure-note", text: note }) : null,
  );
}

// The API's summary opens with the commodity's id, which the panel already names.
function readableSummary(dep) {
  const text = dep.summary.startsWith(`${dep.commodity}: `) ? dep.summary.slice(dep.commodity.length + 2) : dep.summary;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function bottleneckKey() {
  const dep = chain.dependency;
  if (!chain.view || !dep) return null;
  return fingerprint([dep.on, dep.for_bloc, dep.bottleneck, dep.bottleneck_without_controls, dep.obtainable_bottleneck, dep.summary]);
}

function renderBottleneck() {
  const box = $("chain-bottleneck");
  const dep = chain.dependency;
  if (!chain.view || !dep) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const on = blocLabel(dep.on);
  const forLabel = blocLabel(dep.for_bloc);
  const { bottleneck: withControls, bottleneck_without_controls: without, obtainable_bottleneck: obtainable } = dep;
  let comparison = "";
  if (withControls && without) {
    const narrowing = without.share_pct - withControls.share_pct;
    comparison =
      without.stage !== withControls.stage
        ? `Without export controls the narrowest stage would be ${stageLabel(without.stage).toLowerCase()}.`
        : narrowing > 0.05
          ? `Export controls narrow it by ${formatPct(narrowing).replace("%", "points")}.`
          : "Export controls do not narrow it.";
  }
  box.replaceChildren(
    element(
      "dl",
      { class: "chain-figures" },
      bottleneckFigure("chain-bottleneck-main", `Bottleneck outside ${on}, export controls in force`, withControls, comparison, "is-bottleneck"),
      bottleneckFigure("chain-bottleneck-without-controls", "Without export controls", without, `Supply neither located in nor controlled from ${on}.`),
      bottleneckFigure("chain-obtainable-bottleneck", `What ${forLabel} can obtain at most`, obtainable, `${possessive(on)} own export controls included.`),
    ),
    element("p", { class: "chain-summary", "data-testid": "chain-summary", text: readableSummary(dep) }),
  );
}

function blocRows(rows, stage) {
  return element(
    "ul",
    { class: "chain-blocs" },
    ...rows.map((row) =>
      element(
        "li",
        { class: `chain-bloc depth-${row.depth}${row.parent ? " is-parent" : ""}`, title: blocLabel(row.bloc.replace(/-others$/, "")) },
        element("span", { class: `swatch ${row.colour}`, "aria-hidden": "true" }),
        element("span", { class: "chain-bloc-name", text: row.label }),
        element("span", {
          class: "chain-bloc-value",
          "data-testid": `chain-share-${stage}-${row.bloc}`,
          text: row.pct === undefined || row.pct === null ? "—" : formatPct(row.pct),
        }),
      ),
    ),
  );
}

function dependencyRows(dep) {
  if (!dep) return element("p", { class: "chain-empty-note", text: "No dependency figures for this stage." });
  const on = shortLabel(chain.dependency.on);
  const row = (label, pct, testid, cls, tonnes) =>
    element(
      "li",
      { class: `chain-dep ${cls}` },
      element("span", { class: "chain-dep-label", text: label }),
      shareBar(pct, cls),
      element("span", { class: "chain-dep-value", "data-testid": testid, title: tonnes, text: formatPct(pct) }),
    );
  const controls = dep.controls_in_force ?? [];
  return element(
    "div",
    { class: "chain-dependency" },
    element("h4", { class: "chain-dep-title", text: `Outside ${on}` }),
    element(
      "ul",
      { class: "chain-deps" },
      row("No controls", dep.outside_pct, `chain-outside-${dep.stage}`, "dep-outside", tonnesOf(dep.outside, dep.unit)),
      row("Controls in force", dep.outside_available_pct, `chain-available-${dep.stage}`, "dep-available", tonnesOf(dep.outside_available, dep.unit)),
      row(`${shortLabel(chain.dependency.for_bloc)} can obtain`, dep.obtainable_pct, `chain-obtainable-${dep.stage}`, "dep-obtainable", tonnesOf(dep.obtainable, dep.unit)),
    ),
    controls.length > 0
      ? element("p", {
          class: "chain-controls-note",
          title: controls.join("\n"),
          text: controls.length === 1 ? "1 export control in force" : `${controls.length} export controls in force`,
        })
      : null,
  );
}

function stageCard(name) {
  const stage = stageOf(name);
  const dep = dependencyOf(name);
  const found = chain.dependency;
  const isBottleneck = Boolean(stage) && found?.bottleneck?.stage === name;
  const marks = [];
  if (isBottleneck) {
    marks.push(
      element("span", {
        class: "chain-mark mark-bottleneck",
        "data-testid": "chain-bottleneck-mark",
        title: `Supply outside ${blocLabel(found.on)} is narrowest here, export controls in force`,
        text: "Bottleneck",
      }),
    );
  }
  if (stage && found?.bottleneck_without_controls?.stage === name && !isBottleneck) {
    marks.push(element("span", { class: "chain-mark", title: "Supply outside the bloc would be narrowest here if no export control were in force", text: "Narrowest without controls" }));
  }
  if (stage && found?.obtainable_bottleneck?.stage === name) {
    marks.push(
      element("span", {
        class: "chain-mark mark-obtainable",
        title: `The stage where ${blocLabel(found.for_bloc)} can obtain the least, ${possessive(blocLabel(found.on))} own export controls included`,
        text: `${possessive(shortLabel(found.for_bloc))} ceiling`,
      }),
    );
  }
  const card = element(
    "li",
    {
      class: `chain-stage${isBottleneck ? " is-bottleneck" : ""}${stage ? "" : " is-empty"}`,
      "data-testid": `chain-stage-${name}`,
      "data-stage": name,
      "data-bottleneck": isBottleneck ? "true" : "false",
      "aria-label": `${stageLabel(name)}${isBottleneck ? ", the bottleneck" : ""}`,
    },
    element(
      "div",
      { class: "chain-stage-head" },
      element("h3", { class: "stage-name", text: stageLabel(name) }),
      marks.length > 0 ? element("span", { class: "chain-marks" }, ...marks) : null,
    ),
  );
  if (!stage) {
    card.append(
      element("p", { class: "chain-empty-note", "data-testid": `chain-empty-${name}`, text: "No data for this stage yet." }),
      element("p", { class: "chain-empty-hint", text: "It joins the chain as soon as output, shares or capacity are reported for it." }),
    );
    return card;
  }
  const total = stage.unit === "t" ? ` · ${formatTonnes(stage.total, "production")} world` : "";
  card.append(
    element(
      "p",
      { class: "chain-stage-meta" },
      `${stage.period} · ${measureLabel(stage.measure)}${total}`,
      stage.world_coverage ? null : element("span", { class: "tag tag-warn", title: "No national statistics: the total is the reporting companies'", text: "companies only" }),
    ),
  );
  const byControl = chain.basis === "controlled";
  const shares = new Map(stage.blocs.map((b) => [b.bloc, byControl ? b.controlled_pct : b.located_pct]));
  if (byControl && stage.blocs.every((b) => b.controlled_pct === undefined || b.controlled_pct === null)) {
    card.append(
      element("div", { class: "stacked-bar stacked-none", "aria-hidden": "true" }),
      element("p", { class: "chain-empty-note", text: "No company data at this stage: control is unknown." }),
    );
  } else {
    const restLabel = byControl ? "Other or unknown" : "Rest of world";
    const { rows, segments } = blocLayout(stage.blocs.map((b) => b.bloc), shares, restLabel);
    const how = byControl ? "by home country of the controller" : "by location";
    card.append(
      segments ? stackedShareBar(segments, `${stageLabel(name)}: supply ${how}`) : element("div", { class: "stacked-bar stacked-none", "aria-hidden": "true" }),
      blocRows(rows, name),
    );
    const known = stage.control_known_pct;
    if (byControl && known !== undefined && known !== null && known < 99.95) {
      // National statistics name no controller: say how much of the stage the shares cover.
      card.append(
        element("p", {
          class: "chain-empty-note",
          "data-testid": `chain-control-known-${name}`,
          text: `Controller known for ${formatPct(known)} of this stage; the rest is national statistics.`,
        }),
      );
    }
  }
  card.append(dependencyRows(dep));
  return card;
}

function controllerRow(controller) {
  const held = new Map(controller.stages.map((p) => [p.stage, p]));
  const name = chain.controllers === "countries" ? supplierName({ supplier_id: controller.controller_id, name: controller.name }) : controller.name;
  const score = controller.integration_score;
  return element(
    "li",
    { class: "controller", "data-testid": `chain-controller-${controller.controller_id}`, "data-controller": controller.controller_id },
    element(
      "span",
      { class: "controller-name", title: name },
      name,
      controller.end_to_end ? element("span", { class: "tag tag-ok", text: "end to end" }) : null,
    ),
    element(
      "span",
      { class: "controller-stages" },
      ...CHAIN_STAGES.map((stage) => {
        const presence = held.get(stage);
        return element(
          "span",
          {
            class: `controller-stage${presence ? " is-held" : ""}`,
            title: presence
              ? `${stageLabel(stage)}: ${formatPct(presence.share_pct)} of ${presence.period} ${measureLabel(presence.measure)} (${formatTonnes(presence.tonnes, presence.measure)})`
              : `${stageLabel(stage)}: not present`,
          },
          presence ? formatPct(presence.share_pct) : "—",
        );
      }),
    ),
    element(
      "span",
      { class: "controller-score", title: "Integration score: how much of its own output its own upstream supply could feed (0–1)" },
      shareBar(score * 100, "score"),
      element("strong", { "data-testid": `chain-score-${controller.controller_id}`, text: score.toFixed(2) }),
    ),
  );
}

function topControllers() {
  const all = chain.controllers === "countries" ? chain.view.countries : chain.view.companies;
  // Groups holding the most stages first, then the best integrated, then the largest.
  const widest = (c) => Math.max(0, ...c.stages.map((p) => p.share_pct));
  return [...all]
    .sort((a, b) => b.stages.length - a.stages.length || b.integration_score - a.integration_score || widest(b) - widest(a))
    .slice(0, TOP_CONTROLLERS);
}

function controllersHead() {
  return element(
    "li",
    { class: "controller controller-head", "aria-hidden": "true" },
    element("span", { text: chain.controllers === "countries" ? "Country of control" : "Ultimate controller" }),
    element("span", { class: "controller-stages" }, ...CHAIN_STAGES.map((stage) => element("span", { text: stageLabel(stage) }))),
    element("span", { text: "Integration" }),
  );
}

function endToEndText() {
  const endToEnd = chain.view.end_to_end ?? [];
  const names = new Map(chain.view.companies.map((c) => [c.controller_id, c.name]));
  return endToEnd.length > 0
    ? `Present at every stage with data: ${endToEnd.map((id) => names.get(id) ?? id).join(", ")}.`
    : "No company is recorded at every stage with data.";
}

// Only the parts whose figures changed are drawn again; the others keep their nodes (and a
// highlight still running on them). With `highlight`, a part drawn again because a change moved
// it flashes.
function render({ highlight = false, seq = null } = {}) {
  renderSubtitle();
  const panel = $("chain-panel");
  const shown = chain.shown;

  const newBottleneck = bottleneckKey();
  if (newBottleneck !== shown.bottleneck) {
    renderBottleneck();
    if (highlight && shown.bottleneck !== null && newBottleneck !== null) flash($("chain-bottleneck").querySelector(".chain-figures"));
    shown.bottleneck = newBottleneck;
  }

  const stagesList = $("chain-stages");
  if (!chain.view) {
    stagesList.replaceChildren(element("li", { class: "chain-message", text: chain.message }));
    shown.stages = new Map();
  } else {
    const dep = chain.dependency;
    const marks = [dep?.on, dep?.for_bloc, dep?.bottleneck?.stage, dep?.bottleneck_without_controls?.stage, dep?.obtainable_bottleneck?.stage];
    const drawn = new Map();
    for (const name of CHAIN_STAGES) {
      const key = fingerprint([chain.basis, marks, stageOf(name), dependencyOf(name)]);
      const before = shown.stages.get(name);
      if (before && before.key === key && before.node.isConnected) {
        drawn.set(name, before);
        continue;
      }
      const node = stageCard(name);
      if (before?.node.isConnected) before.node.replaceWith(node);
      else stagesList.append(node);
      if (highlight && before) {
        node.dataset.updatedBy = "stream";
        if (seq !== null) node.dataset.seq = String(seq);
        flash(node);
      }
      drawn.set(name, { key, node });
    }
    // Anything else in the list (the loading message) goes.
    const kept = new Set([...drawn.values()].map((d) => d.node));
    for (const child of [...stagesList.children]) if (!kept.has(child)) child.remove();
    shown.stages = drawn;
  }

  renderControllerList(highlight);
  if (highlight) {
    panel.dataset.updatedBy = "stream";
    if (seq !== null) panel.dataset.seq = String(seq);
  }
  panel.dataset.changeId = chain.view?.change_id ?? "";
  panel.setAttribute("aria-busy", "false");
}

function renderControllerList(highlight) {
  const list = $("chain-controllers");
  const note = $("chain-end-to-end");
  const shown = chain.shown;
  if (!chain.view) {
    list.replaceChildren();
    note.textContent = "";
    shown.controllers = new Map();
    shown.controllerOrder = null;
    return;
  }
  const text = endToEndText();
  if (note.textContent !== text) {
    note.textContent = text;
    if (highlight) flash(note);
  }
  const top = topControllers();
  const order = fingerprint([chain.controllers, top.map((c) => c.controller_id)]);
  const drawn = new Map();
  if (order === shown.controllerOrder) {
    // Same groups in the same order: redraw the rows that changed where they stand.
    for (const controller of top) {
      const key = fingerprint(controller);
      const before = shown.controllers.get(controller.controller_id);
      if (before.key === key) {
        drawn.set(controller.controller_id, before);
        continue;
      }
      const node = controllerRow(controller);
      before.node.replaceWith(node);
      if (highlight) flash(node);
      drawn.set(controller.controller_id, { key, node });
    }
  } else {
    const kindChanged = shown.controllerOrder?.startsWith(`["${chain.controllers}"`) !== true;
    for (const controller of top) {
      const key = fingerprint(controller);
      const node = controllerRow(controller);
      if (highlight && !kindChanged && shown.controllers.get(controller.controller_id)?.key !== key) flash(node);
      drawn.set(controller.controller_id, { key, node });
    }
    const rows = [...drawn.values()].map((d) => d.node);
    list.replaceChildren(controllersHead(), ...(rows.length > 0 ? rows : [element("li", { class: "supplier-none", text: "No controller recorded." })]));
  }
  shown.controllers = drawn;
  shown.controllerOrder = order;
}

// ---- data ---------------------------------------------------------------------------------------

async function fetchDependency() {
  const asked = ++chain.requests;
  const query = new URLSearchParams({ on: chain.on, for: chain.for });
  const found = await getJson(`/v1/chains/${encodeURIComponent(chain.commodity)}/dependency?${query}`);
  return asked === chain.requests ? found : null;
}

async function loadBlocs() {
  const { blocs } = await getJson("/v1/blocs");
  chain.blocs = new Map(blocs.map((b) => [b.name, { label: b.label, countries: new Set(b.countries) }]));
  if (!chain.blocs.has(chain.on)) chain.on = blocs[0]?.name ?? DEFAULT_ON;
  if (!chain.blocs.has(chain.for)) chain.for = blocs[blocs.length - 1]?.name ?? DEFAULT_FOR;
  renderBlocChoices();
}

// The chain and the dependency of the selected commodity, drawn afresh.
async function loadSelected() {
  const asked = ++chain.requests;
  const commodity = chain.commodity;
  try {
    const path = `/v1/chains/${encodeURIComponent(commodity)}`;
    const query = new URLSearchParams({ on: chain.on, for: chain.for });
    const [view, dependency] = await Promise.all([getJson(path), getJson(`${path}/dependency?${query}`)]);
    if (asked !== chain.requests) return;
    chain.view = view;
    chain.dependency = dependency;
  } catch (error) {
    if (asked !== chain.requests) return;
    chain.view = null;
    chain.dependency = null;
    chain.message = `No chain for ${commodityLabel(commodity)} yet (${error.message}).`;
  }
  render();
}

// Called once the markets are known: the commodities to choose from.
export async function loadChain(commodities) {
  for (const commodity of commodities) chain.commodities.add(commodity);
  if (!chain.commodities.has(chain.commodity) && chain.commodities.size > 0) chain.commodity = [...chain.commodities].sort()[0];
  renderCommodities();
  try {
    await loadBlocs();
  } catch {
    // Without the blocs' countries the shares are listed but not stacked.
  }
  await loadSelected();
}

function isEmbeddedPair(dependency) {
  return dependency && dependency.on === chain.on && dependency.for_bloc === chain.for;
}

// A `chain_changed` item of the live stream: its `chain` is the new document for the default
// blocs, dependency of the allies on China included.
export async function applyChainChanged(doc, seq) {
  if (!chain.commodities.has(doc.commodity)) {
    chain.commodities.add(doc.commodity);
    renderCommodities();
  }
  if (doc.commodity !== chain.commodity) return;
  chain.view = { ...doc.chain, change_id: doc.event_id, valid_from: doc.occurred_at, caused_by: doc.caused_by };
  // The default pair is in the document itself; other blocs are asked for again. Either way the
  // dependency is read again, and only the latest answer is kept.
  if (isEmbeddedPair(doc.chain.dependency)) {
    ++chain.requests;
    chain.dependency = doc.chain.dependency;
  }
  render({ highlight: true, seq });
  const found = chain.dependency?.bottleneck;
  announce(
    found
      ? `${commodityLabel(doc.commodity)} chain changed: outside ${blocLabel(chain.on)} narrowest at ${found.stage}, ${formatPct(found.share_pct)}`
      : `${commodityLabel(doc.commodity)} chain changed`,
  );
  try {
    const dependency = await fetchDependency();
    if (dependency && doc.commodity === chain.commodity) {
      chain.dependency = dependency;
      render({ highlight: true, seq });
    }
  } catch {
    // The next change reads it again.
  }
}

export function initChainPanel() {
  $("chain-controls").addEventListener("submit", (event) => event.preventDefault());
  $("chain-controls").addEventListener("change", (event) => {
    chain.commodity = $("chain-commodity").value || chain.commodity;
    chain.on = $("chain-on").value || chain.on;
    chain.for = $("chain-for").value || chain.for;
    if (event.target.id === "chain-commodity") chain.view = null;
    chain.message = "Loading…";
    loadSelected();
  });
  const toggle = (groupId, key, attribute) => {
    $(groupId).addEventListener("click", (event) => {
      const chip = event.target.closest("button.chip");
      if (!chip) return;
      chain[key] = chip.dataset[attribute];
      for (const other of $(groupId).querySelectorAll("button.chip")) {
        other.setAttribute("aria-pressed", other === chip ? "true" : "false");
      }
      render();
    });
  };
  toggle("chain-basis", "basis", "basis");
  toggle("chain-controller-kind", "controllers", "controllers");
  render();
}
