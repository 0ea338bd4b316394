/**
 * The `output` verb's registry side, apart from env.ts: `output --from` (the registry only, no
 * engine) and `output --push` (the archive `output` writes, then pushed; outputRegistry.ts).
 */
import * as path from "path";
import { EnvCommand } from "./args";
import { OutputRegistryDeps, fetchOutput, outputRegistryOf, pushOutput } from "./outputRegistry";
import { StackOutputs } from "./outputs";
import { CliOutput } from "./process";
import { HttpFetch } from "./registryClient";
import { sourceTreeId } from "./sourceTree";

type OutputCommand = Extract<EnvCommand, { verb: "output" }>;

/** What the verb takes from EnvDeps. */
export interface OutputVerbDeps {
  /** Default the global fetch. */
  fetch?: HttpFetch;
  /** Default the clock. */
  now?: () => Date;
  out: CliOutput;
}

function registryDeps(deps: OutputVerbDeps): OutputRegistryDeps {
  return {
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    now: deps.now ?? (() => new Date()),
    log: (line) => deps.out.stderr.write(`env: ${line}\n`),
    progress: deps.out.stderr,
    print: (line) => deps.out.stdout.write(`${line}\n`),
  };
}

/** The archive `output` writes by default. */
export function defaultArchive(stack: string): string {
  return `buildenv-${stack}-output.tar.gz`;
}

/**
 * `output --from <reference|tag> [--to <file>]`: the pushed archive back into the file (default
 * as `output`'s). A bare tag is one of the stack's output repository.
 *
 * @param baseDir where a relative `--to` starts.
 */
export function outputFrom(
  command: OutputCommand,
  stack: string,
  outputs: StackOutputs,
  deps: OutputVerbDeps,
  baseDir: string,
): Promise<number> {
  const target = path.resolve(baseDir, command.to ?? defaultArchive(stack));
  const registry = outputs.outputRepository ? outputRegistryOf(outputs, stack) : undefined;
  return fetchOutput(command.from!, target, registry, registryDeps(deps));
}

/**
 * `output [--to <file>] [--push [--source <dir> | --tag <tag>]]`: `writeArchive` writes the
 * archive; with --push it is then pushed, tagged with --tag or the tree id of --source (default
 * the base directory). The registry and the tag are settled first, so a stack without a registry
 * or a source without a tree id fails before the volume is read.
 */
export async function outputVerb(
  command: OutputCommand,
  stack: string,
  outputs: StackOutputs,
  deps: OutputVerbDeps,
  baseDir: string,
  writeArchive: () => Promise<string>,
): Promise<number> {
  if (!command.push) {
    await writeArchive();
    return 0;
  }
  const registry = outputRegistryOf(outputs, stack);
  const tag = command.tag ?? sourceTreeId(path.resolve(baseDir, command.source ?? "."));
  const archive = await writeArchive();
  return pushOutput(
    archive,
    tag,
    registry,
    `buildenv output of stack ${stack}`,
    registryDeps(deps),
  );
}
