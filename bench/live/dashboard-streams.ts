// The open dashboards of `npm run bench:live`: many event streams of a wave's dashboard, each read
// continuously the way a browser's EventSource reads it, every `figures` event noted with its
// version and the moment its last byte arrived. Every answer and event is checked against the
// format of docs (dash-common: `retry:` first, then `figures` events whose id is their version,
// and heartbeats); anything else is a problem, and problems fail the run.
//
// The streams ask for packed events (`packed=1`), as the page's script does in every browser that
// inflates: each event's JSON deflated and base64-encoded (server/dashboard/live/sse.ts).
// Inflating and parsing every event on 200 streams would cost the load generator's core more
// than the server's: the version is read from each event's id, and the whole event is inflated,
// parsed and checked on one stream of each view.
import http from 'node:http';
import { inflateRawSync } from 'node:zlib';
import { BEHIND_TLS_PROXY } from './analyst';

export interface DashboardViewSpec {
  /** What the report calls it, e.g. "plain". */
  name: string;
  /** The dashboard's events path with its canonical settings, e.g. `...?by=company_size&lang=fr`. */
  path: string;
  streams: number;
}

export interface FiguresEvent {
  version: number;
  /** performance.now() when its last byte was read. */
  at: number;
  /**
   * It carried no part: the version moved but no figure changed (already counted by the previous
   * one). Known on the inspected stream of each view only (the others' events are not inflated).
   */
  empty?: boolean;
}

const EXAMPLES_KEPT = 5;
const OPEN_TIMEOUT_MS = 30_000;
const FIGURES_START = /^\{"version":(\d+),"full":(true|false),"parts":\{(\}\}$)?/;

/** One open dashboard. */
class DashboardStream {
  /** The figures events read since the last reset. */
  events: FiguresEvent[] = [];
  latestVersion = -1;
  heartbeats = 0;
  bytes = 0;
  private buffer = '';
  private sawRetry = false;
  private request: http.ClientRequest | undefined;
  private closing = false;

  constructor(
    readonly view: DashboardViewSpec,
    /** This stream's events are parsed whole and checked. */
    private readonly inspected: boolean,
    private readonly problem: (text: string) => void,
  ) {}

  /** Resolves once the stream is open and its first (full) figures event has arrived. */
  open(baseUrl: string, cookie: string, agent: http.Agent): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.view.name}: no figures event within ${OPEN_TIMEOUT_MS / 1000} s of opening the stream`)), OPEN_TIMEOUT_MS);
      const firstEvent = () => {
        clearTimeout(timer);
        resolve();
      };
      const request = http.get(`${baseUrl}${this.view.path}`, { agent, headers: { ...BEHIND_TLS_PROXY, Cookie: cookie, Accept: 'text/event-stream', 'Accept-Language': 'fr-FR,fr;q=0.9' } });
      this.request = request;
      request.on('response', (res) => {
        const type = res.headers['content-type'] ?? '';
        if (res.statusCode !== 200 || !type.startsWith('text/event-stream')) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 300)));
          res.on('end', () => {
            clearTimeout(timer);
            reject(new Error(`GET ${this.view.path} -> ${res.statusCode} ${type}: ${body.replace(/\s+/g, ' ')}`));
          });
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now();
          this.bytes += chunk.length;
          this.buffer += chunk;
          let end: number;
          while ((end = this.buffer.indexOf('\n\n')) !== -1) {
            const block = this.buffer.slice(0, end);
            this.buffer = this.buffer.slice(end + 2);
            const hadEvent = this.latestVersion >= 0;
            this.read(block, at);
            if (!hadEvent && this.latestVersion >= 0) firstEvent();
          }
        });
        res.on('end', () => {
          if (!this.closing) this.problem(`${this.view.name}: the server ended a stream`);
        });
      });
      request.on('error', (error) => {
        if (this.closing) return;
        clearTimeout(timer);
        this.problem(`${this.view.name}: ${error.message}`);
        reject(error);
      });
    });
  }

  private read(block: string, at: number): void {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon === -1 ? line : line.slice(0, colon);
      fields.set(name, colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, ''));
    }
    if (!this.sawRetry) {
      this.sawRetry = true;
      if (fields.size !== 1 || !/^\d+$/.test(fields.get('retry') ?? '')) this.problem(`${this.view.name}: the stream did not start with "retry:" alone: ${block.slice(0, 120)}`);
      return;
    }
    const event = fields.get('event');
    const data = fields.get('data') ?? '';
    if (event === 'heartbeat') {
      this.heartbeats += 1;
      if (fields.has('id') || !this.isHeartbeat(data)) this.problem(`${this.view.name}: unexpected heartbeat: ${block.slice(0, 120)}`);
      return;
    }
    const id = fields.get('id') ?? '';
    if (event !== 'packed-figures' || !/^\d+$/.test(id) || !/^[A-Za-z0-9+/]+=*$/.test(data)) {
      this.problem(`${this.view.name}: unexpected event: ${block.slice(0, 160)}`);
      return;
    }
    const version = Number(id);
    if (version <= this.latestVersion) this.problem(`${this.view.name}: version ${version} after ${this.latestVersion}`);
    let empty: boolean | undefined;
    if (this.inspected) {
      const json = this.inflate(data);
      const start = json === undefined ? null : FIGURES_START.exec(json);
      if (json !== undefined && (!start || start[1] !== id)) this.problem(`${this.view.name}: event ${id} carries another version: ${json.slice(0, 80)}`);
      if (this.latestVersion < 0 && start?.[2] !== 'true') this.problem(`${this.view.name}: the first event is not full`);
      if (json !== undefined) this.checkWhole(json, this.latestVersion < 0);
      empty = start?.[3] !== undefined;
    }
    this.latestVersion = version;
    this.events.push({ version, at, ...(empty === undefined ? {} : { empty }) });
  }

  private inflate(base64: string): string | undefined {
    try {
      return inflateRawSync(Buffer.from(base64, 'base64')).toString('utf8');
    } catch (error) {
      this.problem(`${this.view.name}: an event does not inflate (${(error as Error).message})`);
      return undefined;
    }
  }

  private isHeartbeat(data: string): boolean {
    try {
      const at = (JSON.parse(data) as { at?: unknown }).at;
      return typeof at === 'string' && !Number.isNaN(Date.parse(at));
    } catch {
      return false;
    }
  }

  /** The whole event: every part `{ html }`; a full one has the header. */
  private checkWhole(data: string, first: boolean): void {
    let update: { version?: unknown; full?: unknown; parts?: Record<string, { html?: unknown }> };
    try {
      update = JSON.parse(data) as typeof update;
    } catch (error) {
      this.problem(`${this.view.name}: an event's data is not JSON (${(error as Error).message})`);
      return;
    }
    const parts = Object.entries(update.parts ?? {});
    const wrong = parts.filter(([name, part]) => !(name === 'header' || name.startsWith('q:')) || typeof part?.html !== 'string');
    if (wrong.length > 0) this.problem(`${this.view.name}: parts not shaped { html }: ${wrong.map(([name]) => name).join(', ')}`);
    if (first && !(update.parts && 'header' in update.parts)) this.problem(`${this.view.name}: the first, full event has no header part`);
  }

  close(): void {
    this.closing = true;
    this.request?.destroy();
  }
}

export interface StreamProblems {
  count: number;
  examples: string[];
}

/** Every open dashboard of a run. */
export class DashboardStreams {
  private readonly streams: DashboardStream[] = [];
  private readonly agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  readonly problems: StreamProblems = { count: 0, examples: [] };

  private constructor(readonly views: DashboardViewSpec[]) {}

  /** Opens every view's streams at once and waits for each one's first event. */
  static async open(baseUrl: string, cookie: string, views: DashboardViewSpec[]): Promise<DashboardStreams> {
    const set = new DashboardStreams(views);
    const note = (text: string) => {
      set.problems.count += 1;
      if (set.problems.examples.length < EXAMPLES_KEPT) set.problems.examples.push(text);
    };
    for (const view of views) {
      for (let i = 0; i < view.streams; i += 1) set.streams.push(new DashboardStream(view, i === 0, note));
    }
    try {
      await Promise.all(set.streams.map((stream) => stream.open(baseUrl, cookie, set.agent)));
    } catch (error) {
      set.close();
      throw error;
    }
    return set;
  }

  get count(): number {
    return this.streams.length;
  }

  /** Each stream's events since the last reset, with its view's name. */
  eventsByStream(): { view: string; events: FiguresEvent[] }[] {
    return this.streams.map((s) => ({ view: s.view.name, events: s.events }));
  }

  /** Forgets the events read so far: a measured window starts. */
  resetEvents(): void {
    for (const stream of this.streams) stream.events = [];
  }

  get bytes(): number {
    return this.streams.reduce((sum, s) => sum + s.bytes, 0);
  }

  /**
   * Waits until every stream shows one version and none has moved for `quietMs`: the load has
   * stopped and its last completions have reached every page. Returns that version; throws when
   * the streams do not agree within `timeoutMs`.
   */
  async settle(quietMs: number, timeoutMs: number): Promise<number> {
    const began = performance.now();
    let last = this.signature();
    let since = performance.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = this.signature();
      if (now !== last) {
        last = now;
        since = performance.now();
      }
      const versions = new Set(this.streams.map((s) => s.latestVersion));
      if (versions.size === 1 && performance.now() - since >= quietMs) return this.streams[0]!.latestVersion;
      if (performance.now() - began > timeoutMs) {
        const shown = [...versions].sort((a, b) => a - b);
        throw new Error(`The dashboards did not settle on one version within ${timeoutMs / 1000} s: they show versions ${shown.slice(0, 5).join(', ')}${shown.length > 5 ? ', …' : ''}`);
      }
    }
  }

  private signature(): string {
    return this.streams.map((s) => s.latestVersion).join(',');
  }

  close(): void {
    for (const stream of this.streams) stream.close();
    this.agent.destroy();
  }
}
