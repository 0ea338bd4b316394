/**
 * The layout the README promises: components/<area> for what `pulumi up` declares, composed by
 * program.ts and components/config/load.ts; cli/ above them; files a reader can hold;
 * with no import cycles between files or between folders.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./support/stack";

/** What `pulumi up` declares: one folder an area under components/, with its parser and logic. */
const AREAS = [
  "ci",
  "compute",
  "config",
  "host",
  "image",
  "lifecycle",
  "registry",
  "vic",
  "volumes",
].map((area) => `components/${area}`);
/** What only the entry points compose; an area importing one of these would close a cycle. */
const COMPOSERS = ["index.ts", "program.ts", "components/config/load.ts"];
/** Above the components: the developer's commands, the policy pack, the benchmarks, the tests. */
const ABOVE_COMPONENTS = ["cli", "policy", "bench", "tests"];
/** The folders a newcomer sees at the root (dot-folders aside). */
const ROOT_FOLDERS = ["bench", "cli", "components", "images", "policy", "sdks", "stacks", "tests"];
/** What a reader can hold: no source file outside the generated SDK stand-ins is longer. */
const MAX_LINES = 450;

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory() && !["node_modules", "sdks", ".git", "bin"].includes(entry.name)) {
      found.push(...sourceFiles(relative));
    } else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      found.push(relative);
    }
  }
  return found;
}

/** Project-relative files a source file imports (static, re-exported or dynamic). */
export function localImports(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/g),
    ...text.matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g),
    ...text.matchAll(/(?:^|\n)\s*import\s+"(\.{1,2}\/[^"]+)"/g),
  ].map((m) => m[1]);
  const resolved = new Set<string>();
  for (const specifier of specifiers) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const candidates = [`${base}.ts`, `${base}/index.ts`, base];
    const hit = candidates.find((c) => fs.existsSync(path.join(REPO_ROOT, c)));
    if (hit && hit.endsWith(".ts")) {
      resolved.add(hit);
    }
  }
  return [...resolved].sort();
}

/** Every cycle reachable in a directed graph, each as the path that closes it. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "active");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "active") {
        cycles.push([...stack.slice(stack.indexOf(next)), next]);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) {
    if (!state.has(node)) {
      visit(node);
    }
  }
  return cycles;
}

describe("layout", () => {
  const files = sourceFiles(".").map((f) => f.replace(/^\.\//, ""));
  const imports = new Map(
    files.map((f) => [f, localImports(f, fs.readFileSync(path.join(REPO_ROOT, f), "utf8"))]),
  );
  /** `components/<area>` for a component file, else the top folder (or the root file itself). */
  const areaOf = (file: string) =>
    file.startsWith("components/") ? file.split("/").slice(0, 2).join("/") : file.split("/")[0];

  it("finds the files of every area (the scan itself works)", () => {
    for (const area of AREAS) {
      assert.ok(
        files.some((f) => f.startsWith(`${area}/`)),
        `no source file found in ${area}/`,
      );
    }
    assert.deepStrictEqual(imports.get("index.ts"), ["components/config/load.ts", "program.ts"]);
  });

  it("detects a cycle when there is one (the check can fail)", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    assert.deepStrictEqual(findCycles(graph), [["a.ts", "b.ts", "c.ts", "a.ts"]]);
    assert.deepStrictEqual(
      localImports(
        "components/vic/x.ts",
        ["import { a } from", ' "../compute/config";\nexport * from "./config";'].join(""),
      ),
      ["components/compute/config.ts", "components/vic/config.ts"],
    );
  });

  it("has no import cycle between files", () => {
    assert.deepStrictEqual(findCycles(imports), []);
  });

  it("has no import cycle between area folders", () => {
    const folders = new Map<string, string[]>();
    for (const [file, targets] of imports) {
      // config/load.ts composes the areas' parsers, as program.ts composes their components.
      if (!AREAS.includes(areaOf(file)) || COMPOSERS.includes(file)) continue;
      const edges = new Set(folders.get(areaOf(file)) ?? []);
      for (const target of targets) {
        if (AREAS.includes(areaOf(target)) && areaOf(target) !== areaOf(file)) {
          edges.add(areaOf(target));
        }
      }
      folders.set(areaOf(file), [...edges].sort());
    }
    assert.deepStrictEqual(findCycles(folders), []);
  });

  it("keeps areas free of the composers, the tools and the tests", () => {
    const offending = [...imports]
      .filter(([file]) => AREAS.includes(areaOf(file)) && !COMPOSERS.includes(file))
      .flatMap(([file, targets]) =>
        targets
          .filter((t) => COMPOSERS.includes(t) || ABOVE_COMPONENTS.includes(areaOf(t)))
          .map((t) => `${file} -> ${t}`),
      );
    assert.deepStrictEqual(offending, []);
  });

  it("keeps the developer's commands and the policy pack off the program's composers", () => {
    const offending = [...imports]
      .filter(([file]) => ["cli", "policy"].includes(areaOf(file)))
      .flatMap(([file, targets]) =>
        targets
          .filter((t) => ["index.ts", "program.ts", "tests", "bench"].includes(areaOf(t)))
          .map((t) => `${file} -> ${t}`),
      );
    assert.deepStrictEqual(offending, []);
  });

  it("imports no test file from another file (parallel workers would register its tests twice)", () => {
    const offending = [...imports].flatMap(([file, targets]) =>
      targets.filter((t) => t.endsWith(".test.ts")).map((t) => `${file} -> ${t}`),
    );
    assert.deepStrictEqual(offending, []);
  });

  it("shows the architecture at the root: components, the CLI, stacks, tooling", () => {
    const folders = fs
      .readdirSync(REPO_ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules")
      .map((e) => e.name)
      .filter((name) => name !== "bin")
      .sort();
    assert.deepStrictEqual(folders, ROOT_FOLDERS);
  });

  it(`holds no source file over ${MAX_LINES} lines outside sdks/`, () => {
    const long = files
      .filter(
        (f) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8").split("\n").length > MAX_LINES,
      )
      .sort();
    assert.deepStrictEqual(long, []);
  });
});
