/**
 * The Pulumi CLI's own checks of stack config against `Pulumi.yaml`, re-implemented from its
 * source so that a stack file the CLI would refuse fails the suite. The CLI runs them before the
 * program starts (`pulumi up`/`preview`), so the program's own validation never gets a say.
 *
 * Source: pulumi/pulumi at 1b5949891b3cefcb9974752b24a5ecef0acc86c8 (2026-08-21):
 * - pkg/workspace/config.go:255-366 `mergeConfig` (required keys, project defaults merged into
 *   the stack) and :66-157 `validateStackConfigValues`/`validateStackConfigValue` (secret and
 *   type checks), with the messages of :53-64 and :128-153;
 * - sdk/go/common/workspace/project.go:771-831 `ValidateConfigValue` (what each declared type
 *   accepts), :760-766 `InferFullTypeName`, :837-889 `Project.Validate` (the declarations
 *   themselves), and project.json:335-398 (the declaration's allowed attributes and types);
 * - sdk/go/common/resource/config/object.go:403-419 `MarshalString` and :467-520
 *   `unmarshalObject` (how a stack file's YAML value becomes a config value: scalars are text,
 *   maps and lists JSON objects, `{ secure: ... }` a secure value, an object is secure when any
 *   leaf is).
 */
import { parse } from "yaml";

/** project.go:277-289 `ProjectConfigItemsType`. */
export interface ConfigItemsType {
  type: string;
  items?: ConfigItemsType;
}

/** project.go:282-289 `ProjectConfigType`: one declaration under `config:` in Pulumi.yaml. */
export interface ProjectConfigType {
  type?: string;
  description?: string;
  items?: ConfigItemsType;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

export interface Project {
  name: string;
  config: Record<string, ProjectConfigType>;
}

/**
 * A stack config value as the CLI holds it (config.Value: text, secure, object). `text` of a
 * secure value is its ciphertext; `raw` is the YAML value, for decrypting nested secure leaves.
 */
export interface StackValue {
  text: string;
  secure: boolean;
  object: boolean;
  raw?: unknown;
}

/** Decrypts one ciphertext, as the stack's secrets provider would. */
export type Decrypter = (ciphertext: string) => string;

/** The plain text of a value (config.Value.Value(dec)): secure leaves decrypted. */
export function plainText(value: StackValue, decrypt: Decrypter): string {
  if (!value.secure) return value.text;
  if (!value.object) return decrypt(value.text);
  const open = (v: unknown): unknown =>
    isSecureLeaf(v)
      ? decrypt(v.secure)
      : Array.isArray(v)
        ? v.map(open)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, open(x)]))
          : v;
  return JSON.stringify(open(value.raw));
}

export type StackConfig = Map<string, StackValue>;

/** project.json:335-344 `simpleConfigType`. */
const SIMPLE_TYPES = ["string", "integer", "boolean", "array", "object"];
/** project.json:378-398 `configTypeDeclaration` (additionalProperties: false). */
const DECLARATION_KEYS = ["type", "items", "description", "secret", "default", "value"];

/** Reads Pulumi.yaml. */
export function readProject(text: string): Project {
  const document = parse(text) as { name?: unknown; config?: Record<string, unknown> };
  return {
    name: String(document.name),
    config: (document.config ?? {}) as Record<string, ProjectConfigType>,
  };
}

/**
 * What the CLI says about the declarations themselves: project.json's shape of a declaration and
 * project.go:837-889 `Project.Validate`. Empty when the CLI accepts them.
 */
export function projectProblems(project: Project): string[] {
  const problems: string[] = [];
  for (const [key, declaration] of Object.entries(project.config)) {
    if (typeof declaration !== "object" || declaration === null || Array.isArray(declaration)) {
      // project.json:88-105 also allows a bare value; buildenv declares keys only.
      problems.push(`${key}: not a declaration (type, default, description, ...)`);
      continue;
    }
    for (const attribute of Object.keys(declaration)) {
      if (!DECLARATION_KEYS.includes(attribute)) {
        problems.push(`${key}: '${attribute}' not allowed`);
      }
    }
    if (declaration.type !== undefined && !SIMPLE_TYPES.includes(declaration.type)) {
      problems.push(
        `${key}: type ${JSON.stringify(declaration.type)} is not one of ${SIMPLE_TYPES.join(", ")}`,
      );
    }
    if (declaration.default !== undefined && declaration.value !== undefined) {
      problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    }
    const namespacedByProject = !key.includes(":") || key.startsWith(`${project.name}:`);
    if (namespacedByProject) {
      if (declaration.type === "array" && declaration.items === undefined) {
        problems.push(
          `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
        );
      }
      if (
        declaration.type !== undefined &&
        declaration.default !== undefined &&
        !validateConfigValue(declaration.type, declaration.items, declaration.default)
      ) {
        problems.push(
          `The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(declaration.type, declaration.items)}'`,
        );
      }
    } else {
      if (declaration.type !== undefined) {
        problems.push(
          `Configuration key '${key}' is not namespaced by the project and should not define a type`,
        );
      }
      if (declaration.default !== undefined) {
        problems.push(
          `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
        );
      }
      if (declaration.value === undefined) {
        problems.push(
          `Configuration key '${key}' is namespaced and must provide an attribute 'value'`,
        );
      }
    }
  }
  return problems;
}

function isSecureLeaf(value: unknown): value is { secure: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

function containsSecure(value: unknown): boolean {
  if (isSecureLeaf(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecure);
  if (value && typeof value === "object") return Object.values(value).some(containsSecure);
  return false;
}

/** object.go:403-419 `MarshalString`: one YAML value of a stack file as the CLI holds it. */
export function stackValue(value: unknown): StackValue {
  if (typeof value === "boolean" || typeof value === "number") {
    return { text: JSON.stringify(value), secure: false, object: false };
  }
  if (typeof value === "string") {
    return { text: value, secure: false, object: false };
  }
  if (isSecureLeaf(value)) {
    return { text: value.secure, secure: true, object: false };
  }
  return { text: JSON.stringify(value), secure: containsSecure(value), object: true, raw: value };
}

/** The `config:` of a stack file (Pulumi.<stack>.yaml). */
export function readStackConfig(text: string): StackConfig {
  const document = parse(text) as { config?: Record<string, unknown> } | null;
  const config: StackConfig = new Map();
  for (const [key, value] of Object.entries(document?.config ?? {})) {
    config.set(key, stackValue(value));
  }
  return config;
}

/** project.go:771-831 `ValidateConfigValue`. */
export function validateConfigValue(
  typeName: string,
  items: ConfigItemsType | undefined,
  value: unknown,
): boolean {
  switch (typeName) {
    case "string":
      return typeof value === "string";
    case "integer":
      if (typeof value === "number") return Number.isInteger(value);
      return typeof value === "string" && /^[+-]?\d+$/.test(value); // strconv.Atoi
    case "boolean":
      return value === "true" || value === "false" || typeof value === "boolean";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
  if (!Array.isArray(value) || items === undefined) {
    return false;
  }
  return value.every((item) => validateConfigValue(items.type, items.items, item));
}

/** project.go:760-766 `InferFullTypeName`. */
export function inferFullTypeName(typeName: string, items: ConfigItemsType | undefined): string {
  return items ? `array<${inferFullTypeName(items.type, items.items)}>` : typeName;
}

/** config.go:179-193 `createConfigValue`: a project default as a stack value. */
function defaultValue(value: unknown): StackValue {
  if (typeof value === "string" || typeof value === "boolean" || Number.isInteger(value)) {
    return { text: String(value), secure: false, object: false };
  }
  return { text: JSON.stringify(value), secure: false, object: true };
}

/** config.go:30-64: the "missing configuration" message. */
function missingKeysError(missing: string[], stack: string): string {
  let list: string;
  if (missing.length === 1) {
    list = `'${missing[0]}'`;
  } else {
    const sorted = [...missing].sort();
    list = sorted
      .map((key, i) =>
        i === sorted.length - 1
          ? `and '${key}'`
          : i === sorted.length - 2
            ? `'${key}' `
            : `'${key}', `,
      )
      .join("");
  }
  return `Stack '${stack}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${list}`;
}

function fullKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

export interface MergeResult {
  /** The CLI's error, exactly as it prints it; undefined when the stack passes. */
  error?: string;
  /** The stack config with the project defaults merged in: what the program receives. */
  config: StackConfig;
}

/**
 * config.go:255-366 `mergeConfig` with validate=true (what `pulumi up`/`preview` run), for a
 * stack without an ESC environment: the project's defaults are merged into the stack config,
 * then missing required keys are reported, then every explicitly typed key is checked.
 */
export function validateStackConfig(
  stack: string,
  project: Project,
  stackConfig: StackConfig,
  decrypt: Decrypter = (ciphertext) => ciphertext,
): MergeResult {
  const config: StackConfig = new Map(stackConfig);
  const keys = Object.keys(project.config).sort();
  const missing: string[] = [];
  for (const projectKey of keys) {
    const declaration = project.config[projectKey];
    const key = fullKey(project.name, projectKey);
    const found = config.has(key);
    const hasDefault = declaration.default !== undefined && declaration.default !== null;
    const hasValue = declaration.value !== undefined && declaration.value !== null;
    if (!found && !hasValue && !hasDefault && key.split(":")[0] === project.name) {
      missing.push(projectKey);
      continue;
    }
    if (!found && (hasValue || hasDefault)) {
      config.set(key, defaultValue(hasDefault ? declaration.default : declaration.value));
    }
  }
  if (missing.length > 0) {
    return { error: missingKeysError(missing, stack), config };
  }
  // config.go:66-157 validateStackConfigValues / validateStackConfigValue.
  for (const projectKey of keys) {
    const declaration = project.config[projectKey];
    if (declaration.type === undefined) {
      continue;
    }
    const value = config.get(fullKey(project.name, projectKey)) ?? {
      text: "",
      secure: false,
      object: false,
    };
    if (declaration.secret && !value.secure) {
      return {
        error: `Stack '${stack}' with configuration key '${projectKey}' must be encrypted as it's secret`,
        config,
      };
    }
    const text = plainText(value, decrypt);
    const content: unknown = value.object ? JSON.parse(text) : text;
    if (!validateConfigValue(declaration.type, declaration.items, content)) {
      return {
        error: `Stack '${stack}' with configuration key '${projectKey}' must be of type '${inferFullTypeName(declaration.type, declaration.items)}'`,
        config,
      };
    }
  }
  return { config };
}
