// The live stream (`GET /v1/stream`, server-sent events). The browser reconnects on its own after
// a dropped connection and sends `Last-Event-ID`; when the server refuses the stream outright
// (EventSource gives up), a new one is opened after a back-off, resuming with `since=<last id>`.

const KINDS = ["index_changed", "deal_assessed", "alert_raised", "chain_changed"];
const RETRY_MAX_MS = 30000;

export class LiveStream {
  // onStatus(state) with state one of "connecting", "live", "reconnecting", "offline";
  // onItem(kind, document, seq) for every item, in stream order.
  constructor({ url = "/v1/stream", onStatus, onItem }) {
    this.url = url;
    this.onStatus = onStatus;
    this.onItem = onItem;
    this.lastSeq = null;
    this.retryMs = 1000;
    this.source = null;
    this.opened = null;
  }

  // Resolves once the stream is open (so that nothing published after it is missed), or after
  // `waitMs` if it does not open: the page then loads without live updates and keeps trying.
  start(waitMs = 4000) {
    this.opened = new Promise((resolve) => {
      this.resolveOpened = resolve;
      setTimeout(resolve, waitMs);
    });
    this.connect();
    return this.opened;
  }

  connect() {
    const url = this.lastSeq === null ? this.url : `${this.url}?since=${this.lastSeq}`;
    this.onStatus(this.source === null ? "connecting" : "reconnecting");
    const source = new EventSource(url);
    this.source = source;
    source.addEventListener("open", () => {
      this.retryMs = 1000;
      this.onStatus("live");
      this.resolveOpened?.();
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        this.onStatus("offline");
        setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
      } else {
        this.onStatus("reconnecting");
      }
    });
    for (const kind of KINDS) {
      source.addEventListener(kind, (message) => this.receive(kind, message));
    }
  }

  receive(kind, message) {
    const seq = Number(message.lastEventId);
    // After a manual reconnection the server resumes after `since`; this guards against an item
    // delivered twice across the two connections.
    if (this.lastSeq !== null && Number.isFinite(seq) && seq <= this.lastSeq) return;
    if (Number.isFinite(seq)) this.lastSeq = seq;
    let document;
    try {
      document = JSON.parse(message.data);
    } catch {
      return;
    }
    this.onItem(kind, document, Number.isFinite(seq) ? seq : null);
  }
}
