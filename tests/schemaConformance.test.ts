/**
 * Everything the program registers or invokes, checked against the real provider schemas: the
 * type token exists, every input is a declared input property of the right shape (nested types
 * followed through their $refs), and every required input is set. Mocks accept anything; the
 * schemas are what the real providers will accept.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { mocks, reveal } from "./support/harness";
import { runStack, stubVsphere, vchStackConfig } from "./support/stack";
import { stackFileConfig } from "./support/stackFiles";

interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
}
interface ObjectSpec {
  properties?: Record<string, PropertySpec>;
  inputProperties?: Record<string, PropertySpec>;
  required?: string[];
  requiredInputs?: string[];
}
interface Schema {
  name: string;
  provider: ObjectSpec;
  resources: Record<string, ObjectSpec>;
  functions: Record<string, { inputs?: ObjectSpec }>;
  types: Record<string, ObjectSpec & { type?: string; enum?: unknown[] }>;
}

const SCHEMA_DIR = process.env.BUILDENV_SCHEMAS ?? path.resolve(__dirname, "../../shared/schemas");
const PACKAGES = ["command", "docker", "docker-build", "github", "harbor", "tls", "vsphere"];

function loadSchemas(): Map<string, Schema> | undefined {
  if (!PACKAGES.every((p) => fs.existsSync(path.join(SCHEMA_DIR, `${p}.json`)))) {
    return undefined;
  }
  return new Map(
    PACKAGES.map((p) => [
      p,
      JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${p}.json`), "utf8")) as Schema,
    ]),
  );
}

/** Problems with one value against one property spec, each prefixed with its path. */
function checkValue(schema: Schema, spec: PropertySpec, value: unknown, where: string): string[] {
  const plain = reveal(value);
  if (plain === undefined || plain === null) return [];
  if (spec.$ref) {
    const ref = decodeURIComponent(spec.$ref);
    if (ref.startsWith("pulumi.json#")) return [];
    const type = schema.types[ref.replace("#/types/", "")];
    if (!type) return [`${where}: unknown type ${ref}`];
    if (type.enum) {
      const allowed = type.enum.map((e) => (e as { value: unknown }).value);
      return allowed.includes(plain)
        ? []
        : [`${where}: ${JSON.stringify(plain)} is not one of ${JSON.stringify(allowed)}`];
    }
    return checkObject(schema, type.properties ?? {}, type.required ?? [], plain, where);
  }
  switch (spec.type) {
    case "string":
      return typeof plain === "string"
        ? []
        : [`${where}: expected a string, got ${JSON.stringify(plain)}`];
    case "integer":
      return Number.isInteger(plain)
        ? []
        : [`${where}: expected an integer, got ${JSON.stringify(plain)}`];
    case "number":
      return typeof plain === "number"
        ? []
        : [`${where}: expected a number, got ${JSON.stringify(plain)}`];
    case "boolean":
      return typeof plain === "boolean"
        ? []
        : [`${where}: expected a boolean, got ${JSON.stringify(plain)}`];
    case "array":
      // Provider config of a list type reaches the engine as JSON text.
      if (typeof plain === "string" && where.startsWith("pulumi:providers:")) {
        return checkValue(schema, spec, JSON.parse(plain), where);
      }
      return Array.isArray(plain)
        ? plain.flatMap((item, i) => checkValue(schema, spec.items ?? {}, item, `${where}[${i}]`))
        : [`${where}: expected a list, got ${JSON.stringify(plain)}`];
    case "object":
      if (typeof plain !== "object" || Array.isArray(plain))
        return [`${where}: expected an object`];
      return Object.entries(plain as object).flatMap(([k, v]) =>
        checkValue(schema, spec.additionalProperties ?? {}, v, `${where}.${k}`),
      );
    default:
      return [];
  }
}

function checkObject(
  schema: Schema,
  properties: Record<string, PropertySpec>,
  required: string[],
  value: unknown,
  where: string,
): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [`${where}: expected an object, got ${JSON.stringify(value)}`];
  }
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const spec = properties[key];
    if (!spec) problems.push(`${where}.${key}: not an input of the schema`);
    else problems.push(...checkValue(schema, spec, item, `${where}.${key}`));
  }
  for (const key of required) {
    if ((value as Record<string, unknown>)[key] === undefined)
      problems.push(`${where}.${key}: required but not set`);
  }
  return problems;
}

function problemsOfRun(schemas: Map<string, Schema>): string[] {
  const problems: string[] = [];
  for (const resource of mocks.resources.filter((r) => r.custom)) {
    const where = `${resource.type}::${resource.name}`;
    if (resource.type.startsWith("pulumi:providers:")) {
      const schema = schemas.get(resource.type.slice("pulumi:providers:".length));
      if (!schema) {
        problems.push(`${where}: no schema`);
        continue;
      }
      problems.push(
        ...checkObject(schema, schema.provider.inputProperties ?? {}, [], resource.inputs, where),
      );
      continue;
    }
    const schema = schemas.get(resource.type.split(":")[0]);
    const spec = schema?.resources[resource.type];
    if (!schema || !spec) {
      problems.push(`${where}: no such resource in the schemas`);
      continue;
    }
    problems.push(
      ...checkObject(
        schema,
        spec.inputProperties ?? {},
        spec.requiredInputs ?? [],
        resource.inputs,
        where,
      ),
    );
  }
  for (const call of mocks.calls) {
    const schema = schemas.get(call.token.split(":")[0]);
    const spec = schema?.functions[call.token];
    if (!schema || !spec) {
      problems.push(`${call.token}: no such function in the schemas`);
      continue;
    }
    problems.push(
      ...checkObject(
        schema,
        spec.inputs?.properties ?? {},
        spec.inputs?.required ?? [],
        call.inputs,
        call.token,
      ),
    );
  }
  return problems;
}

describe("resources and invokes against the provider schemas", function () {
  const schemas = loadSchemas();
  before(function () {
    if (!schemas) {
      console.log(`skipping: provider schemas not found in ${SCHEMA_DIR} (set BUILDENV_SCHEMAS)`);
      this.skip();
    }
  });

  it("the local environment", async () => {
    await runStack({});
    assert.deepStrictEqual(problemsOfRun(schemas!), []);
  });

  it("a VCH environment with a registry and CI secrets", async () => {
    stubVsphere();
    await runStack(vchStackConfig({ "buildenv:github": { repositories: ["app"] } }));
    // 31: no resource pool of buildenv's own (VIC makes the VCH's pool itself); one Command per
    // volume that makes it before it is imported (volumes/adopt.ts).
    assert.strictEqual(mocks.resources.filter((r) => r.custom).length, 31);
    assert.ok(!mocks.resources.some((r) => r.type === "vsphere:index/resourcePool:ResourcePool"));
    assert.deepStrictEqual(problemsOfRun(schemas!), []);
  });

  it("a VCH environment with deployment-environment secrets and a thumbprint look-up", async () => {
    stubVsphere();
    mocks.stubCall("vsphere:index/getHostThumbprint:getHostThumbprint", () => ({
      id: "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44",
    }));
    const host = { ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>) };
    delete host.thumbprint;
    await runStack(
      vchStackConfig({
        "buildenv:host": host,
        "buildenv:github": { repositories: ["app"], environment: "build" },
      }),
    );
    assert.deepStrictEqual(problemsOfRun(schemas!), []);
  });

  it("the shared ci stack on Harbor (Pulumi.ci.yaml)", async () => {
    stubVsphere();
    const { config, secretKeys } = stackFileConfig("Pulumi.ci.yaml");
    await runStack(config, { stack: "ci", secretKeys });
    // Project, 4 robots (push, the host's, app's and tools' CI), retention, immutable rule, GC.
    assert.strictEqual(mocks.resources.filter((r) => r.type.startsWith("harbor:")).length, 8);
    assert.deepStrictEqual(problemsOfRun(schemas!), []);
  });

  it("a developer stack on Harbor (stacks/examples/Pulumi.alice.yaml)", async () => {
    stubVsphere();
    const { config, secretKeys } = stackFileConfig("stacks/examples/Pulumi.alice.yaml");
    await runStack(config, { stack: "alice", secretKeys });
    assert.deepStrictEqual(problemsOfRun(schemas!), []);
  });

  it("would catch a Harbor input the schema does not have", () => {
    const harbor = schemas!.get("harbor")!;
    const robot = harbor.resources["harbor:index/robotAccount:RobotAccount"];
    assert.deepStrictEqual(
      checkObject(
        harbor,
        robot.inputProperties!,
        robot.requiredInputs ?? [],
        { name: "push", permissions: [{ kind: "project", namespace: "p", access: [] }] },
        "r",
      ),
      [
        "r.permissions[0].access: not an input of the schema",
        "r.permissions[0].accesses: required but not set",
        "r.level: required but not set",
      ],
    );
  });

  it("would catch an input the schema does not have", () => {
    const docker = schemas!.get("docker")!;
    const volume = docker.resources["docker:index/volume:Volume"];
    assert.deepStrictEqual(
      checkObject(
        docker,
        volume.inputProperties!,
        volume.requiredInputs ?? [],
        { name: "v", size: "2GB", labels: [{ label: "a" }] },
        "v",
      ),
      ["v.size: not an input of the schema", "v.labels[0].value: required but not set"],
    );
  });
});
