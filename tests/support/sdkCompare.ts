/** The expected TypeScript spellings of schema types, and the comparisons of a stand-in against them. */
import * as pulumi from "@pulumi/pulumi";
import {
  DeclaredClass,
  DeclaredFunction,
  DeclaredInterface,
  DeclaredPackage,
  DeclaredParameter,
  DeclaredProperty,
  PackageSchema,
  SchemaObject,
  SchemaProperty,
  SchemaResource,
  loaded,
  lowerFirst,
  member,
  normalizeTypeText,
  sorted,
  upperFirst,
} from "./sdkSchema";

type RefKind = "inputs" | "outputs";

function refName(ref: string): string {
  const local = /^#\/types\/[^:]+:[^:]+:(.+)$/.exec(ref);
  if (!local) {
    throw new Error(`unsupported schema $ref ${ref}`);
  }
  return upperFirst(local[1]);
}

/** A plain (resolved) value: function arguments and results, resource outputs, config. */
export function plainTypeText(p: SchemaProperty, kind: RefKind): string {
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
    return loaded.typesWithArgsForm.has(p.$ref.slice("#/types/".length))
      ? `inputs.${name}Args`
      : `inputs.${name}`;
  }
  if (p.type === "array") return `pulumi.Input<${inputValueTypeText(p.items!)}>[]`;
  if (p.type === "object" && p.additionalProperties) {
    return `{[key:string]:pulumi.Input<${inputValueTypeText(p.additionalProperties)}>}`;
  }
  return plainTypeText(p, "inputs");
}

export const inputTypeText = (p: SchemaProperty): string =>
  `pulumi.Input<${inputValueTypeText(p)}>`;
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
export function compareProperties(
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
export function runtimeToken(className: string): string {
  const constructor = member<{ __pulumiType?: unknown }>(className);
  const token = constructor?.__pulumiType;
  if (typeof token !== "string") {
    throw new Error(`${className} has no static __pulumiType in the package's JavaScript`);
  }
  return isProviderClass(constructor) ? `pulumi:providers:${token}` : token;
}

export function schemaForClass(
  schema: PackageSchema,
  className: string,
  token: string,
): SchemaResource {
  const found =
    token === `pulumi:providers:${schema.name}` ? schema.provider : schema.resources[token];
  if (!found) throw new Error(`${className}: token ${token} is not a resource of the schema`);
  return found;
}

export function checkClass(
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

export function checkFunction(
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
export function functionInputTypes(schema: PackageSchema): Set<string> {
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

export function checkNestedTypes(schema: PackageSchema, pkg: DeclaredPackage): string[] {
  const problems: string[] = [];
  for (const token of sorted(typesInUse(schema, pkg))) {
    const type = schema.types?.[token];
    if (!type) {
      problems.push(`schema type ${token} is referenced but not defined in the schema`);
      continue;
    }
    const name = refName(`#/types/${token}`);
    const expectations: [Map<string, DeclaredInterface>, string, (p: SchemaProperty) => string][] =
      loaded.typesWithArgsForm.has(token)
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
