/**
 * The small command-line convention the stack tools and the reaper share.
 */

import { StackToolError } from "./stackFile";

/** How a command line is read: flags that take a value, and flags that are switches. */
export type FlagSpec = Readonly<Record<string, "value" | "switch">>;

export interface ParsedFlags {
  positionals: string[];
  /** A switch that was given maps to "true". */
  flags: Record<string, string>;
}

/**
 * Reads `--flag value`, `--flag=value` and `--switch`; `--` ends the flags. A flag may be given
 * once; a value that looks like a flag is taken as a forgotten value, not as the value.
 *
 * @throws StackToolError naming the unknown, repeated or incomplete flag and the allowed ones.
 */
export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedFlags {
  const positionals: string[] = [];
  const flags: Record<string, string> = {};
  const allowed = Object.keys(spec)
    .map((name) => `--${name}`)
    .join(", ");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (kind === undefined) {
      throw new StackToolError(`unknown option --${name}; allowed: ${allowed}`);
    }
    if (Object.prototype.hasOwnProperty.call(flags, name)) {
      throw new StackToolError(`--${name} is given more than once`);
    }
    if (kind === "switch") {
      if (equals >= 0) {
        throw new StackToolError(`--${name} takes no value`);
      }
      flags[name] = "true";
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : argv[i + 1];
    if (value === undefined || value === "" || value.startsWith("--")) {
      throw new StackToolError(`--${name} needs a value`);
    }
    flags[name] = value;
    if (equals < 0) {
      i++;
    }
  }
  return { positionals, flags };
}
