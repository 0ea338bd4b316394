/**
 * What the Pulumi engine would do between two evaluations of the program: per resource same,
 * update, replace, create or delete, decided the way the engine and the providers decide it,
 * from the inputs and options the mocks recorded. The first evaluation stands for the prior
 * state (the mocks echo inputs as outputs, so the state is what was registered).
 *
 * Rules, with their sources (see /tmp/research/pulumi.md of issue 8 for the excerpts):
 * - ignoreChanges paths take the old input values before anything is diffed (pulumi
 *   pkg/resource/deploy/step_generator.go `processIgnoreChanges`), and a bridged provider ignores
 *   them in its own diff too (pulumi-terraform-bridge pkg/tfbridge/provider.go:1184-1190).
 * - A changed input that the provider schema marks `willReplaceOnChanges` (or `replaceOnChanges`,
 *   as command 1.2.1 marks `triggers`: common/inputs.go:10) replaces the resource; so does a
 *   change under a path of the resource's `replaceOnChanges` option ("*" is every path;
 *   step_generator.go `applyReplaceOnChanges`). Any other changed input is an update; the
 *   docker-build provider never replaces (image.go:928-1056 reports only updates).
 * - A resource in the prior state that the new evaluation does not register is deleted; with
 *   `retainOnDelete` in the PRIOR state it is only dropped from state (step.go:620-634 uses the
 *   old state's flag), shown as `retain`. Deleting or replacing a `protect`ed resource fails.
 * - Component resources have no provider and no diff: they are same, created or deleted.
 */
import * as fs from "fs";
import * as path from "path";
import { dockerBuildContextHash } from "./dockerBuildContextHash";
import { RecordedOptions, RecordingMocks } from "./harness";

export type Operation = "same" | "update" | "replace" | "create" | "delete" | "retain";

/** One resource of an evaluation: its inputs and options as the engine received them. */
export interface PlannedResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  options: RecordedOptions;
}

/** One evaluation of the program, by `<type>::<name>`. */
export type Evaluation = Map<string, PlannedResource>;

export interface Step {
  op: Operation;
  /** Top-level inputs whose value changes (after ignoreChanges), sorted. */
  changed: string[];
  /** Of `changed`, those that force the replace, sorted. */
  replaceBecause: string[];
  /** For a replace: whether the old one goes first (deleteBeforeReplace). */
  deleteBeforeReplace?: boolean;
  /** For a replace: whether the old one is kept physically (its prior retainOnDelete). */
  retainOld?: boolean;
}

export type Plan = Map<string, Step>;

export interface CaptureOptions {
  /**
   * The project directory the run used (`runStack`'s `root`). When given, each docker-build
   * Image also carries `contextHash`, the hash its provider computes over the build context on
   * that disk (tests/dockerBuildContextHash.ts), which its Diff compares with the one in state: a change is
   * an update, a rebuild. Default: not modelled.
   */
  root?: string;
}

/** Captures what the mocks recorded in the last run (call after `runStack`). */
export function capture(mocks: RecordingMocks, options: CaptureOptions = {}): Evaluation {
  const evaluation: Evaluation = new Map();
  for (const r of mocks.resources) {
    const key = `${r.type}::${r.name}`;
    const inputs = JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown>;
    if (options.root !== undefined && r.type === "docker-build:index:Image") {
      const location = (inputs.context as { location: string }).location;
      const dockerfile = (inputs.dockerfile as { location: string } | undefined)?.location;
      inputs.contextHash = dockerBuildContextHash(
        path.resolve(options.root, location),
        path.resolve(options.root, dockerfile ?? path.join(location, "Dockerfile")),
      );
    }
    evaluation.set(key, {
      type: r.type,
      name: r.name,
      custom: r.custom,
      inputs,
      options: mocks.optionsOf(r.type, r.name),
    });
  }
  return evaluation;
}

interface SchemaProperty {
  willReplaceOnChanges?: boolean;
  replaceOnChanges?: boolean;
}

/** `$BUILDENV_SCHEMAS`, else the nearest `shared/schemas` above the repository (worktrees nest). */
function findSchemasDir(): string {
  if (process.env.BUILDENV_SCHEMAS) return process.env.BUILDENV_SCHEMAS;
  for (let dir = path.resolve(__dirname, "..", ".."); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "shared", "schemas");
    if (fs.existsSync(path.join(candidate, "docker.json"))) return candidate;
    if (path.dirname(dir) === dir)
      return path.resolve(__dirname, "..", "..", "..", "shared", "schemas");
  }
}

export const SCHEMAS_DIR = findSchemasDir();
let replaceKeysCache: Map<string, Set<string>> | undefined;

/** Whether the provider schemas are there to plan with (they are not part of the repository). */
export function schemasAvailable(): boolean {
  return fs.existsSync(path.join(SCHEMAS_DIR, "docker.json"));
}

/** Input properties whose change replaces a resource, by type token, from every schema. */
export function replaceKeysByType(): Map<string, Set<string>> {
  if (replaceKeysCache) return replaceKeysCache;
  const map = new Map<string, Set<string>>();
  for (const file of fs.readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith(".json"))) {
    const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, file), "utf8")) as {
      resources?: Record<string, { inputProperties?: Record<string, SchemaProperty> }>;
    };
    for (const [token, resource] of Object.entries(schema.resources ?? {})) {
      const keys = Object.entries(resource.inputProperties ?? {})
        .filter(([, p]) => p.willReplaceOnChanges === true || p.replaceOnChanges === true)
        .map(([k]) => k);
      map.set(token, new Set(keys));
    }
  }
  replaceKeysCache = map;
  return map;
}

/** Splits an ignoreChanges/replaceOnChanges path into its top-level key and the rest. */
function topKey(propertyPath: string): string {
  const match = /^([^.[]+)/.exec(propertyPath);
  return match ? match[1] : propertyPath;
}

function setPath(target: Record<string, unknown>, propertyPath: string, value: unknown): void {
  const parts = propertyPath.split(/\.|\[|\]/).filter((p) => p !== "");
  let cursor: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof cursor[part] !== "object" || cursor[part] === null) return;
    cursor = cursor[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete cursor[last];
  else cursor[last] = value;
}

function getPath(source: Record<string, unknown>, propertyPath: string): unknown {
  let cursor: unknown = source;
  for (const part of propertyPath.split(/\.|\[|\]/).filter((p) => p !== "")) {
    if (typeof cursor !== "object" || cursor === null) return undefined;
    cursor = (cursor as Record<string, unknown>)[part];
  }
  return cursor;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The step for one resource present in both evaluations. */
export function diffResource(old: PlannedResource, next: PlannedResource): Step {
  if (!next.custom) {
    return { op: "same", changed: [], replaceBecause: [] };
  }
  const inputs = JSON.parse(JSON.stringify(next.inputs)) as Record<string, unknown>;
  for (const ignored of next.options.ignoreChanges) {
    setPath(inputs, ignored, getPath(old.inputs, ignored));
  }
  const keys = [...new Set([...Object.keys(old.inputs), ...Object.keys(inputs)])].sort();
  const changed = keys.filter((k) => !same(old.inputs[k], inputs[k]));
  if (changed.length === 0) {
    return { op: "same", changed, replaceBecause: [] };
  }
  const schemaKeys = replaceKeysByType().get(next.type);
  if (!schemaKeys && !next.type.startsWith("pulumi:providers:")) {
    throw new Error(`no provider schema declares ${next.type}; cannot tell update from replace`);
  }
  const optionKeys = next.options.replaceOnChanges;
  const replaceBecause = changed.filter(
    (k) => (schemaKeys?.has(k) ?? false) || optionKeys.some((p) => p === "*" || topKey(p) === k),
  );
  if (replaceBecause.length === 0) {
    return { op: "update", changed, replaceBecause };
  }
  if (old.options.protect) {
    throw new Error(`${next.type}::${next.name} is protected; the engine refuses to replace it`);
  }
  return {
    op: "replace",
    changed,
    replaceBecause,
    deleteBeforeReplace: next.options.deleteBeforeReplace,
    retainOld: old.options.retainOnDelete,
  };
}

/**
 * What `pulumi up` would do to go from `prior` (undefined: an empty stack, e.g. after
 * `pulumi destroy`) to `next`.
 */
export function plan(prior: Evaluation | undefined, next: Evaluation): Plan {
  const result: Plan = new Map();
  for (const [key, resource] of next) {
    const old = prior?.get(key);
    result.set(
      key,
      old ? diffResource(old, resource) : { op: "create", changed: [], replaceBecause: [] },
    );
  }
  for (const [key, old] of prior ?? new Map<string, PlannedResource>()) {
    if (!next.has(key)) {
      result.set(key, deletion(key, old));
    }
  }
  return result;
}

function deletion(key: string, old: PlannedResource): Step {
  if (old.options.protect) {
    throw new Error(`${key} is protected; the engine refuses to delete it`);
  }
  return { op: old.options.retainOnDelete ? "retain" : "delete", changed: [], replaceBecause: [] };
}

/** What `pulumi destroy` does to every resource of a state: delete, or retain (retainOnDelete). */
export function destroyPlan(prior: Evaluation): Plan {
  const result: Plan = new Map();
  for (const [key, old] of prior) {
    result.set(key, deletion(key, old));
  }
  return result;
}

/** Resources by operation, each list sorted: the shape scenario tests assert exactly. */
export function byOperation(p: Plan): Partial<Record<Operation, string[]>> {
  const out: Partial<Record<Operation, string[]>> = {};
  for (const [key, step] of [...p].sort(([a], [b]) => a.localeCompare(b))) {
    (out[step.op] ??= []).push(key);
  }
  return out;
}

/** Everything that is not `same`, with what changed: the shape for exact assertions. */
export function changes(p: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, step] of [...p].sort(([a], [b]) => a.localeCompare(b))) {
    if (step.op === "same") continue;
    const why =
      step.op === "replace"
        ? ` (${step.replaceBecause.join(", ")}${step.changed.length > step.replaceBecause.length ? `; also ${step.changed.filter((c) => !step.replaceBecause.includes(c)).join(", ")}` : ""})`
        : step.op === "update"
          ? ` (${step.changed.join(", ")})`
          : "";
    out[key] = `${step.op}${why}`;
  }
  return out;
}
