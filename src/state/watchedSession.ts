// The app's guard against a worker call that never answers. HDF5 loops forever on some damaged files,
// and the page cannot look inside a busy worker (a shared heartbeat, as the CLI has, needs cross-origin
// isolation), so each call that reads files gets a time limit from the sizes involved. When it passes,
// the worker is stopped, a fresh one re-reads the files the sides still show (never the one it was
// stuck on), the calls still waiting are sent again, and the stuck call fails naming the file.

import { GraftError } from '../model';
import type { Side, SideFiles } from '../worker/sessionApi';
import type { SessionPort } from './sessionClient';

/** One worker, as the watchdog drives it. */
export interface SessionWorker {
  port: SessionPort;
  /** The file the worker's HDF5 calls read last (the worker says so whenever it changes). */
  readingFile(): string | null;
  terminate(): void;
}

export interface WatchedSessionOptions {
  start(): SessionWorker;
  /** The fixed part of every limit: 60 s in the app, a few seconds in tests. */
  baseLimitMs: number;
  /** A file the worker had to be stopped on outside a load of it (plan, preview, export, a re-read). */
  onUnreadable(side: Side, message: string): void;
}

export const DEFAULT_BASE_LIMIT_MS = 60_000;
const BYTES_PER_EXTRA_SECOND = 10 * 1024 * 1024;
const SIDES: Side[] = ['source', 'target'];

/** How long reading `bytes` may take: the base plus a second per 10 MB. */
export function readLimitMs(baseMs: number, bytes: number): number {
  return Math.round(baseMs + (bytes / BYTES_PER_EXTRA_SECOND) * 1000);
}

export function loopMessage(file: string, limitMs: number): string {
  const seconds = Number((limitMs / 1000).toFixed(1));
  return `${file}: reading the file did not finish in ${seconds} s; the file is damaged in a way that makes the HDF5 library loop - re-save or re-download it`;
}

function bytesOf(files: SideFiles | null): number {
  return (files?.weights?.size ?? 0) + (files?.arch?.size ?? 0);
}

/** The names the worker's reader labels its files with (as GraftSession names them). */
function namesOf(files: SideFiles): string[] {
  const name = (blob: Blob | undefined, given: string | undefined) =>
    given ?? (blob instanceof File ? blob.name : blob ? 'file' : undefined);
  return [name(files.weights, files.weightsName), name(files.arch, files.archName)].filter(
    (n): n is string => n !== undefined,
  );
}

interface CallSpec<T> {
  run(port: SessionPort): Promise<T>;
  /** How long it may run once it is the oldest call sent; null for calls that read no file. */
  limitMs: number | null;
  /** A load reads these files: they are the culprit when it never answers. */
  load?: { side: Side; files: SideFiles };
  /** The watchdog's own re-read of a side into a fresh worker. */
  reread?: boolean;
  swap?: boolean;
}

interface Call extends CallSpec<unknown> {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** The worker generation it was sent to; null while it waits for a fresh worker. */
  sentTo: number | null;
  clockFrom: number | null;
}

export class WatchedSession implements SessionPort {
  private worker: SessionWorker;
  private generation = 0;
  /** False while a fresh worker re-reads the sides; calls wait until then. */
  private ready = true;
  private readonly calls: Call[] = [];
  /** What each side shows and the worker holds; what a fresh worker reads again. */
  private readonly held: Record<Side, SideFiles | null> = { source: null, target: null };
  private watched: Call | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: WatchedSessionOptions) {
    this.worker = options.start();
  }

  load: SessionPort['load'] = (side, files, onProgress) =>
    this.call({
      run: (port) => port.load(side, files, onProgress),
      limitMs: readLimitMs(this.options.baseLimitMs, bytesOf(files)),
      load: { side, files },
    });
  swapSides: SessionPort['swapSides'] = () =>
    this.call({ run: (port) => port.swapSides(), limitMs: null, swap: true });
  autoMatch: SessionPort['autoMatch'] = (mapping) =>
    this.call({ run: (port) => port.autoMatch(mapping), limitMs: null });
  plan: SessionPort['plan'] = (mapping) =>
    this.call({ run: (port) => port.plan(mapping), limitMs: this.pairLimitMs(1) });
  preview: SessionPort['preview'] = (mapping, target, index) =>
    this.call({ run: (port) => port.preview(mapping, target, index), limitMs: this.pairLimitMs(1) });
  report: SessionPort['report'] = (mapping) =>
    this.call({ run: (port) => port.report(mapping), limitMs: this.pairLimitMs(1) });
  // Export reads both sides and writes and re-reads the result: twice the reading time.
  exportWeights: SessionPort['exportWeights'] = (mapping, layout, onProgress) =>
    this.call({
      run: (port) => port.exportWeights(mapping, layout, onProgress),
      limitMs: this.pairLimitMs(2),
    });

  private pairLimitMs(passes: number): number {
    return readLimitMs(
      this.options.baseLimitMs,
      passes * (bytesOf(this.held.source) + bytesOf(this.held.target)),
    );
  }

  private call<T>(spec: CallSpec<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const call: Call = {
        ...(spec as CallSpec<unknown>),
        resolve: resolve as (value: unknown) => void,
        reject,
        sentTo: null,
        clockFrom: null,
      };
      this.calls.push(call);
      if (this.ready) this.send(call);
    });
  }

  private send(call: Call): void {
    const generation = this.generation;
    call.sentTo = generation;
    call.run(this.worker.port).then(
      (value) => this.settle(call, generation, () => this.answered(call, value)),
      (error) => this.settle(call, generation, () => this.failed(call, error)),
    );
    this.watch();
  }

  private settle(call: Call, generation: number, finish: () => void): void {
    // An answer from a worker that was since replaced (the call was sent again, or dropped).
    if (call.sentTo !== generation || generation !== this.generation) return;
    this.calls.splice(this.calls.indexOf(call), 1);
    finish();
    this.watch();
  }

  private answered(call: Call, value: unknown): void {
    if (call.load) this.held[call.load.side] = call.load.files;
    if (call.swap) [this.held.source, this.held.target] = [this.held.target, this.held.source];
    call.resolve(value);
  }

  private failed(call: Call, error: unknown): void {
    // A side that read before but not now cannot stay: the fresh worker does not hold it.
    if (call.reread && call.load) {
      this.held[call.load.side] = null;
      const message = (error as { message?: unknown })?.message;
      this.options.onUnreadable(call.load.side, typeof message === 'string' ? message : String(error));
    }
    call.reject(error);
  }

  /** The clock runs for the oldest call sent that reads files; calls queued behind it wait their turn. */
  private watch(): void {
    const head = this.calls.find((c) => c.sentTo === this.generation && c.limitMs !== null) ?? null;
    if (head === this.watched) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watched = head;
    if (!head) return;
    head.clockFrom ??= Date.now();
    this.timer = setTimeout(() => this.stuck(head), head.clockFrom + head.limitMs! - Date.now());
  }

  private stuck(call: Call): void {
    let side: Side | null;
    let file: string | null;
    if (call.load) {
      side = call.load.side;
      file = namesOf(call.load.files)[0] ?? null;
    } else {
      file = this.worker.readingFile();
      side = file === null ? null : this.sideHolding(file);
    }
    const message = loopMessage(file ?? 'one of the files', call.limitMs!);
    // A new file that never loaded was never held; a held file that loops is not read again.
    if (side && (call.reread || !call.load)) {
      this.held[side] = null;
      this.options.onUnreadable(side, message);
    }
    this.calls.splice(this.calls.indexOf(call), 1);
    call.reject(new GraftError('corrupt', message));
    this.restart();
  }

  /** The side whose files carry the name the worker was reading; null when none or both do. */
  private sideHolding(file: string): Side | null {
    const holding = SIDES.filter((s) => this.held[s] && namesOf(this.held[s]!).includes(file));
    return holding.length === 1 ? holding[0] : null;
  }

  private restart(): void {
    this.worker.terminate();
    this.generation += 1;
    const generation = this.generation;
    this.worker = this.options.start();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watched = null;
    // Re-reads meant for the stopped worker are moot; every other waiting call is sent again below.
    for (const stale of this.calls.filter((c) => c.reread)) {
      this.calls.splice(this.calls.indexOf(stale), 1);
      stale.resolve(undefined);
    }
    for (const waiting of this.calls) {
      waiting.sentTo = null;
      waiting.clockFrom = null;
    }
    this.ready = false;
    const rereads = SIDES.flatMap((side) => {
      const files = this.held[side];
      return files ? [this.reread(side, files)] : [];
    });
    void Promise.allSettled(rereads).then(() => {
      if (generation !== this.generation) return;
      this.ready = true;
      for (const waiting of [...this.calls]) if (waiting.sentTo === null) this.send(waiting);
    });
  }

  private reread(side: Side, files: SideFiles): Promise<unknown> {
    return new Promise((resolve) => {
      const call: Call = {
        run: (port) => port.load(side, files),
        limitMs: readLimitMs(this.options.baseLimitMs, bytesOf(files)),
        load: { side, files },
        reread: true,
        resolve,
        reject: resolve,
        sentTo: null,
        clockFrom: null,
      };
      // Ahead of the waiting calls, so it is watched first.
      this.calls.unshift(call);
      this.send(call);
    });
  }
}
