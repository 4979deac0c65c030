// Words and numbers as the page shows them: labels for stages, bases and measures, concentration
// bands, and figures formatted for people (thin-space thousands, one decimal for percentages).

export const STAGES = ["mining", "separation", "metals", "magnets", "recycling"];
// Recycling is shown only when a market has data for it; the four stages of the chain always are.
export const CHAIN_STAGES = ["mining", "separation", "metals", "magnets"];

export const BASES = [
  "country_location",
  "available_to_rest_of_world",
  "country_control",
  "company_control",
  "company_equity",
];

const BASIS_LABELS = {
  country_location: ["Country", "by location"],
  available_to_rest_of_world: ["Rest of world", "available after controls"],
  country_control: ["Country", "by control"],
  company_control: ["Company", "by control"],
  company_equity: ["Company", "by equity"],
};

const MEASURE_ORDER = ["production", "capacity", "quota", "share"];
const MEASURE_LABELS = {
  production: "production",
  capacity: "capacity",
  quota: "quota",
  share: "share of world supply",
};

const GROUP_LABELS = {
  total_reo: "Total REO",
  light_reo: "Light REO",
  ion_adsorption_reo: "Ion-adsorption REO",
  ndpr: "NdPr",
  ndfeb: "NdFeB",
};

// Bands of the 2010 US Horizontal Merger Guidelines, the ones most concentration studies of
// critical minerals still quote: below 1 500 unconcentrated, up to 2 500 moderately, above highly.
export const BANDS = [
  { id: "low", upTo: 1500, label: "Unconcentrated", range: "below 1 500" },
  { id: "moderate", upTo: 2500, label: "Moderately concentrated", range: "1 500 – 2 500" },
  { id: "high", upTo: 10000, label: "Highly concentrated", range: "above 2 500" },
];

export const HHI_MAX = 10000;

export function band(hhi) {
  return BANDS.find((b) => hhi <= b.upTo) ?? BANDS[BANDS.length - 1];
}

export function basisLabel(basis) {
  const [who, how] = BASIS_LABELS[basis] ?? [basis.replaceAll("_", " "), ""];
  return { who, how, full: how ? `${who} ${how}` : who };
}

export function measureLabel(measure) {
  return MEASURE_LABELS[measure] ?? measure;
}

export function measureRank(measure) {
  const rank = MEASURE_ORDER.indexOf(measure);
  return rank === -1 ? MEASURE_ORDER.length : rank;
}

export function stageLabel(stage) {
  return stage.charAt(0).toUpperCase() + stage.slice(1);
}

export function groupLabel(group) {
  if (GROUP_LABELS[group]) return GROUP_LABELS[group];
  return group
    .split("_")
    .map((word) => (word === "reo" ? "REO" : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(" ");
}

export function commodityLabel(commodity) {
  const words = commodity.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function elementGroupOf(marketId) {
  return marketId.split(".")[1] ?? marketId;
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

// Country suppliers arrive as ISO codes; `ZZ` is the statistics' "other" remainder.
export function supplierName(supplier) {
  const { supplier_id: id, name } = supplier;
  if (id === "ZZ") return "Other (unattributed)";
  if (/^[A-Z]{2}$/.test(id) && name === id) {
    try {
      return regionNames.of(id) ?? id;
    } catch {
      return id;
    }
  }
  return name;
}

const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-GB", {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

// Thin spaces for thousands, as the figures are written elsewhere in Monazite.
function spaced(text) {
  return text.replaceAll(",", "\u2009");
}

export function formatHhi(hhi) {
  return spaced(integer.format(Math.round(hhi)));
}

export function formatPct(pct) {
  return `${oneDecimal.format(pct)}\u202f%`;
}

export function formatCount(value) {
  return value === null || value === undefined ? "—" : oneDecimal.format(value);
}

export function formatTonnes(tonnes, measure) {
  const value = Number(tonnes);
  if (measure === "share") return `${oneDecimal.format(value)}\u202fpp`;
  return `${spaced(integer.format(value))}\u202ft`;
}

export function formatSignedHhi(delta) {
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
  return `${sign}${formatHhi(Math.abs(delta))}`;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const timeFormat = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

export function formatDate(iso) {
  return dateFormat.format(new Date(iso));
}

export function formatClock(date) {
  return timeFormat.format(date);
}

export function seriesKey(marketId, period, measure) {
  return `${marketId}|${period}|${measure}`;
}

export function indexKey(marketId, period, measure, basis) {
  return `${seriesKey(marketId, period, measure)}|${basis}`;
}

// Stable, readable ids for tests and deep links: `rare_earths.total_reo.mining-2024-production`.
export function seriesSlug(marketId, period, measure) {
  return `${marketId}-${period}-${measure}`;
}

export function money(value) {
  if (!value) return "";
  const amount = Number(value.amount);
  const compact = new Intl.NumberFormat("en-GB", {
    notation: "compact",
    maximumFractionDigits: 1,
  }).format(amount);
  return `${value.currency} ${compact}`;
}
