// The news review panel: candidates the extractor was not sure enough of to publish, each with
// its sentence, notes and terms. A person corrects any term in place (its suggestions: the other
// values of that kind around the fact, and the contract's fixed choices) and approves (publishing
// the corrected event) or rejects with a reason, through `POST /v1/review/{id}/approve|reject`
// with a write key. The key is typed here and kept for this tab only (sessionStorage), never in the page.
// Below the queue, a person adds a fact the extractor missed (`POST /v1/review/facts`): its kind,
// the article, the sentence that gives it, and its terms (the boxes of the kind's schema).

import { $, announce, element, getJson } from "./dom.js";

const KEY_STORAGE = "monazite.writeKey";
const QUEUE_LIMIT = 50;
// What an event says beyond its kind, id and provenance: the terms a reviewer checks.
const BOOKKEEPING = new Set(["event_id", "type", "schema_version", "source", "recorded_at"]);

function writeKey() {
  return $("review-key").value.trim() || sessionStorage.getItem(KEY_STORAGE) || "";
}

// A term as typed in its box: text as it is, anything else (numbers, lists, objects) as JSON.
function shown(value) {
  return typeof value === "string" ? value : JSON.stringify(value);
}

// What the box now says, read back the way `monazite review approve --set` reads VALUE: JSON when
// it parses as JSON, else text; an emptied box clears the term.
function typed(text) {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

// Each event type's fixed choices by field (stages, measures, element groups…), from its
// published JSON Schema: offered with the values around the fact in the box's suggestions.
const choicesByType = new Map();

async function loadChoices(types) {
  const missing = types.filter((type) => !choicesByType.has(type));
  await Promise.all(
    missing.map(async (type) => {
      const choices = {};
      try {
        const schema = await getJson(`/v1/schemas/${type}`);
        for (const [name, property] of Object.entries(schema.properties || {})) {
          const fixed = property.enum || (property.anyOf || []).flatMap((p) => p.enum || []);
          if (fixed.length) choices[name] = fixed;
        }
      } catch {
        // Suggestions are a help, not a need: the boxes still take any value.
      }
      choicesByType.set(type, choices);
    }),
  );
}

function termInputs(entry) {
  const event = entry.candidate.event;
  const offered = entry.candidate.alternatives || {};
  const choices = choicesByType.get(entry.type) || {};
  const names = [...Object.keys(event), ...Object.keys(offered).filter((name) => !(name in event))];
  const terms = element("div", { class: "review-terms" });
  for (const name of names) {
    if (BOOKKEEPING.has(name)) continue;
    const current = name in event ? shown(event[name]) : "";
    const suggestions = [...(offered[name] || []).map(shown), ...(choices[name] || [])];
    const listId = `review-${entry.id}-${name}`;
    const input = element("input", {
      type: "text",
      name,
      value: current,
      size: Math.min(60, Math.max(9, current.length + 2)),
      "data-original": current,
      "aria-label": name,
      list: suggestions.length ? listId : null,
      spellcheck: "false",
    });
    const datalist = suggestions.length
      ? element("datalist", { id: listId }, ...suggestions.map((value) => element("option", { value })))
      : null;
    terms.append(
      element("label", { class: "review-term" }, element("span", { text: name }), input, datalist),
    );
  }
  return terms;
}

function corrections(item) {
  const changed = {};
  for (const input of item.querySelectorAll(".review-terms input")) {
    if (input.value.trim() !== input.dataset.original.trim()) changed[input.name] = typed(input.value);
  }
  return changed;
}

function entryItem(entry) {
  const candidate = entry.candidate;
  const source = (entry.sources && entry.sources[0]) || candidate.evidence;
  const status = element("p", { class: "review-status", role: "status" });
  const reason = element("input", {
    type: "text",
    class: "review-reason",
    placeholder: "Why it is wrong (to reject)",
    "aria-label": "Reason to reject",
  });
  const item = element(
    "li",
    { class: "review-item", "data-review-id": entry.id, "data-testid": "review-item" },
    element(
      "div",
      { class: "review-head" },
      element("span", { class: "review-type", text: entry.type.replaceAll("_", " ") }),
      element("span", { class: "review-confidence", text: `confidence ${entry.confidence.toFixed(2)}` }),
      element("code", { class: "review-id", text: entry.event_id }),
    ),
    element("blockquote", { class: "review-sentence", text: candidate.evidence.sentence }),
    element("p", {
      class: "review-source",
      text: [source.publisher, source.title, source.article]
        .filter((part, index, parts) => part && !parts.slice(0, index).some((p) => p?.includes(part)))
        .join(" · "),
    }),
    (candidate.notes || []).length
      ? element("p", { class: "review-notes", text: candidate.notes.join("; ") })
      : null,
    termInputs(entry),
    element(
      "div",
      { class: "review-actions" },
      element("button", { type: "button", class: "review-approve", "data-action": "approve", text: "Approve" }),
      reason,
      element("button", { type: "button", class: "review-reject", "data-action": "reject", text: "Reject" }),
    ),
    status,
  );
  return item;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      Authorization: `Bearer ${writeKey()}`,
    },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer };
}

function showProblem(item, answer, status) {
  const message = answer.detail || `HTTP ${status}`;
  item.querySelector(".review-status").textContent = message;
  item.dataset.state = "error";
  const field = (answer.field || "").replace(/^corrections\./, "");
  for (const input of item.querySelectorAll(".review-terms input")) {
    input.toggleAttribute("aria-invalid", input.name === field);
  }
}

async function decide(item, action) {
  const id = item.dataset.reviewId;
  if (!writeKey()) {
    item.querySelector(".review-status").textContent = "Enter a write key above to decide.";
    return;
  }
  let result;
  if (action === "approve") {
    result = await post(`/v1/review/${id}/approve`, { corrections: corrections(item) });
  } else {
    const reason = item.querySelector(".review-reason").value.trim();
    if (!reason) {
      item.querySelector(".review-status").textContent = "Give the reason to reject.";
      return;
    }
    result = await post(`/v1/review/${id}/reject`, { reason });
  }
  if (!result.ok) {
    showProblem(item, result.answer, result.status);
    return;
  }
  const message =
    action === "approve"
      ? result.answer.published
        ? `Approved: published ${result.answer.event_id}`
        : `Approved: already published as ${result.answer.event_id}; its sources were added`
      : "Rejected";
  item.dataset.state = action === "approve" ? "approved" : "rejected";
  for (const input of item.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  item.querySelector(".review-status").textContent = message;
  for (const control of item.querySelectorAll("input, button")) control.disabled = true;
  announce(message);
  const count = $("review-count");
  const more = count.textContent.endsWith("+") ? "+" : "";
  count.textContent = String(Math.max(0, (Number.parseInt(count.textContent, 10) || 1) - 1)) + more;
}

export async function loadReviewQueue() {
  const list = $("review-list");
  let page;
  try {
    page = await getJson(`/v1/review?limit=${QUEUE_LIMIT}`);
  } catch (error) {
    $("review-note").textContent = `Could not load the review queue (${error.message}).`;
    return;
  }
  const entries = page.review;
  await loadChoices([...new Set(entries.map((entry) => entry.type))]);
  list.replaceChildren(...entries.map(entryItem));
  $("review-count").textContent = String(entries.length) + (page.next_cursor ? "+" : "");
  $("review-note").textContent = entries.length
    ? "Correct any term in place, then approve; or reject with the reason."
    : "Nothing waits for review.";
}

// The kinds of event read from the news (`monazite review add --type`); the gateway refuses others.
const NEWS_KINDS = [
  "stake_changed",
  "merger_completed",
  "joint_venture_formed",
  "funding_awarded",
  "export_control_imposed",
  "export_control_suspended",
  "export_control_lifted",
  "quota_set",
  "price_floor_set",
  "output_reported",
  "tariff_imposed",
];
// Terms a person never types: the pipeline's bookkeeping.
const DERIVED = new Set([...BOOKKEEPING, "causation_id", "correlation_id"]);
const schemaByType = new Map();

function placeholderOf(name, property, required) {
  if (name === "occurred_at") return "the article's date";
  // An amount of money is an object: the box takes it as JSON.
  if (JSON.stringify(property).includes("Consideration")) return '{"amount": "…", "currency": "USD"}';
  return required ? "required" : "";
}

async function addFactTerms(type) {
  const terms = $("add-fact-terms");
  if (!schemaByType.has(type)) {
    try {
      schemaByType.set(type, await getJson(`/v1/schemas/${type}`));
    } catch (error) {
      $("add-fact-status").textContent = `Could not load the terms of ${type} (${error.message}).`;
      return;
    }
  }
  const schema = schemaByType.get(type);
  const required = new Set(schema.required || []);
  const boxes = [];
  for (const [name, property] of Object.entries(schema.properties || {})) {
    if (DERIVED.has(name)) continue;
    const fixed = property.enum || (property.anyOf || []).flatMap((p) => p.enum || []);
    const listId = `add-fact-${name}-choices`;
    const input = element("input", {
      type: "text",
      name,
      "aria-label": name,
      placeholder: placeholderOf(name, property, required.has(name)),
      list: fixed.length ? listId : null,
      spellcheck: "false",
    });
    const choices = fixed.length
      ? element("datalist", { id: listId }, ...fixed.map((value) => element("option", { value })))
      : null;
    boxes.push(element("label", { class: "review-term" }, element("span", { text: name }), input, choices));
  }
  terms.replaceChildren(...boxes);
}

function addFactRequest() {
  const value = (id) => $(id).value.trim();
  const fields = {};
  for (const input of $("add-fact-terms").querySelectorAll("input")) {
    const term = typed(input.value);
    if (term !== null) fields[input.name] = term;
  }
  const article = { name: value("add-fact-article"), publisher: value("add-fact-publisher") };
  if (value("add-fact-url")) article.url = value("add-fact-url");
  if (value("add-fact-date")) article.published = value("add-fact-date");
  return { type: $("add-fact-type").value, fields, article, sentence: value("add-fact-sentence") };
}

async function addFact(event) {
  event.preventDefault();
  const form = $("add-fact-form");
  const status = $("add-fact-status");
  if (!writeKey()) {
    status.textContent = "Enter a write key above to add a fact.";
    return;
  }
  const result = await post("/v1/review/facts", addFactRequest());
  for (const marked of form.querySelectorAll("[aria-invalid]")) marked.removeAttribute("aria-invalid");
  if (!result.ok) {
    form.dataset.state = "error";
    status.textContent = result.answer.detail || `HTTP ${result.status}`;
    // The field at fault: `fields.pct_after` is a term's box, `article.name` or `sentence` the
    // article's own; a rule of the event as a whole marks no single box.
    const field = (result.answer.field || "").replace(/^fields\./, "");
    const box = form.querySelector(`[name="${CSS.escape(field)}"]`);
    if (box) box.setAttribute("aria-invalid", "");
    return;
  }
  form.dataset.state = "added";
  const message = result.answer.published
    ? `Added: published ${result.answer.event_id}`
    : `Already published as ${result.answer.event_id}; the article was added as a source`;
  status.textContent = message;
  announce(message);
}

function initAddFact() {
  const kinds = $("add-fact-type");
  kinds.replaceChildren(
    ...NEWS_KINDS.map((kind) => element("option", { value: kind, text: kind.replaceAll("_", " ") })),
  );
  kinds.addEventListener("change", () => addFactTerms(kinds.value));
  $("add-fact-form").addEventListener("submit", addFact);
  addFactTerms(kinds.value);
}

export function initReviewPanel() {
  $("review-key").value = sessionStorage.getItem(KEY_STORAGE) || "";
  $("review-key-form").addEventListener("submit", (event) => event.preventDefault());
  $("review-key").addEventListener("change", () => {
    sessionStorage.setItem(KEY_STORAGE, $("review-key").value.trim());
  });
  $("review-refresh").addEventListener("click", () => loadReviewQueue());
  $("review-list").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    decide(button.closest(".review-item"), button.dataset.action);
  });
  initAddFact();
  loadReviewQueue();
}
