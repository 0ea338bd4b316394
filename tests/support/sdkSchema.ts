/**
 * The parts of a provider schema and of an installed SDK package (read from its .d.ts with the
 * TypeScript compiler) that the stand-in checks compare; and the package under check.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Schema object types the SDK declares in two forms in `types.input` (`X` plain and `XArgs` with
 * inputs), because a function takes them as plain arguments. Types only resources use have one
 * input form, `X`, whose properties are inputs (pulumi-language-nodejs' naming).
 */
export const loaded = {
  /** The package under check (`import * as x from "<packageName>"`). */
  module: undefined as unknown,
  typesWithArgsForm: new Set<string>(),
};

/** A member of the package under check. */
export function member<T>(name: string): T {
  return (loaded.module as Record<string, T>)[name];
}

// ---- The parts of a Pulumi package schema these checks read ----

export interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  secret?: boolean;
}

export interface SchemaObject {
  properties?: Record<string, SchemaProperty>;
  required?: string[];
}

export interface SchemaResource {
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

export interface PackageSchema {
  name: string;
  config?: { variables?: Record<string, SchemaProperty> };
  provider: SchemaResource;
  resources: Record<string, SchemaResource>;
  functions: Record<string, SchemaFunction>;
  types?: Record<string, SchemaObject>;
}

// ---- What the package declares, as read from its .d.ts files ----

export interface DeclaredProperty {
  name: string;
  optional: boolean;
  typeText: string;
}

export interface DeclaredInterface {
  name: string;
  properties: DeclaredProperty[];
}

export interface DeclaredParameter {
  optional: boolean;
  type: DeclaredInterface;
}

export interface DeclaredClass {
  className: string;
  args?: DeclaredParameter;
  state?: DeclaredParameter;
  outputs: DeclaredProperty[];
}

export interface DeclaredFunction {
  name: string;
  args?: DeclaredParameter;
  result: DeclaredInterface;
  outputForm?: { args?: DeclaredParameter; returnTypeText: string };
}

export interface DeclaredPackage {
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

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/**
 * Type texts are compared after removing formatting and `| undefined`: optionality is checked
 * separately (via `?` and the schema's required lists), and codegen versions differ in whether
 * they spell it out.
 */
export function normalizeTypeText(text: string): string {
  return text
    .replace(/\s+/g, "")
    .replace(/[;,]}/g, "}")
    .replace(/\|undefined/g, "");
}

export function readPackage(packageName: string): DeclaredPackage {
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
