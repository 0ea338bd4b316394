import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import { mocks, setConfig, settle, unwrap } from "./harness";

// Checks a local stand-in for a published provider SDK (sdks/<name>) against the provider schema
// the real SDK is generated from. Everything is discovered from the installed package (its .d.ts
// and its JavaScript), so a class or function added later is checked without touching this file.
// tests/<name>-sdk.test.ts call describeSdkStandIn once per stand-in.

const schemaDir =
  process.env.BUILDENV_SCHEMAS ?? path.resolve(__dirname, "../../../shared/schemas");

/** What one stand-in is checked for. */
export interface StandInSpec {
  /** The published package name, e.g. `@pulumi/vsphere`. */
  packageName: string;
  /** The published SDK version this stand-in replaces; the engine fetches this plugin version. */
  pinnedVersion: string;
  /** The schema file in the schemas folder, e.g. `vsphere.json`. */
  schemaFileName: string;
  /** Where every registration tells the engine to download the plugin from ("" for none). */
  pluginDownloadURL: string;
  /** The package.json `pulumi` block, exactly. */
  pulumiBlock: Record<string, unknown>;
  /** The loaded package (`import * as x from "<packageName>"`). */
  module: unknown;
  /** Classes and functions buildenv uses, so the generic checks are not vacuous. */
  classes: string[];
  functions: string[];
  /** At least this many required inputs exist across the classes. */
  minRequiredInputs: number;
  /** Stack config to set, and the `config` values the package must then read. */
  config: { set: Record<string, unknown>; expect: Record<string, unknown> };
}

/**
 * Schema object types the SDK declares in two forms in `types.input` (`X` plain and `XArgs` with
 * inputs), because a function takes them as plain arguments. Types only resources use have one
 * input form, `X`, whose properties are inputs (pulumi-language-nodejs' naming).
 */
let typesWithArgsForm = new Set<string>();

// ---- The parts of a Pulumi package schema these checks read ----

interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  secret?: boolean;
}

interface SchemaObject {
  properties?: Record<string, SchemaProperty>;
  required?: string[];
}

interface SchemaResource {
  properties?: Record<string, SchemaProperty>;
  required?: string[];
  inputProperties?: Record<string, SchemaProperty>;
  requiredInputs?: string[];
  stateInputs?: SchemaObject;
}

interface SchemaFunction {
  inputs?: SchemaObject;
  outputs?: SchemaObject;
}

interface PackageSchema {
  name: string;
  config?: { variables?: Record<string, SchemaProperty> };
  provider: SchemaResource;
  resources: Record<string, SchemaResource>;
  functions: Record<string, SchemaFunction>;
  types?: Record<string, SchemaObject>;
}

// ---- What the package declares, as read from its .d.ts files ----

interface DeclaredProperty {
  name: string;
  optional: boolean;
  typeText: string;
}

interface DeclaredInterface {
  name: string;
  properties: DeclaredProperty[];
}

interface DeclaredParameter {
  optional: boolean;
  type: DeclaredInterface;
}

interface DeclaredClass {
  className: string;
  args?: DeclaredParameter;
  state?: DeclaredParameter;
  outputs: DeclaredProperty[];
}

interface DeclaredFunction {
  name: string;
  args?: DeclaredParameter;
  result: DeclaredInterface;
  outputForm?: { args?: DeclaredParameter; returnTypeText: string };
}

interface DeclaredPackage {
  dir: string;
  packageJson: { name?: string; version?: string; types?: string; pulumi?: unknown };
  exportedTypeNames: Set<string>;
  classes: DeclaredClass[];
  functions: DeclaredFunction[];
  nestedInputTypes: Map<string, DeclaredInterface>;
  nestedOutputTypes: Map<string, DeclaredInterface>;
  configVariables: DeclaredProperty[];
  diagnostics: string[];
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/**
 * Type texts are compared after removing formatting and `| undefined`: optionality is checked
 * separately (via `?` and the schema's required lists), and codegen versions differ in whether
 * they spell it out.
 */
function normalizeTypeText(text: string): string {
  return text
    .replace(/\s+/g, "")
    .replace(/[;,]}/g, "}")
    .replace(/\|undefined/g, "");
}

function readPackage(packageName: string): DeclaredPackage {
  const dir = path.dirname(require.resolve(`${packageName}/package.json`));
  const packageJson = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const entry = path.join(dir, packageJson.types ?? "index.d.ts");
  const program = ts.createProgram([entry], {
    strict: true,
    noEmit: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  const checker = program.getTypeChecker();
  const inPackage = (file: ts.SourceFile): boolean =>
    !path.relative(dir, file.fileName).startsWith("..");

  // Only the package's own files: checking all of @pulumi/pulumi's typings would take minutes.
  const diagnostics = program
    .getSourceFiles()
    .filter(inPackage)
    .flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ])
    .map(
      (d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );

  const resolve = (symbol: ts.Symbol): ts.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const moduleExports = (moduleSymbol: ts.Symbol): Map<string, ts.Symbol> =>
    new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.getName(), resolve(s)]));

  const propertyOf = (symbol: ts.Symbol): DeclaredProperty => {
    const declaration = symbol.valueDeclaration;
    const typeNode =
      declaration && (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration))
        ? declaration.type
        : declaration && ts.isVariableDeclaration(declaration)
          ? declaration.type
          : undefined;
    return {
      name: symbol.getName(),
      optional: (symbol.flags & ts.SymbolFlags.Optional) !== 0,
      typeText: typeNode ? typeNode.getText() : "<no type annotation>",
    };
  };
  const interfaceOf = (type: ts.Type): DeclaredInterface => ({
    name: (type.aliasSymbol ?? type.getSymbol())?.getName() ?? checker.typeToString(type),
    properties: checker.getPropertiesOfType(type).map(propertyOf),
  });
  const parameterOf = (parameter: ts.Symbol | undefined): DeclaredParameter | undefined => {
    if (!parameter || parameter.getName() === "opts") {
      return undefined;
    }
    const declaration = parameter.valueDeclaration as ts.ParameterDeclaration;
    const type = checker.getNonNullableType(checker.getTypeOfSymbol(parameter));
    return { optional: declaration.questionToken !== undefined, type: interfaceOf(type) };
  };
  const declaredInPackage = (symbol: ts.Symbol): boolean =>
    (symbol.declarations ?? []).some((d) => inPackage(d.getSourceFile()));

  const root = moduleExports(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);
  const exportedTypeNames = new Set<string>();
  const classes: DeclaredClass[] = [];
  const callables = new Map<string, ts.Signature>();
  for (const [name, symbol] of root) {
    if (
      symbol.flags &
      (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class)
    ) {
      exportedTypeNames.add(name);
    }
    if (
      !(symbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Class | ts.SymbolFlags.Function))
    ) {
      continue;
    }
    const type = checker.getTypeOfSymbol(symbol);
    const [construct] = type.getConstructSignatures();
    if (construct) {
      const getter = checker.getPropertyOfType(type, "get");
      const [getSignature] = getter ? checker.getTypeOfSymbol(getter).getCallSignatures() : [];
      classes.push({
        className: name,
        args: parameterOf(construct.getParameters()[1]),
        state: getSignature ? parameterOf(getSignature.getParameters()[2]) : undefined,
        outputs: checker
          .getPropertiesOfType(construct.getReturnType())
          .filter((p) => p.flags & ts.SymbolFlags.Property && declaredInPackage(p))
          .map(propertyOf),
      });
      continue;
    }
    const [call] = type.getCallSignatures();
    if (call) {
      callables.set(name, call);
    }
  }

  const functions: DeclaredFunction[] = [];
  for (const [name, call] of callables) {
    if (name.endsWith("Output") && callables.has(name.slice(0, -"Output".length))) {
      continue;
    }
    const outputCall = callables.get(`${name}Output`);
    const outputDeclaration = outputCall?.getDeclaration();
    functions.push({
      name,
      args: parameterOf(call.getParameters()[0]),
      result: interfaceOf(checker.getAwaitedType(call.getReturnType()) ?? call.getReturnType()),
      outputForm: outputCall && {
        args: parameterOf(outputCall.getParameters()[0]),
        returnTypeText: outputDeclaration?.type?.getText() ?? "<no return type>",
      },
    });
  }

  const namespaceExports = (symbol: ts.Symbol | undefined): Map<string, ts.Symbol> =>
    symbol && symbol.flags & ts.SymbolFlags.ValueModule ? moduleExports(symbol) : new Map();
  const interfacesOf = (symbol: ts.Symbol | undefined): Map<string, DeclaredInterface> =>
    new Map(
      [...namespaceExports(symbol)]
        .filter(([, s]) => s.flags & ts.SymbolFlags.Interface)
        .map(([n, s]) => [n, interfaceOf(checker.getDeclaredTypeOfSymbol(s))]),
    );
  const typesModule = namespaceExports(root.get("types"));

  return {
    dir,
    packageJson,
    exportedTypeNames,
    classes,
    functions,
    nestedInputTypes: interfacesOf(typesModule.get("input")),
    nestedOutputTypes: interfacesOf(typesModule.get("output")),
    configVariables: [...namespaceExports(root.get("config")).values()].map(propertyOf),
    diagnostics,
  };
}

// ---- Expected TypeScript spellings of schema types, as pulumi-language-nodejs writes them ----

type RefKind = "inputs" | "outputs";

function refName(ref: string): string {
  const local = /^#\/types\/[^:]+:[^:]+:(.+)$/.exec(ref);
  if (!local) {
    throw new Error(`unsupported schema $ref ${ref}`);
  }
  return upperFirst(local[1]);
}

/** A plain (resolved) value: function arguments and results, resource outputs, config. */
function plainTypeText(p: SchemaProperty, kind: RefKind): string {
  if (p.$ref === "pulumi.json#/Any") return "any";
  if (p.$ref) return `${kind}.${refName(p.$ref)}`;
  if (p.type === "array") return `${plainTypeText(p.items!, kind)}[]`;
  if (p.type === "object" && p.additionalProperties) {
    return `{[key:string]:${plainTypeText(p.additionalProperties, kind)}}`;
  }
  if (p.type === "integer" || p.type === "number") return "number";
  if (p.type === "string" || p.type === "boolean") return p.type;
  throw new Error(`unsupported schema type ${JSON.stringify(p)}`);
}

/** The value inside `pulumi.Input<...>` for resource arguments and Output-form function arguments. */
function inputValueTypeText(p: SchemaProperty): string {
  if (p.$ref === "pulumi.json#/Any") return "any";
  if (p.$ref) {
    const name = refName(p.$ref);
    return typesWithArgsForm.has(p.$ref.slice("#/types/".length))
      ? `inputs.${name}Args`
      : `inputs.${name}`;
  }
  if (p.type === "array") return `pulumi.Input<${inputValueTypeText(p.items!)}>[]`;
  if (p.type === "object" && p.additionalProperties) {
    return `{[key:string]:pulumi.Input<${inputValueTypeText(p.additionalProperties)}>}`;
  }
  return plainTypeText(p, "inputs");
}

const inputTypeText = (p: SchemaProperty): string => `pulumi.Input<${inputValueTypeText(p)}>`;
const outputTypeText = (p: SchemaProperty): string =>
  `pulumi.Output<${plainTypeText(p, "outputs")}>`;

/** Schema `$ref`s reachable from these properties, by local type token. */
function referencedTypes(properties: Record<string, SchemaProperty>, into: Set<string>): void {
  const visit = (p: SchemaProperty): void => {
    if (p.$ref?.startsWith("#/types/")) into.add(p.$ref.slice("#/types/".length));
    if (p.items) visit(p.items);
    if (p.additionalProperties) visit(p.additionalProperties);
  };
  Object.values(properties).forEach(visit);
}

/**
 * Differences between declared properties and the schema's, one readable line each: unknown or
 * missing names, optionality that disagrees with the schema's required list, and type spellings.
 */
function compareProperties(
  where: string,
  declared: DeclaredProperty[],
  schema: Record<string, SchemaProperty>,
  required: string[],
  expectedType: (p: SchemaProperty) => string,
): string[] {
  const problems: string[] = [];
  const byName = new Map(declared.map((p) => [p.name, p]));
  for (const name of sorted(byName.keys())) {
    if (!(name in schema))
      problems.push(`${where}: declares '${name}', which the schema does not have`);
  }
  for (const [name, property] of Object.entries(schema).sort(([a], [b]) => a.localeCompare(b))) {
    const mine = byName.get(name);
    if (!mine) {
      problems.push(`${where}: missing '${name}'${required.includes(name) ? " (required)" : ""}`);
      continue;
    }
    const mustBeRequired = required.includes(name);
    if (mine.optional === mustBeRequired) {
      problems.push(
        `${where}: '${name}' is ${mine.optional ? "optional" : "required"} but the schema has it ` +
          `${mustBeRequired ? "required" : "optional"}`,
      );
    }
    const want = normalizeTypeText(expectedType(property));
    if (normalizeTypeText(mine.typeText) !== want) {
      problems.push(`${where}: '${name}' is typed ${mine.typeText}, expected ${want}`);
    }
  }
  return problems;
}

/** Output properties of a resource class: required ones are `Output<T>`, others `Output<T | undefined>`. */
function compareOutputs(
  where: string,
  declared: DeclaredProperty[],
  schema: Record<string, SchemaProperty>,
  required: string[],
): string[] {
  const asOptionalFlag = declared.map((p) => ({
    ...p,
    optional: /\|\s*undefined\s*>\s*$/.test(p.typeText),
  }));
  return compareProperties(where, asOptionalFlag, schema, required, outputTypeText);
}

function compareParameter(
  where: string,
  expectedName: string,
  declared: DeclaredParameter | undefined,
  schema: SchemaObject | undefined,
  expectedType: (p: SchemaProperty) => string,
): string[] {
  const required = schema?.required ?? [];
  if (!declared) {
    return schema?.properties ? [`${where}: no ${expectedName} parameter`] : [];
  }
  const problems: string[] = [];
  if (declared.type.name !== expectedName) {
    problems.push(
      `${where}: argument type is named ${declared.type.name}, expected ${expectedName}`,
    );
  }
  if (declared.optional !== (required.length === 0)) {
    problems.push(
      `${where}: the ${expectedName} parameter is ${declared.optional ? "optional" : "required"} but the schema requires ${JSON.stringify(required)}`,
    );
  }
  return [
    ...problems,
    ...compareProperties(
      `${where} ${expectedName}`,
      declared.type.properties,
      schema?.properties ?? {},
      required,
      expectedType,
    ),
  ];
}

function isProviderClass(constructor: unknown): boolean {
  return (
    typeof constructor === "function" && constructor.prototype instanceof pulumi.ProviderResource
  );
}

/** The token the class registers under, from its JavaScript (`__pulumiType` is internal to the .d.ts). */
function runtimeToken(className: string): string {
  const constructor = member<{ __pulumiType?: unknown }>(className);
  const token = constructor?.__pulumiType;
  if (typeof token !== "string") {
    throw new Error(`${className} has no static __pulumiType in the package's JavaScript`);
  }
  return isProviderClass(constructor) ? `pulumi:providers:${token}` : token;
}

function schemaForClass(schema: PackageSchema, className: string, token: string): SchemaResource {
  const found =
    token === `pulumi:providers:${schema.name}` ? schema.provider : schema.resources[token];
  if (!found) throw new Error(`${className}: token ${token} is not a resource of the schema`);
  return found;
}

function checkClass(
  schema: PackageSchema,
  pkg: DeclaredPackage,
  declared: DeclaredClass,
): string[] {
  const name = declared.className;
  const token = runtimeToken(name);
  const isProvider = token.startsWith("pulumi:providers:");
  const expectedToken = isProvider
    ? `pulumi:providers:${schema.name}`
    : `${schema.name}:index/${lowerFirst(name)}:${name}`;
  if (token !== expectedToken) {
    return [
      `${name}: registers as ${token}, but the class of that name in the schema is ${expectedToken}`,
    ];
  }
  const resource = schemaForClass(schema, name, token);
  const problems = [
    ...compareParameter(
      `${token}`,
      `${name}Args`,
      declared.args,
      { properties: resource.inputProperties, required: resource.requiredInputs },
      inputTypeText,
    ),
  ];
  for (const typeName of [`${name}Args`, ...(isProvider ? [] : [`${name}State`])]) {
    if (!pkg.exportedTypeNames.has(typeName))
      problems.push(`${token}: ${typeName} is not exported from the package`);
  }
  if (isProvider) {
    if (declared.state) problems.push(`${token}: a provider has no state lookup`);
    // Provider outputs only surface string-typed configuration, as in every generated SDK.
    const stringProperties = Object.fromEntries(
      Object.entries(resource.properties ?? {}).filter(([, p]) => p.type === "string"),
    );
    problems.push(
      ...compareOutputs(
        `${token} outputs`,
        declared.outputs,
        stringProperties,
        resource.required ?? [],
      ),
    );
  } else {
    const stateSchema = { properties: resource.stateInputs?.properties ?? {}, required: [] };
    problems.push(
      ...compareParameter(
        `${token} get()`,
        `${name}State`,
        declared.state,
        stateSchema,
        inputTypeText,
      ),
    );
    problems.push(
      ...compareOutputs(
        `${token} outputs`,
        declared.outputs,
        resource.properties ?? {},
        resource.required ?? [],
      ),
    );
  }
  return problems;
}

function checkFunction(
  schema: PackageSchema,
  pkg: DeclaredPackage,
  declared: DeclaredFunction,
): string[] {
  const token = `${schema.name}:index/${declared.name}:${declared.name}`;
  const fn = schema.functions[token];
  if (!fn) return [`${declared.name}: ${token} is not a function of the schema`];
  const typeBase = upperFirst(declared.name);
  const problems: string[] = [];
  for (const typeName of [`${typeBase}Args`, `${typeBase}OutputArgs`, `${typeBase}Result`]) {
    if (fn.inputs || !typeName.endsWith("Args")) {
      if (!pkg.exportedTypeNames.has(typeName))
        problems.push(`${token}: ${typeName} is not exported from the package`);
    }
  }
  problems.push(
    ...compareParameter(token, `${typeBase}Args`, declared.args, fn.inputs, (p) =>
      plainTypeText(p, "inputs"),
    ),
  );
  if (declared.result.name !== `${typeBase}Result`) {
    problems.push(
      `${token}: result type is named ${declared.result.name}, expected ${typeBase}Result`,
    );
  }
  problems.push(
    ...compareProperties(
      `${token} ${typeBase}Result`,
      declared.result.properties,
      fn.outputs?.properties ?? {},
      fn.outputs?.required ?? [],
      (p) => plainTypeText(p, "outputs"),
    ),
  );
  if (!declared.outputForm) {
    problems.push(`${token}: no ${declared.name}Output form`);
  } else {
    problems.push(
      ...compareParameter(
        `${token} (Output form)`,
        `${typeBase}OutputArgs`,
        declared.outputForm.args,
        fn.inputs,
        inputTypeText,
      ),
    );
    const want = `pulumi.Output<${typeBase}Result>`;
    if (normalizeTypeText(declared.outputForm.returnTypeText) !== want) {
      problems.push(
        `${token}: ${declared.name}Output returns ${declared.outputForm.returnTypeText}, expected ${want}`,
      );
    }
  }
  return problems;
}

/** Schema type tokens that function arguments take, directly or nested. */
function functionInputTypes(schema: PackageSchema): Set<string> {
  const used = new Set<string>();
  for (const fn of Object.values(schema.functions))
    referencedTypes(fn.inputs?.properties ?? {}, used);
  for (const token of used) referencedTypes(schema.types?.[token]?.properties ?? {}, used);
  return used;
}

/** Schema type tokens referenced by everything the package declares. */
function typesInUse(schema: PackageSchema, pkg: DeclaredPackage): Set<string> {
  const used = new Set<string>();
  for (const declared of pkg.classes) {
    const resource = schemaForClass(schema, declared.className, runtimeToken(declared.className));
    referencedTypes({ ...resource.inputProperties, ...resource.properties }, used);
  }
  for (const declared of pkg.functions) {
    const fn = schema.functions[`${schema.name}:index/${declared.name}:${declared.name}`];
    referencedTypes({ ...fn?.inputs?.properties, ...fn?.outputs?.properties }, used);
  }
  // Object types can nest further object types.
  for (const token of used) referencedTypes(schema.types?.[token]?.properties ?? {}, used);
  return used;
}

function checkNestedTypes(schema: PackageSchema, pkg: DeclaredPackage): string[] {
  const problems: string[] = [];
  for (const token of sorted(typesInUse(schema, pkg))) {
    const type = schema.types?.[token];
    if (!type) {
      problems.push(`schema type ${token} is referenced but not defined in the schema`);
      continue;
    }
    const name = refName(`#/types/${token}`);
    const expectations: [Map<string, DeclaredInterface>, string, (p: SchemaProperty) => string][] =
      typesWithArgsForm.has(token)
        ? [
            [pkg.nestedInputTypes, name, (p) => plainTypeText(p, "inputs")],
            [pkg.nestedInputTypes, `${name}Args`, inputTypeText],
            [pkg.nestedOutputTypes, name, (p) => plainTypeText(p, "outputs")],
          ]
        : [
            [pkg.nestedInputTypes, name, inputTypeText],
            [pkg.nestedOutputTypes, name, (p) => plainTypeText(p, "outputs")],
          ];
    for (const [declaredTypes, typeName, expectedType] of expectations) {
      const kind = declaredTypes === pkg.nestedOutputTypes ? "output" : "input";
      const declared = declaredTypes.get(typeName);
      if (!declared) {
        problems.push(`types.${kind}.${typeName} (${token}) is not declared`);
        continue;
      }
      problems.push(
        ...compareProperties(
          `types.${kind}.${typeName}`,
          declared.properties,
          type.properties ?? {},
          type.required ?? [],
          expectedType,
        ),
      );
    }
  }
  return problems;
}

// ---- Sample values: deterministic and, where the type allows, distinct per property ----

function sampleValue(
  schema: PackageSchema,
  p: SchemaProperty,
  label: string,
  ordinal: number,
): unknown {
  if (p.$ref?.startsWith("#/types/")) {
    return sampleObject(
      schema,
      schema.types?.[p.$ref.slice("#/types/".length)]?.properties ?? {},
      label,
    );
  }
  if (p.type === "array") return [sampleValue(schema, p.items!, `${label}-0`, ordinal)];
  if (p.type === "object" && p.additionalProperties) {
    return {
      [`${label}-key`]: sampleValue(schema, p.additionalProperties, `${label}-value`, ordinal),
    };
  }
  if (p.type === "integer" || p.type === "number") return 1000 + ordinal;
  // Booleans can differ only pairwise: alternate them so neighbours that get swapped show up.
  if (p.type === "boolean") return ordinal % 2 === 0;
  return `${label}-value`;
}

/** One value per property; the ordinal counts properties of the same type, in schema order. */
function sampleObject(
  schema: PackageSchema,
  properties: Record<string, SchemaProperty>,
  prefix = "",
): Record<string, unknown> {
  const seen = new Map<string, number>();
  return Object.fromEntries(
    Object.entries(properties).map(([name, p]) => {
      const kind = p.type ?? p.$ref ?? "";
      const ordinal = seen.get(kind) ?? 0;
      seen.set(kind, ordinal + 1);
      return [name, sampleValue(schema, p, `${prefix}${name}`, ordinal)];
    }),
  );
}

// ---- What the SDK sends to the engine, captured at the resource monitor ----

interface SentRequest {
  kind: "register" | "read" | "invoke";
  token: string;
  name: string;
  version: string;
  pluginDownloadURL: string;
  additionalSecretOutputs: string[];
  secretInputs: string[];
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}

interface MonitorRequest {
  getType?(): string;
  getTok?(): string;
  getName?(): string;
  getVersion(): string;
  getPlugindownloadurl?(): string;
  getAdditionalsecretoutputsList?(): string[];
  getObject?(): ProtoStruct | undefined;
  getProperties?(): ProtoStruct | undefined;
}

type MonitorCallback = (error: unknown, response: unknown) => void;
type MonitorMethod = (request: MonitorRequest, callback: MonitorCallback) => unknown;

// Well-known signature of a serialized secret value (the Pulumi RPC wire format).
const specialSigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

function secretKeys(struct: ProtoStruct | undefined): string[] {
  const object = struct?.toJavaScript() ?? {};
  return sorted(
    Object.keys(object).filter(
      (k) => (object[k] as Record<string, unknown> | null)?.[specialSigKey] === secretSig,
    ),
  );
}

/**
 * Records every request the SDK sends to the (mock) resource monitor: the mocks see the type and
 * inputs, but not the version or secret options, which is what selects the real plugin and keeps
 * secrets out of state.
 */
async function captureMonitorRequests<T>(
  body: () => Promise<T>,
): Promise<{ result: T; sent: SentRequest[] }> {
  const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, MonitorMethod>;
  const sent: SentRequest[] = [];
  // A failed invoke leaves an Output that never resolves; failing here turns a hang into a message.
  let reportFailure: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (reportFailure = reject));
  failure.catch(() => undefined);
  const wrap = (
    method: "registerResource" | "readResource" | "invoke",
    kind: SentRequest["kind"],
  ): void => {
    const original = monitor[method];
    monitor[method] = function (this: unknown, request: MonitorRequest, callback: MonitorCallback) {
      const token = request.getTok?.() ?? request.getType?.() ?? "";
      sent.push({
        kind,
        token,
        name: request.getName?.() ?? "",
        version: request.getVersion(),
        pluginDownloadURL: request.getPlugindownloadurl?.() ?? "",
        additionalSecretOutputs: sorted(request.getAdditionalsecretoutputsList?.() ?? []),
        secretInputs: secretKeys(request.getObject?.() ?? request.getProperties?.()),
      });
      return original.call(this, request, (error, response) => {
        if (error) reportFailure(new Error(`${kind} of ${token} failed: ${String(error)}`));
        callback(error, response);
      });
    };
  };
  wrap("registerResource", "register");
  wrap("readResource", "read");
  wrap("invoke", "invoke");
  try {
    const result = await Promise.race([body(), failure]);
    await Promise.race([settle(), failure]);
    return { result, sent };
  } finally {
    // The wrappers are own properties shadowing the monitor's prototype methods.
    delete monitor.registerResource;
    delete monitor.readResource;
    delete monitor.invoke;
  }
}

function secretNames(properties: Record<string, SchemaProperty> | undefined): string[] {
  return sorted(
    Object.entries(properties ?? {})
      .filter(([, p]) => p.secret)
      .map(([n]) => n),
  );
}

type ResourceConstructor = new (
  name: string,
  args?: unknown,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.Resource;
type ResourceClass = ResourceConstructor & {
  get?: (name: string, id: string, state?: unknown) => pulumi.Resource;
  isInstance(obj: unknown): boolean;
};
type InvokeFunction = (args?: unknown, opts?: pulumi.InvokeOptions) => Promise<unknown>;
type InvokeOutputFunction = (args?: unknown) => pulumi.Output<unknown>;

/** The message a synchronous call throws with, or undefined if it returns. */
function errorMessageOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}

let loadedModule: unknown;

function member<T>(name: string): T {
  return (loadedModule as Record<string, T>)[name];
}

/** Registers the mocha suite that checks one stand-in. */
export function describeSdkStandIn(spec: StandInSpec): void {
  const { packageName, pinnedVersion } = spec;
  let schema: PackageSchema;
  let pkg: DeclaredPackage;

  describe(`${packageName} stand-in`, function () {
    before(function () {
      // Building a TypeScript program over the package and @pulumi/pulumi's typings takes seconds.
      this.timeout(120_000);
      const schemaFile = path.join(schemaDir, spec.schemaFileName);
      if (!fs.existsSync(schemaFile)) {
        console.log(
          `skipping: no provider schema at ${schemaFile} (set BUILDENV_SCHEMAS to its folder)`,
        );
        this.skip();
      }
      schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as PackageSchema;
      loadedModule = spec.module;
      typesWithArgsForm = functionInputTypes(schema);
      pkg = readPackage(packageName);
    });

    it("has the published package name, version and plugin block", function () {
      assert.equal(pkg.packageJson.name, packageName);
      assert.equal(pkg.packageJson.version, pinnedVersion);
      assert.deepStrictEqual(pkg.packageJson.pulumi, spec.pulumiBlock);
    });

    it("declares at least the members buildenv uses (so the checks below are not vacuous)", function () {
      const classNames = pkg.classes.map((c) => c.className);
      const functionNames = pkg.functions.map((f) => f.name);
      for (const name of spec.classes)
        assert.ok(classNames.includes(name), `class ${name} not found in ${classNames.join(", ")}`);
      for (const name of spec.functions) {
        assert.ok(
          functionNames.includes(name),
          `function ${name} not found in ${functionNames.join(", ")}`,
        );
      }
    });

    it("has type declarations that compile", function () {
      assert.deepStrictEqual(pkg.diagnostics, []);
    });

    it("declares every class with the schema's token, arguments, state and outputs", function () {
      assert.deepStrictEqual(
        pkg.classes.flatMap((c) => checkClass(schema, pkg, c)),
        [],
      );
    });

    it("declares every function with the schema's token, arguments and result", function () {
      assert.deepStrictEqual(
        pkg.functions.flatMap((f) => checkFunction(schema, pkg, f)),
        [],
      );
    });

    it("declares the nested object types the schema references", function () {
      assert.deepStrictEqual(checkNestedTypes(schema, pkg), []);
    });

    it("declares the schema's provider configuration variables", function () {
      const variables = schema.config?.variables ?? {};
      assert.deepStrictEqual(
        compareProperties(
          "config",
          pkg.configVariables.map((v) => ({ ...v, optional: true })),
          variables,
          [],
          (p) => plainTypeText(p, "outputs"),
        ),
        [],
      );
    });

    it("reports declarations that disagree with the schema, by name", function () {
      const schemaProperties = { name: { type: "string" }, size: { type: "integer" } };
      const declared = [
        { name: "name", optional: true, typeText: "pulumi.Input<string>" },
        { name: "colour", optional: true, typeText: "pulumi.Input<string>" },
      ];
      assert.deepStrictEqual(
        compareProperties("x:index/y:Y", declared, schemaProperties, ["name"], inputTypeText),
        [
          "x:index/y:Y: declares 'colour', which the schema does not have",
          "x:index/y:Y: 'name' is optional but the schema has it required",
          "x:index/y:Y: missing 'size'",
        ],
      );
    });

    it("registers every resource with exactly the given inputs, the pinned version and the schema's secrets", async function () {
      for (const declared of pkg.classes) {
        const token = runtimeToken(declared.className);
        const resource = schemaForClass(schema, declared.className, token);
        const Class = member<ResourceClass>(declared.className);
        const args = sampleObject(schema, resource.inputProperties ?? {});
        const logicalName = `${lowerFirst(declared.className)}-all-args`;
        mocks.reset();
        const { result: instance, sent } = await captureMonitorRequests(
          async () => new Class(logicalName, args),
        );

        const isProvider = token.startsWith("pulumi:providers:");
        const secretInputs = secretNames(resource.inputProperties);
        const expectedInputs = Object.fromEntries(
          Object.entries(args).map(([k, v]) => {
            // Providers receive their configuration as strings: other values arrive JSON-encoded.
            const sent = isProvider && typeof v !== "string" ? JSON.stringify(v) : v;
            // Mocks see secret inputs in their wire form (they ask for secrets to be kept).
            return [
              k,
              secretInputs.includes(k) ? { [specialSigKey]: secretSig, value: sent } : sent,
            ];
          }),
        );
        assert.deepStrictEqual(
          mocks.one(token, logicalName).inputs,
          expectedInputs,
          `${token}: registered inputs`,
        );
        assert.deepStrictEqual(
          sent
            .filter((r) => r.name === logicalName)
            .map(({ kind, token: t, version, pluginDownloadURL }) => ({
              kind,
              token: t,
              version,
              pluginDownloadURL,
            })),
          [
            {
              kind: "register",
              token,
              version: pinnedVersion,
              pluginDownloadURL: spec.pluginDownloadURL,
            },
          ],
          `${token}: registration request`,
        );
        const request = sent.find((r) => r.name === logicalName)!;
        assert.deepStrictEqual(
          request.additionalSecretOutputs,
          secretNames(resource.properties),
          `${token}: additionalSecretOutputs`,
        );
        assert.deepStrictEqual(request.secretInputs, secretInputs, `${token}: secret inputs`);
        assert.equal(Class.isInstance(instance), true, `${token}: isInstance of its own instance`);
        assert.equal(Class.isInstance({}), false, `${token}: isInstance of a plain object`);
      }
    });

    it("refuses to construct a resource without a required input, naming that input", function () {
      let checked = 0;
      for (const declared of pkg.classes) {
        const token = runtimeToken(declared.className);
        const resource = schemaForClass(schema, declared.className, token);
        const Class = member<ResourceClass>(declared.className);
        for (const missing of resource.requiredInputs ?? []) {
          const args = sampleObject(schema, resource.inputProperties ?? {});
          delete args[missing];
          const expected = `Missing required property '${missing}'`;
          const thrown = errorMessageOf(
            () => new Class(`${lowerFirst(declared.className)}-without-${missing}`, args),
          );
          assert.equal(
            thrown,
            expected,
            `${token} without '${missing}' threw ${JSON.stringify(thrown)}`,
          );
          checked++;
        }
      }
      assert.ok(checked >= spec.minRequiredInputs, `only ${checked} required inputs were checked`);
      assert.deepStrictEqual(mocks.resources, []);
    });

    it("reads existing resources through get() with the given state and the pinned version", async function () {
      for (const declared of pkg.classes.filter((c) => c.state)) {
        const token = runtimeToken(declared.className);
        const resource = schemaForClass(schema, declared.className, token);
        const Class = member<ResourceClass>(declared.className);
        const state = sampleObject(schema, resource.stateInputs?.properties ?? {});
        const logicalName = `${lowerFirst(declared.className)}-existing`;
        mocks.reset();
        const { sent } = await captureMonitorRequests(async () =>
          Class.get!(logicalName, `${logicalName}-id`, state),
        );
        assert.deepStrictEqual(mocks.one(token, logicalName).inputs, state, `${token}: read state`);
        assert.deepStrictEqual(
          sent
            .filter((r) => r.name === logicalName)
            .map(({ kind, version, pluginDownloadURL }) => ({ kind, version, pluginDownloadURL })),
          [{ kind: "read", version: pinnedVersion, pluginDownloadURL: spec.pluginDownloadURL }],
          `${token}: read request`,
        );
      }
    });

    it("invokes every function, in both forms, with its token, exactly the given arguments and the pinned version", async function () {
      for (const declared of pkg.functions) {
        const token = `${schema.name}:index/${declared.name}:${declared.name}`;
        const fn = schema.functions[token];
        assert.ok(fn, `${declared.name}: ${token} is not a function of the schema`);
        const args = sampleObject(schema, fn.inputs?.properties ?? {});
        const result = sampleObject(schema, fn.outputs?.properties ?? {});
        mocks.reset();
        mocks.stubCall(token, () => result);

        // The mocks refuse unstubbed tokens, and the engine's error loses the token on the way back.
        const explain = (error: unknown): Error =>
          new Error(
            `${declared.name}: invoke failed (${String(error)}); the SDK called ` +
              JSON.stringify(mocks.calls.map((c) => c.token)) +
              `, the schema token is ${token}`,
          );
        const plain = await captureMonitorRequests(() =>
          member<InvokeFunction>(declared.name)(args),
        ).catch((error: unknown) => {
          throw explain(error);
        });
        assert.deepStrictEqual(plain.result, result, `${token}: result`);
        const viaOutput = await captureMonitorRequests(() =>
          unwrap(member<InvokeOutputFunction>(`${declared.name}Output`)(args)),
        ).catch((error: unknown) => {
          throw explain(error);
        });
        assert.deepStrictEqual(viaOutput.result, result, `${token}: Output-form result`);

        assert.deepStrictEqual(
          mocks.calls,
          [
            { token, inputs: args },
            { token, inputs: args },
          ],
          `${token}: calls`,
        );
        assert.deepStrictEqual(
          [...plain.sent, ...viaOutput.sent].map(({ kind, token: t, version }) => ({
            kind,
            token: t,
            version,
          })),
          [
            { kind: "invoke", token, version: pinnedVersion },
            { kind: "invoke", token, version: pinnedVersion },
          ],
          `${token}: invoke requests`,
        );
      }
    });

    it(`reads provider configuration from the ${spec.schemaFileName.replace(/\.json$/, "")} namespace`, function () {
      try {
        setConfig(spec.config.set);
        const config = (spec.module as { config: Record<string, unknown> }).config;
        assert.deepStrictEqual(
          Object.fromEntries(Object.keys(spec.config.expect).map((k) => [k, config[k]])),
          spec.config.expect,
        );
      } finally {
        setConfig({});
      }
    });
  });
}
