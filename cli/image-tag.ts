/**
 * Prints the build-image manifest of a source tree and the tag derived from it, so the tag a
 * deployment will use can be checked (or compared with git's own listing) without running Pulumi.
 *
 *   npm run image-tag -- <repoRoot> <input>... [--build-arg NAME=VALUE]... [--platform OS/ARCH]
 *
 * `--platform` is `buildenv:buildImage.platform` (default linux/amd64): another platform is a line
 * of the manifest, so without it the tag printed would not be the stack's.
 */

import { platformProblem } from "../components/image/config";
import {
  DEFAULT_PLATFORM,
  computeImageTag,
  validateBuildArgName,
  validateBuildArgValue,
} from "../components/image/manifest";

/** Where the CLI writes; `process` fits, and so does a recorder in tests. */
export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const USAGE =
  "usage: npm run image-tag -- <repoRoot> <input>... [--build-arg NAME=VALUE]... [--platform OS/ARCH]";

interface ParsedArguments {
  root: string;
  inputs: string[];
  buildArgs: Record<string, string>;
  /** `buildenv:buildImage.platform`; DEFAULT_PLATFORM unless given. */
  platform: string;
}

/**
 * Parses the command line (without node and script); returns the reason for a usage error as a
 * string. `--build-arg NAME=VALUE` and `--build-arg=NAME=VALUE` are both accepted, as are
 * `--platform P` and `--platform=P` (once, one of the platforms config allows); `--` ends the
 * options, and a build argument may be given only once.
 */
export function parseArguments(argv: readonly string[]): ParsedArguments | string {
  const positional: string[] = [];
  const buildArgs: Record<string, string> = {};
  let platform: string | undefined;
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || !arg.startsWith("-") || arg === "-") {
      positional.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsEnded = true;
      continue;
    }
    if (arg === "--platform" || arg.startsWith("--platform=")) {
      const value = arg === "--platform" ? argv[++i] : arg.slice("--platform=".length);
      if (value === undefined) {
        return "--platform needs OS/ARCH, e.g. linux/arm64";
      }
      if (platform !== undefined) {
        return "--platform is given more than once";
      }
      const problem = platformProblem(value);
      if (problem !== undefined) {
        return `--platform: ${problem}`;
      }
      platform = value;
      continue;
    }
    let assignment: string | undefined;
    if (arg === "--build-arg") {
      assignment = argv[++i];
      if (assignment === undefined) {
        return "--build-arg needs NAME=VALUE";
      }
    } else if (arg.startsWith("--build-arg=")) {
      assignment = arg.slice("--build-arg=".length);
    } else {
      return `unknown option ${arg}`;
    }
    const equals = assignment.indexOf("=");
    if (equals < 0) {
      return `--build-arg needs NAME=VALUE, got "${assignment}"`;
    }
    const name = assignment.slice(0, equals);
    const value = assignment.slice(equals + 1);
    const problem = validateBuildArgName(name) ?? validateBuildArgValue(value);
    if (problem !== undefined) {
      return problem;
    }
    if (Object.prototype.hasOwnProperty.call(buildArgs, name)) {
      return `build argument ${name} is given more than once`;
    }
    buildArgs[name] = value;
  }
  const [root, ...inputs] = positional;
  if (root === undefined || inputs.length === 0) {
    return "a repository root and at least one input are required";
  }
  return { root, inputs, buildArgs, platform: platform ?? DEFAULT_PLATFORM };
}

/**
 * Runs the CLI: prints the manifest and then `tag: <tag>` to stdout. Returns the exit code: 0 on
 * success, 1 when an input is unusable (the message goes to stderr), 2 for a usage error (the
 * reason and the usage line go to stderr).
 */
export function main(argv: readonly string[], out: CliOutput): number {
  const parsed = parseArguments(argv);
  if (typeof parsed === "string") {
    out.stderr.write(`image-tag: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  let result: ReturnType<typeof computeImageTag>;
  try {
    result = computeImageTag(parsed.root, parsed.inputs, parsed.buildArgs, {}, parsed.platform);
  } catch (error) {
    out.stderr.write(`image-tag: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  out.stdout.write(`${result.manifest}tag: ${result.tag}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process);
}
