/**
 * How `npm run up` and `npm run env` call the Pulumi CLI: which backend, which passphrase, which
 * stack config file, and the exact argv of each call.
 *
 * Without PULUMI_BACKEND_URL everything lives in `.buildenv/` (git-ignored) in the project:
 * - `.buildenv/state`: a file backend (`file://<dir>`). Pulumi does not create that directory:
 *   pkg/backend/diy/backend.go New opens it with gocloud's fileblob, whose OpenBucket stats it
 *   and fails ("unable to open bucket file:///…: stat …: no such file or directory"), so it is
 *   created here.
 * - `.buildenv/passphrase`: a random passphrase generated once (mode 0600) and handed to Pulumi as
 *   PULUMI_CONFIG_PASSPHRASE_FILE (pkg/secrets/passphrase/manager.go readPassphrase), so there is
 *   no prompt. PULUMI_CONFIG_PASSPHRASE is removed from the child's environment because Pulumi
 *   reads it first and a different passphrase would not open the local stack.
 * - `.buildenv/stacks/Pulumi.<stack>.yaml`: the stack config Pulumi actually reads
 *   (`--config-file`): the tracked `Pulumi.<stack>.yaml` plus this machine's `encryptionsalt`.
 *   Creating a stack with the passphrase provider writes a new salt into the stack's config file
 *   (pkg/cmd/pulumi/stack/io.go CreateStack → SaveProjectStack); a salt committed in the tracked
 *   file would not match the next person's passphrase, so the tracked file is put back byte for
 *   byte and the salt kept here. PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER=true lets Pulumi take
 *   the salt from the state (stored there at creation) if this copy is ever lost
 *   (pkg/cmd/pulumi/stack/secrets.go GetSecretsManager).
 * With PULUMI_BACKEND_URL set (a team backend), none of this applies: the team's passphrase (or
 * KMS secrets provider) and committed salt are used as they are.
 */
import * as path from "path";
import { parseDocument } from "yaml";
import { formatExpiry, parseExpiry } from "../../components/lifecycle/expiry";
import { CliError } from "./process";

/** The git-ignored directory of the local backend, passphrase and stack config copies. */
export const LOCAL_DIR = ".buildenv";

export interface LocalPaths {
  stateDir: string;
  passphraseFile: string;
  stacksDir: string;
}

export function localPaths(projectDir: string): LocalPaths {
  const root = path.join(projectDir, LOCAL_DIR);
  return {
    stateDir: path.join(root, "state"),
    passphraseFile: path.join(root, "passphrase"),
    stacksDir: path.join(root, "stacks"),
  };
}

/** The `file://` URL of a directory, as Pulumi's file backend takes it. */
export function fileBackendUrl(dir: string): string {
  return `file://${dir.split(path.sep).join("/")}`;
}

/** How Pulumi is run: its environment, and the config file to pass (local backend only). */
export interface PulumiSetup {
  /** True when the project's own file backend is used (no PULUMI_BACKEND_URL). */
  local: boolean;
  env: Record<string, string | undefined>;
  /** `--config-file` for stack operations; undefined on a team backend. */
  configFile?: string;
}

/** The Pulumi environment for `env` (the caller's) in `projectDir`. */
export function pulumiSetup(
  projectDir: string,
  env: Record<string, string | undefined>,
  stack: string,
): PulumiSetup {
  if (env.PULUMI_BACKEND_URL) {
    return { local: false, env: { ...env } };
  }
  const paths = localPaths(projectDir);
  const child = { ...env };
  delete child.PULUMI_CONFIG_PASSPHRASE;
  child.PULUMI_BACKEND_URL = fileBackendUrl(paths.stateDir);
  child.PULUMI_CONFIG_PASSPHRASE_FILE = paths.passphraseFile;
  child.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER = "true";
  return {
    local: true,
    env: child,
    configFile: path.join(paths.stacksDir, `Pulumi.${stack}.yaml`),
  };
}

/** Top-level keys of a stack config file that hold its secrets provider's state. */
const SECRETS_KEYS = ["encryptionsalt", "secretsprovider", "encryptedkey"] as const;

/** The secrets-provider keys a stack file sets, e.g. `["encryptionsalt"]`. */
export function secretsKeysOf(stackFileText: string): string[] {
  const doc = parseDocument(stackFileText).toJS() as Record<string, unknown> | null;
  return SECRETS_KEYS.filter((key) => doc !== null && typeof doc === "object" && key in doc);
}

/** The `encryptionsalt` a stack file carries, if any. */
export function saltOf(stackFileText: string): string | undefined {
  const doc = parseDocument(stackFileText).toJS() as Record<string, unknown> | null;
  const salt = doc?.encryptionsalt;
  return typeof salt === "string" ? salt : undefined;
}

/**
 * The config file Pulumi reads for a local stack: the tracked file's text unchanged, then this
 * machine's salt (when there is one yet).
 */
export function localStackConfig(tracked: string | undefined, salt: string | undefined): string {
  let text = tracked ?? "";
  if (text !== "" && !text.endsWith("\n")) text += "\n";
  return salt === undefined ? text : `${text}encryptionsalt: ${salt}\n`;
}

/** `pulumi stack select --create`: selects the stack, creating it (and its salt) when absent. */
export function selectArgs(stack: string, local: boolean): string[] {
  return [
    "stack",
    "select",
    "--create",
    stack,
    ...(local ? ["--secrets-provider", "passphrase"] : []),
  ];
}

/** `pulumi up|preview|destroy` on the stack, with the caller's other flags. */
export function operationArgs(
  operation: "up" | "preview" | "destroy",
  stack: string,
  configFile: string | undefined,
  pass: readonly string[],
): string[] {
  return [
    operation,
    "--stack",
    stack,
    ...(configFile === undefined ? [] : ["--config-file", configFile]),
    ...pass,
  ];
}

/** `pulumi stack output --json --show-secrets` of the stack: every output, secrets in clear. */
export function stackOutputArgs(stack: string): string[] {
  return ["stack", "output", "--json", "--show-secrets", "--stack", stack];
}

/** Prints the selected stack's name (fails when none is selected). */
export const SELECTED_STACK_ARGS = ["stack", "--show-name"] as const;

/** Stack tag names mirroring the stack's owner and expiry (`pulumi stack ls --tag-filter`). */
export const OWNER_TAG = "buildenv:owner";
export const EXPIRES_TAG = "buildenv:expiresAt";

/**
 * Owner and expiry as the program resolves them from a stack file: `buildenv:owner` (default
 * the stack name) and `buildenv:expiresAt` canonicalised (`never` when absent; the raw text if
 * unparsable, which `up` has already refused).
 */
export function ownerAndExpiry(
  stackFileText: string | undefined,
  stack: string,
): { owner: string; expiresAt: string } {
  const doc = (stackFileText ? parseDocument(stackFileText).toJS() : null) as {
    config?: Record<string, unknown>;
  } | null;
  const config = doc?.config ?? {};
  const owner = config["buildenv:owner"];
  const expires = config["buildenv:expiresAt"];
  const parsed = typeof expires === "string" ? parseExpiry(expires) : undefined;
  return {
    owner: typeof owner === "string" && owner !== "" ? owner : stack,
    expiresAt:
      expires === undefined || expires === null
        ? "never"
        : parsed
          ? formatExpiry(parsed)
          : String(expires),
  };
}

/**
 * `pulumi stack tag set` for the owner and the expiry. Stack tags on self-managed backends need
 * Pulumi CLI 3.211.0 or later (CHANGELOG 3.211.0: "[backend/diy] Add stack tags support for DIY
 * backends", pulumi/pulumi#19882); names may hold `:` (pkg/util/validation/stack.go).
 */
export function tagArgs(stack: string, owner: string, expiresAt: string): string[][] {
  return [
    ["stack", "tag", "set", OWNER_TAG, owner, "--stack", stack],
    ["stack", "tag", "set", EXPIRES_TAG, expiresAt, "--stack", stack],
  ];
}

/** `buildenv:host` of a stack file: its kind and, for a local engine, its address if set. */
export function hostOf(stackFileText: string | undefined): { kind: string; dockerHost?: string } {
  const doc = (stackFileText ? parseDocument(stackFileText).toJS() : null) as {
    config?: Record<string, unknown>;
  } | null;
  const host = doc?.config?.["buildenv:host"] as Record<string, unknown> | undefined;
  const kind = typeof host?.kind === "string" ? host.kind : "local";
  return typeof host?.dockerHost === "string" ? { kind, dockerHost: host.dockerHost } : { kind };
}

/**
 * The Pulumi project directory: the nearest directory from `start` upwards holding Pulumi.yaml,
 * as the Pulumi CLI finds it (npm runs scripts in the package root, which is this one).
 */
export function findProjectDir(start: string, exists: (file: string) => boolean): string {
  let dir = path.resolve(start);
  for (;;) {
    if (exists(path.join(dir, "Pulumi.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new CliError(`no Pulumi.yaml in ${start} or above; run this in the buildenv checkout`);
    }
    dir = parent;
  }
}
