/**
 * Progress of a long transfer (sync, output, push): on a terminal one bar redrawn in place
 * (bytes, files, rate, time left); elsewhere (CI logs, pipes) a plain line every few seconds, so
 * a log shows the transfer moving without a line per file.
 */
import { formatBytes, formatElapsed } from "./process";

/** A sink that shows nothing: for callers with no stream to draw on. */
export const NO_PROGRESS: ProgressSink = { write: () => true };

export interface ProgressSink {
  write(text: string): unknown;
  /** Set on a terminal stream (process.stderr when it is one). */
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What moves: `sync`, `output`, `push`. */
  label: string;
  /** Bytes expected, when known (else no percentage or time left). */
  totalBytes?: number;
  totalFiles?: number;
  /** Default Date.now. */
  now?: () => number;
  /** Between two plain lines. Default 5 s; a bar is redrawn at most every 100 ms. */
  intervalMs?: number;
}

/** `12.3 MB/s` from bytes over milliseconds; `-` before anything can be said. */
export function formatRate(bytes: number, ms: number): string {
  return ms <= 0 ? "-" : `${formatBytes(Math.round((bytes * 1000) / ms))}/s`;
}

/** Seconds left at the rate so far, `-` while unknown. */
export function formatEta(done: number, total: number | undefined, ms: number): string {
  if (total === undefined || done <= 0 || ms <= 0) return "-";
  const left = ((total - done) * ms) / done;
  return formatElapsed(Math.max(0, left));
}

/**
 * The bar line: `sync [#####-----]  45% 90.0 MB/200 MB 9000/20000 files 30.0 MB/s 3.7s left`;
 * with no totals known, `output 90.0 MB 30.0 MB/s`.
 */
export function formatBar(
  label: string,
  bytes: number,
  files: number,
  ms: number,
  totalBytes?: number,
  totalFiles?: number,
  width = 20,
): string {
  const fraction = totalBytes ? Math.min(1, bytes / totalBytes) : undefined;
  const bar =
    fraction === undefined
      ? ""
      : ` [${"#".repeat(Math.round(fraction * width)).padEnd(width, "-")}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const size =
    totalBytes === undefined
      ? formatBytes(bytes)
      : `${formatBytes(bytes)}/${formatBytes(totalBytes)}`;
  // Unknown totals say nothing rather than "0 files" or "- left".
  const count =
    totalFiles === undefined
      ? files > 0
        ? ` ${files} files`
        : ""
      : ` ${files}/${totalFiles} files`;
  const eta = totalBytes === undefined ? "" : ` ${formatEta(bytes, totalBytes, ms)} left`;
  return `${label}${bar} ${size}${count} ${formatRate(bytes, ms)}${eta}`;
}

export class Progress {
  private bytes = 0;
  private files = 0;
  private readonly started: number;
  private last: number;
  private drawn = false;
  private readonly now: () => number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.last = this.started;
  }

  /** Counts `bytes` more, and `files` more finished files. */
  add(bytes: number, files = 0): void {
    this.bytes += bytes;
    this.files += files;
    const t = this.now();
    const tty = this.sink.isTTY === true;
    if (t - this.last < (tty ? 100 : (this.options.intervalMs ?? 5000))) return;
    this.last = t;
    const line = formatBar(
      this.options.label,
      this.bytes,
      this.files,
      t - this.started,
      this.options.totalBytes,
      this.options.totalFiles,
    );
    if (tty) {
      const width = (this.sink.columns ?? 80) - 1;
      this.sink.write(`\r${line.slice(0, width).padEnd(width)}`);
      this.drawn = true;
    } else {
      this.sink.write(`env: ${line}\n`);
    }
  }

  /** Clears the bar (on a terminal) so the summary line that follows stands alone. */
  done(): void {
    if (this.drawn) {
      this.sink.write(`\r${" ".repeat((this.sink.columns ?? 80) - 1)}\r`);
      this.drawn = false;
    }
  }

  get elapsedMs(): number {
    return this.now() - this.started;
  }

  get sentBytes(): number {
    return this.bytes;
  }
}
