/** A project directory and a stand-in `pulumi` for the `npm run up` tests. */
/**
 * `npm run up|preview|down`: the exact Pulumi calls and environment (recorded), the local backend
 * and passphrase it sets up, the tracked stack file it never rewrites, stack tags, and the
 * one-line failures. The last block runs the real entry points as processes, with a stand-in
 * `pulumi` script on PATH that records its arguments and environment (no Pulumi CLI here), and
 * without one.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UpMode } from "../../cli/workspace/args";
import { upMain } from "../../cli/workspace/up";
import { Responder, onPath, output, recorder } from "./workspaceFakes";

export const TRACKED = "# The default developer stack.\nconfig:\n  buildenv:priority: normal\n";
/** What `pulumi stack select --create` does to the stack file with the passphrase provider. */
export const SALT = "v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVydGV4dA==";

export function project(files: Record<string, string> = { "Pulumi.dev.yaml": TRACKED }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-up-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: buildenv\n");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Pulumi as far as up needs: creating a stack appends its salt to Pulumi.<stack>.yaml. */
export function pulumiLike(dir: string, exits: Record<string, number> = {}): Responder {
  return (_command, args) => {
    if (args[0] === "stack" && args[1] === "select") {
      fs.appendFileSync(path.join(dir, `Pulumi.${args[3]}.yaml`), `encryptionsalt: ${SALT}\n`);
    }
    const key = args[0] === "stack" ? `${args[0]} ${args[1]}` : args[0];
    return { code: exits[key] ?? 0, stderr: exits[key] ? "error: tags not supported\n" : "" };
  };
}

export async function up(
  mode: UpMode,
  argv: string[],
  dir: string,
  options: {
    env?: Record<string, string>;
    respond?: Responder;
    engines?: Record<string, string>;
    onPath?: string[];
    lockTimeoutMs?: number;
  } = {},
) {
  const { run, calls } = recorder(options.respond ?? pulumiLike(dir));
  const out = output();
  const pinged: string[] = [];
  const code = await upMain(mode, argv, {
    run,
    env: { PATH: "/usr/bin", HOME: "/home/dev", ...options.env },
    projectDir: dir,
    out,
    pingEngine: async (host) => {
      pinged.push(host);
      return options.engines?.[host];
    },
    isExecutable: onPath(...(options.onPath ?? ["pulumi"])),
    newPassphrase: () => "generated-passphrase",
    ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
  });
  return { code, calls, pinged, out: out.out(), err: out.err() };
}

export function localEnv(dir: string) {
  return {
    PULUMI_BACKEND_URL: `file://${dir}/.buildenv/state`,
    PULUMI_CONFIG_PASSPHRASE_FILE: `${dir}/.buildenv/passphrase`,
    PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
  };
}
