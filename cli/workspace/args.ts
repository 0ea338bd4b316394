/**
 * Command lines of `npm run env -- <verb>` and `npm run up|preview|down`: parsed into plain
 * values, every mistake a CliError with exit code 2 naming the argument.
 */
import { PRIORITIES, Priority } from "../../components/compute/classes";
import { TAG_PATTERN } from "./outputImage";
import { CliError } from "./process";

export const ENV_USAGE = `usage: npm run env -- <verb> [--stack <name>] [options]

Drives the build environment of a stack (default: the selected stack, else dev) through its
outputs, on its engine (the local Docker engine or a VCH).

verbs:
  status                          host, volumes, build image and tag, compute class, time left
  sync [dir] [--exclude <glob>] [--clean]
                                  bring the source volume to dir (default .), sending only what
                                  changed since its last sync; honours .gitignore (in a git
                                  checkout) and .dockerignore; build state the checkout does not
                                  list is kept unless --clean
  run [--priority low|normal|high] [--keep] -- <command...>
                                  run the command in the build image, source volume as working
                                  directory, with the limits of the stack's class (or of the
                                  priority's class); exits with the command's exit code
  output [--to <file.tar.gz>]     the output volume as a gzipped tar archive
                                  (default: buildenv-<stack>-output.tar.gz)
  output --push [--source <dir> | --tag <tag>] [--to <file.tar.gz>]
                                  and push that archive as the image
                                  <registry>/<build repository>-output:<tag>, printing it;
                                  tag: the git tree id of dir (default .) as sync copies it
  output --from <reference|tag> [--to <file.tar.gz>]
                                  fetch a pushed output archive back from the registry
  shell                           an interactive shell in the build image with the volumes
  cache list                      the stack's caches (buildenv:caches): volume, path, variables
  cache clear <name>              empty the cache's volume (the volume itself stays)
  --help                          this text`;

export type EnvCommand =
  | { verb: "help" }
  | { verb: "status"; stack?: string }
  | { verb: "sync"; stack?: string; dir: string; exclude: string[]; clean: boolean }
  | { verb: "run"; stack?: string; priority?: Priority; keep: boolean; command: string[] }
  | {
      verb: "output";
      stack?: string;
      to?: string;
      /** Push the archive (--push); only set when true. */
      push?: true;
      /** --source: the directory whose tree id tags the push. Only with push. */
      source?: string;
      /** --tag: the tag of the push instead of the tree id. Only with push. */
      tag?: string;
      /** --from: fetch this reference (or bare tag) instead of reading the volume. */
      from?: string;
    }
  | { verb: "shell"; stack?: string }
  | { verb: "cache"; stack?: string; action: "list" }
  | { verb: "cache"; stack?: string; action: "clear"; name: string };

const VERBS = ["status", "sync", "run", "output", "shell", "cache"] as const;

function usage(message: string): CliError {
  return new CliError(`${message}\n${ENV_USAGE}`, 2);
}

/** Parses the arguments after `npm run env --`. */
export function parseEnvArgs(argv: readonly string[]): EnvCommand {
  if (argv.length === 0) {
    throw usage("no verb given");
  }
  const [verb, ...rest] = argv;
  if (verb === "--help" || verb === "-h" || verb === "help") {
    return { verb: "help" };
  }
  if (!(VERBS as readonly string[]).includes(verb)) {
    throw usage(`unknown verb "${verb}"; one of ${VERBS.join(", ")}`);
  }
  let stack: string | undefined;
  let priority: Priority | undefined;
  let keep = false;
  let clean = false;
  let to: string | undefined;
  const output: { push?: true; source?: string; tag?: string; from?: string } = {};
  const exclude: string[] = [];
  const positional: string[] = [];
  let command: string[] | undefined;

  const allowed: Record<string, readonly string[]> = {
    status: ["--stack"],
    sync: ["--stack", "--exclude", "--clean"],
    run: ["--stack", "--priority", "--keep"],
    output: ["--stack", "--to", "--push", "--source", "--tag", "--from"],
    shell: ["--stack"],
    cache: ["--stack"],
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--help" || arg === "-h") {
      return { verb: "help" };
    }
    if (arg === "--") {
      command = rest.slice(i + 1);
      break;
    }
    if (arg.startsWith("-")) {
      const eq = arg.indexOf("=");
      const flag = eq > 0 ? arg.slice(0, eq) : arg;
      if (!allowed[verb].includes(flag)) {
        throw usage(`${verb}: unknown option ${flag}`);
      }
      if (flag === "--keep" || flag === "--clean") {
        if (eq > 0) throw usage(`${verb}: ${flag} takes no value`);
        if (flag === "--keep") keep = true;
        else clean = true;
        continue;
      }
      if (flag === "--push") {
        if (eq > 0) throw usage(`${verb}: --push takes no value`);
        output.push = true;
        continue;
      }
      let value: string;
      if (eq > 0) {
        value = arg.slice(eq + 1);
      } else {
        if (i + 1 >= rest.length || rest[i + 1] === "--") {
          throw usage(`${verb}: ${flag} needs a value`);
        }
        value = rest[++i];
      }
      if (value === "") {
        throw usage(`${verb}: ${flag} needs a value`);
      }
      if (flag === "--stack") stack = value;
      else if (flag === "--exclude") exclude.push(value);
      else if (flag === "--to") to = value;
      else if (flag === "--source") output.source = value;
      else if (flag === "--from") output.from = value;
      else if (flag === "--tag") {
        if (!TAG_PATTERN.test(value)) {
          throw usage(
            `${verb}: --tag "${value}" is not a tag; use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
          );
        }
        output.tag = value;
      } else if (flag === "--priority") {
        if (!(PRIORITIES as readonly string[]).includes(value)) {
          throw usage(`${verb}: --priority "${value}" is not one of ${PRIORITIES.join(", ")}`);
        }
        priority = value as Priority;
      }
      continue;
    }
    if (verb === "run") {
      // `run make -j4` without `--`: the command is everything from its first word on.
      command = rest.slice(i);
      break;
    }
    positional.push(arg);
  }

  const maxPositional = verb === "sync" ? 1 : verb === "cache" ? 2 : 0;
  if (verb !== "run" && command !== undefined) {
    throw usage(`${verb}: takes no command after --`);
  }
  if (positional.length > maxPositional) {
    throw usage(`${verb}: unexpected argument "${positional[maxPositional]}"`);
  }
  const withStack = stack === undefined ? {} : { stack };
  switch (verb) {
    case "status":
      return { verb, ...withStack };
    case "sync":
      return { verb, ...withStack, dir: positional[0] ?? ".", exclude, clean };
    case "run":
      if (command === undefined || command.length === 0) {
        throw usage("run: no command given; e.g. npm run env -- run -- make");
      }
      return { verb, ...withStack, ...(priority ? { priority } : {}), keep, command };
    case "output":
      if (output.push && output.from !== undefined) {
        throw usage("output: --push and --from exclude each other (push an archive, or fetch one)");
      }
      if (!output.push && (output.source !== undefined || output.tag !== undefined)) {
        throw usage(
          `output: ${output.source !== undefined ? "--source" : "--tag"} only goes with --push`,
        );
      }
      if (output.source !== undefined && output.tag !== undefined) {
        throw usage(
          "output: --source and --tag exclude each other (the tag is the source's tree id, or given)",
        );
      }
      return { verb, ...withStack, ...(to === undefined ? {} : { to }), ...output };
    case "cache":
      return cacheCommand(positional, withStack);
    default:
      return { verb: "shell", ...withStack };
  }
}

function cacheCommand(positional: string[], withStack: { stack?: string }): EnvCommand {
  const [action, name] = positional;
  if (action === "list") {
    if (name !== undefined) throw usage(`cache list: unexpected argument "${name}"`);
    return { verb: "cache", ...withStack, action };
  }
  if (action === "clear") {
    if (name === undefined) {
      throw usage("cache clear: no cache name given; e.g. npm run env -- cache clear go");
    }
    return { verb: "cache", ...withStack, action, name };
  }
  throw usage(
    action === undefined
      ? "cache: no action given; one of list, clear <name>"
      : `cache: unknown action "${action}"; one of list, clear <name>`,
  );
}

export type UpMode = "up" | "preview" | "destroy";

export const UP_USAGE = `usage: npm run up|preview|down -- [--stack <name>] [pulumi flags...]

Runs \`pulumi up\` (preview, destroy) on the stack (default dev), creating it when absent, on
PULUMI_BACKEND_URL or else a file backend in .buildenv/state with a generated passphrase file.
Other flags go to Pulumi unchanged, e.g. --yes, --diff, --refresh.`;

export interface UpArgs {
  help?: true;
  stack: string;
  /** Flags passed to Pulumi unchanged. */
  pass: string[];
}

/** Parses the arguments after `npm run up --`: `--stack`/`-s` is ours, the rest goes to Pulumi. */
export function parseUpArgs(argv: readonly string[]): UpArgs {
  let stack = "dev";
  const pass: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      return { help: true, stack, pass };
    }
    if (arg === "--stack" || arg === "-s") {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("-")) {
        throw new CliError(`${arg} needs a stack name\n${UP_USAGE}`, 2);
      }
      stack = argv[++i];
    } else if (arg.startsWith("--stack=")) {
      stack = arg.slice("--stack=".length);
    } else {
      pass.push(arg);
    }
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new CliError(
      `--stack "${stack}" is not a stack name; use letters, digits, "-", "_" and "."\n${UP_USAGE}`,
      2,
    );
  }
  return { stack, pass };
}
