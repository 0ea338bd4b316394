/**
 * A recording Runner for the developer commands: every call with its program, argv, the
 * Pulumi/Docker variables of its environment and what it was given on stdin; answers come from a
 * script of responses.
 */
import * as fs from "fs";
import * as path from "path";
import { CliOutput, RunOptions, RunResult, Runner } from "../../cli/workspace/process";

export interface Call {
  command: string;
  args: string[];
  /** The PULUMI_* and DOCKER_* variables of the child's environment. */
  env: Record<string, string>;
  cwd?: string;
  stdin?: "inherit" | Buffer;
  stdout: string;
  /** For a VCH: the files in DOCKER_CERT_PATH while the call ran, with their modes. */
  certs?: Record<string, { text: string; mode: number }>;
}

export type Responder = (
  command: string,
  args: readonly string[],
) => Partial<RunResult> & { stdoutBytes?: Buffer };

export function recorder(respond: Responder = () => ({})): { run: Runner; calls: Call[] } {
  const calls: Call[] = [];
  const run: Runner = async (command, args, options: RunOptions) => {
    let stdin: Call["stdin"];
    if (options.stdin === "inherit" || Buffer.isBuffer(options.stdin)) {
      stdin = options.stdin;
    } else if (options.stdin !== undefined) {
      const chunks: Buffer[] = [];
      for await (const chunk of options.stdin) chunks.push(chunk);
      stdin = Buffer.concat(chunks);
    }
    const env = Object.fromEntries(
      Object.entries(options.env).filter(
        (e): e is [string, string] =>
          (e[0].startsWith("PULUMI_") || e[0].startsWith("DOCKER_")) && e[1] !== undefined,
      ),
    );
    const call: Call = {
      command,
      args: [...args],
      env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(stdin === undefined ? {} : { stdin }),
      stdout: typeof options.stdout === "function" ? "callback" : options.stdout,
    };
    if (env.DOCKER_CERT_PATH) {
      call.certs = Object.fromEntries(
        fs.readdirSync(env.DOCKER_CERT_PATH).map((f) => {
          const file = path.join(env.DOCKER_CERT_PATH, f);
          return [f, { text: fs.readFileSync(file, "utf8"), mode: fs.statSync(file).mode & 0o777 }];
        }),
      );
    }
    calls.push(call);
    const answer = respond(command, args);
    if (typeof options.stdout === "function" && answer.stdoutBytes) {
      options.stdout(answer.stdoutBytes);
    }
    return { code: answer.code ?? 0, stdout: answer.stdout ?? "", stderr: answer.stderr ?? "" };
  };
  return { run, calls };
}

export function output(): CliOutput & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    out: () => out,
    err: () => err,
  };
}

/** PATH lookups that find exactly these programs. */
export function onPath(...programs: string[]): (file: string) => boolean {
  return (file) => programs.includes(path.basename(file));
}
