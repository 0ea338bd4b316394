/**
 * What the developer commands (`npm run up`, `npm run env`) need from the machine: running the
 * `pulumi` and `docker` CLIs, finding them on PATH, and the one-line errors they stop with. The
 * commands take a `Runner` so tests can record every call; cli/ gives them the real one.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import { constants as osConstants } from "os";
import * as path from "path";
import { Readable } from "stream";
import { pipeline } from "stream/promises";

/**
 * A failure the user can act on: printed as one line (`<command>: <message>`), no stack trace,
 * and the process exits with `exitCode`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** Exit code; 2 for a usage error, 1 otherwise. Default: 1. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** How a child's standard streams are wired. */
export interface RunOptions {
  /** Environment of the child, complete (not merged with the parent's). */
  env: Record<string, string | undefined>;
  /** Working directory. Default: the caller's. */
  cwd?: string;
  /**
   * `inherit`: the child reads the terminal (interactive prompts, `shell`); a Buffer or an
   * async iterable of Buffers is written to its stdin; undefined: no stdin.
   */
  stdin?: "inherit" | Buffer | AsyncIterable<Buffer>;
  /**
   * `inherit`: streamed to the terminal as it comes (Pulumi's progress, a build's output);
   * `capture`: returned in the result; a function receives each chunk (an archive to a file).
   */
  stdout: "inherit" | "capture" | ((chunk: Buffer) => void);
  /** `inherit` or `capture` (for error messages). */
  stderr: "inherit" | "capture";
}

export interface RunResult {
  /** The exit code; 128 + signal number when killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program found on PATH. Rejects only when it cannot be started. */
export type Runner = (
  command: string,
  args: readonly string[],
  options: RunOptions,
) => Promise<RunResult>;

/** Where the commands print. `process` fits; tests pass recorders. */
export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * The path of `name` on `PATH`, or undefined: checked before the first call, so a missing CLI is
 * one line saying what to install rather than `spawn pulumi ENOENT`. On Windows the `PATHEXT`
 * extensions are tried too, as the shell would.
 */
export function findExecutable(
  name: string,
  env: Record<string, string | undefined>,
  isExecutable: (file: string) => boolean = defaultIsExecutable,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => d !== "");
  const extensions =
    platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter((e) => e) : [""];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function defaultIsExecutable(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The one line for a missing Pulumi CLI. */
export const NO_PULUMI =
  "the Pulumi CLI is not installed (no `pulumi` on PATH); install it from https://www.pulumi.com/docs/install/ and run this again";

/** The one line for a missing Docker CLI. */
export const NO_DOCKER_CLI =
  "the Docker CLI is not installed (no `docker` on PATH); install Docker from https://docs.docker.com/get-docker/ and run this again";

/** Throws the one-line error unless `pulumi` is on PATH. */
export function requirePulumi(
  env: Record<string, string | undefined>,
  isExecutable?: (file: string) => boolean,
): void {
  if (findExecutable("pulumi", env, isExecutable) === undefined) {
    throw new CliError(NO_PULUMI);
  }
}

/** The first non-empty line of a CLI's stderr, for one-line errors. */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "") ?? ""
  );
}

/** Bytes as people read them: `512 B`, `1.5 MB` (decimal, like the volume capacities). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) {
    return `${bytes} B`;
  }
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Seconds with one decimal: `12.3s`. */
export function formatElapsed(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The real Runner: `child_process.spawn` with the streams wired as asked. */
export const spawnRunner: Runner = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: options.env as NodeJS.ProcessEnv,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: [
        options.stdin === "inherit" ? "inherit" : options.stdin === undefined ? "ignore" : "pipe",
        options.stdout === "inherit" ? "inherit" : "pipe",
        options.stderr === "inherit" ? "inherit" : "pipe",
      ],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => {
      if (typeof options.stdout === "function") options.stdout(chunk);
      else out.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    if (child.stdin && options.stdin !== undefined && options.stdin !== "inherit") {
      const input = options.stdin;
      const stdin = child.stdin;
      // A child that exits early closes its stdin: its exit code tells what happened.
      stdin.on("error", () => undefined);
      if (Buffer.isBuffer(input)) {
        stdin.end(input);
      } else {
        pipeline(Readable.from(input), stdin).catch(() => undefined);
      }
    }
    child.on("close", (code, signal) => {
      resolve({
        code: code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
