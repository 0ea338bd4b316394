import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, as the engine would have received it. */
export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
  custom: boolean;
}

/** One provider function call the program made. */
export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

/** Resource options as the engine receives them (the mocks' own arguments omit these). */
export interface RecordedOptions {
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  protect: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  dependencies: string[];
  parent: string;
  /** Provider plugin version the SDK asked for ("" when none). */
  version: string;
  /** The `import` option: the id the engine imports the resource by ("" when none). */
  importId: string;
}

export type CallStub = (inputs: Record<string, unknown>) => Record<string, unknown>;

/**
 * Mocks that record every registered resource and every invoke. Invokes must be stubbed
 * explicitly: an unexpected call is a test failure, not a silent empty result.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly calls: RecordedCall[] = [];
  /** Options by `<type>::<name>`. */
  readonly options = new Map<string, RecordedOptions>();
  /** The URN the (mock) monitor gave each resource, by `<type>::<name>`. */
  readonly urns = new Map<string, string>();
  /** Plugin version requested by each invoke, in call order (parallel to `calls`). */
  readonly callVersions: string[] = [];
  private stubs = new Map<string, CallStub>();
  /** Extra outputs a test wants a resource type to report (e.g. a command's stdout). */
  private resourceOutputs = new Map<
    string,
    (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>
  >();

  reset(): void {
    this.resources.length = 0;
    this.calls.length = 0;
    this.options.clear();
    this.urns.clear();
    this.callVersions.length = 0;
    this.stubs.clear();
    this.resourceOutputs.clear();
  }

  stubCall(token: string, stub: CallStub): void {
    this.stubs.set(token, stub);
  }

  stubResourceOutputs(
    type: string,
    outputs: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>,
  ): void {
    this.resourceOutputs.set(type, outputs);
  }

  newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string | undefined;
    state: Record<string, unknown>;
  } {
    this.resources.push({
      type: args.type,
      name: args.name,
      inputs: args.inputs,
      provider: args.provider,
      custom: args.custom ?? true,
    });
    const extra = this.resourceOutputs.get(args.type)?.(args) ?? {};
    // Physical ids are derived from the logical name so that repeated runs are comparable.
    return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.calls.push({ token: args.token, inputs: args.inputs });
    const stub = this.stubs.get(args.token);
    if (!stub) {
      throw new Error(`unexpected call to ${args.token} (${JSON.stringify(args.inputs)})`);
    }
    return stub(args.inputs);
  }

  /** The options one resource was registered with; throws if it was not registered. */
  optionsOf(type: string, name: string): RecordedOptions {
    const found = this.options.get(`${type}::${name}`);
    if (!found) {
      throw new Error(`no resource ${type}::${name} was registered`);
    }
    return found;
  }

  /**
   * Every registered resource with its inputs and options, as JSON text in a fixed order (the
   * order registrations reach the engine follows promise timing, which the engine ignores).
   */
  snapshot(): string {
    const key = (r: RecordedResource) => `${r.type}::${r.name}`;
    return JSON.stringify(
      [...this.resources]
        .sort((a, b) => key(a).localeCompare(key(b)))
        .map((r) => ({ ...r, options: this.options.get(key(r)) })),
      null,
      1,
    );
  }

  /** Resources of one type token, in registration order. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The single resource with this type and logical name; throws if absent or ambiguous. */
  one(type: string, name?: string): RecordedResource {
    const found = this.resources.filter(
      (r) => r.type === type && (name === undefined || r.name === name),
    );
    if (found.length !== 1) {
      throw new Error(
        `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ` +
          JSON.stringify(this.resources.map((r) => `${r.type}::${r.name}`)),
      );
    }
    return found[0];
  }
}

/** The mocks every spec shares; installed once by the root hook in tests/hooks.ts. */
export const mocks = new RecordingMocks();

export const project = "buildenv";
export const defaultStack = "dev";

/**
 * Switches between preview and update. The same mocks instance is re-installed, so recording
 * continues; only the engine's dry-run flag and stack name change.
 */
export async function setMode(mode: "preview" | "update", stack = defaultStack): Promise<void> {
  await pulumi.runtime.setMocks(mocks, project, stack, mode === "preview");
  recordOptions();
}

/** The protobuf request fields read below (the SDK's generated accessors). */
interface RegisterRequest {
  getType(): string;
  getImportid(): string;
  getName(): string;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getDependenciesList(): string[];
  getParent(): string;
  getVersion(): string;
}

interface Monitor {
  registerResource(req: RegisterRequest, callback: unknown): unknown;
  invoke(req: { getVersion(): string }, callback: unknown): unknown;
}

// The mocks' newResource sees inputs only; options such as retainOnDelete are read from the
// request the SDK sends to the (mock) monitor, by wrapping it once per setMocks.
function recordOptions(): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  const invoke = monitor.invoke.bind(monitor);
  monitor.registerResource = (req, callback) => {
    mocks.options.set(`${req.getType()}::${req.getName()}`, {
      retainOnDelete: req.getRetainondelete(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      protect: req.getProtect(),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      dependencies: req.getDependenciesList(),
      parent: req.getParent(),
      version: req.getVersion(),
      importId: req.getImportid(),
    });
    const key = `${req.getType()}::${req.getName()}`;
    const recordUrn = (error: unknown, response: { getUrn?(): string } | undefined) => {
      const urn = response?.getUrn?.();
      if (urn) mocks.urns.set(key, urn);
      (callback as (error: unknown, response: unknown) => void)(error, response);
    };
    return register(req, recordUrn);
  };
  monitor.invoke = (req, callback) => {
    mocks.callVersions.push(req.getVersion());
    return invoke(req, callback);
  };
}

/** Resolves an output to its value (undefined when unknown during preview). */
export function unwrap<T>(output: pulumi.Input<T> | pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

/** Whether an output is marked secret. */
export async function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/**
 * Waits until every registration and invoke the program started has reached the mocks. The SDK
 * keeps them in one queue (what `pulumi.runtime.disconnect` drains); it is exported from the
 * runtime but not declared in its typings.
 */
export async function settle(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };
  await runtime.waitForRPCs();
}

/** Sets the whole stack config (namespaced keys, values as the CLI would pass them: strings). */
export function setConfig(config: Record<string, unknown>, secretKeys: string[] = []): void {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    flat[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(flat, secretKeys);
}

/** How a secret input reaches the mocks: wrapped in the SDK's secret envelope. */
export function secretEnvelope<T>(value: T): Record<string, unknown> {
  return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}

/** Whether a recorded input value arrived as a secret. */
export function isSecretInput(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] ===
      pulumi.runtime.specialSecretSig
  );
}

/** The plain value inside a secret envelope (or the value itself when it is not secret). */
export function reveal(value: unknown): unknown {
  return isSecretInput(value) ? (value as { value: unknown }).value : value;
}

/** Secret envelopes unwrapped at every depth, as the engine hands inputs to a policy pack. */
export function revealDeep(value: unknown): unknown {
  const plain = reveal(value);
  if (Array.isArray(plain)) return plain.map(revealDeep);
  if (plain && typeof plain === "object") {
    return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, revealDeep(v)]));
  }
  return plain;
}
