/**
 * `buildenv:buildImage`: the build context, Dockerfile, the inputs whose content defines the
 * image, and build arguments.
 */
import * as dockerbuild from "@pulumi/docker-build";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { ParseContext, check, isSafeRelativePath, oneOf, show, strict } from "../config/schema";
import { STAGE_ROOT } from "./context";
import { DEFAULT_PLATFORM, validateBuildArgName, validateBuildArgValue } from "./manifest";

/**
 * The platforms an image can be built for: docker-build's (`Platform` in its schema) that run on
 * a Linux container host, which every buildenv host is.
 */
export const LINUX_PLATFORMS = Object.values(dockerbuild.Platform).filter((p) =>
  p.startsWith("linux/"),
) as [string, ...string[]];

/**
 * Undefined when `platform` may be `buildenv:buildImage.platform`, else what is wrong (the very
 * message config gives, so `npm run image-tag -- --platform` refuses exactly what the stack does).
 */
export function platformProblem(platform: string): string | undefined {
  const result = oneOf(LINUX_PLATFORMS).safeParse(platform);
  return result.success ? undefined : result.error.issues[0].message;
}

export interface BuildImageConfig {
  /** Build context directory, relative to the project directory. */
  context: string;
  /** Dockerfile path, relative to the project directory. */
  dockerfile: string;
  /** Files and directories whose content defines the image, relative to the project directory. */
  inputs: string[];
  /** Build arguments; part of the manifest, so changing one changes the tag. */
  buildArgs: Record<string, string>;
  /**
   * The platform the image is built for: the one the hosts pull. Default `linux/amd64` (a VCH
   * runs nothing else); one of LINUX_PLATFORMS. Any other is part of the manifest, so an arm64
   * image never gets the tag of an amd64 one.
   */
  platform: string;
}

export const DEFAULT_BUILD_IMAGE: Readonly<BuildImageConfig> = {
  context: "images/build",
  dockerfile: "images/build/Dockerfile",
  inputs: ["images/build"],
  buildArgs: {},
  platform: DEFAULT_PLATFORM,
};

const buildImageSchema = strict({
  context: z.string().optional(),
  dockerfile: z.string().optional(),
  inputs: z
    .array(z.string())
    .min(1, { error: "lists no inputs; name at least one file or directory" })
    .optional(),
  buildArgs: z.record(z.string(), z.string()).optional(),
  platform: oneOf(LINUX_PLATFORMS).optional(),
});

export function parseBuildImage(
  raw: unknown,
  ctx: ParseContext,
  problems: string[],
): BuildImageConfig | undefined {
  const parsed = raw === undefined ? {} : check(problems, "buildImage", buildImageSchema, raw);
  if (!parsed) {
    return undefined;
  }
  const config: BuildImageConfig = {
    context: parsed.context ?? DEFAULT_BUILD_IMAGE.context,
    dockerfile: parsed.dockerfile ?? DEFAULT_BUILD_IMAGE.dockerfile,
    inputs: parsed.inputs ?? [...DEFAULT_BUILD_IMAGE.inputs],
    buildArgs: {},
    platform: parsed.platform ?? DEFAULT_BUILD_IMAGE.platform,
  };
  const before = problems.length;
  const expect = (key: string, value: string, kind: "file" | "dir" | "any") => {
    if (!isSafeRelativePath(value)) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} must be a relative path inside the project directory`,
      );
      return;
    }
    if (!isWellFormed(value)) {
      problems.push(`buildenv:buildImage.${key}: ${show(value)} is not valid UTF-8 text`);
      return;
    }
    // Inputs are hashed as git lists them; git never lists anything inside .git.
    if (key.startsWith("inputs") && value.split(/[\\/]/).some(isDotGit)) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} is inside a .git directory, which git never lists`,
      );
      return;
    }
    const found = ctx.pathKind(value);
    if (found === undefined || (kind !== "any" && found !== kind)) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} is not ${kind === "file" ? "a file" : kind === "dir" ? "a directory" : "a file or directory"} in the project directory`,
      );
      return;
    }
    // The build reads what a link points at: a context or Dockerfile linked to outside the
    // project would send files from elsewhere on the machine into the image.
    const resolved = key.startsWith("inputs") ? undefined : ctx.realPath?.(value);
    if (resolved !== undefined && !isSafeRelativePath(resolved) && resolved !== "") {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} resolves through a symlink to outside the project directory`,
      );
      return;
    }
    // An input that covers the staging directory is refused below; walking it would also walk
    // node_modules.
    const badName =
      key.startsWith("inputs") && !covers(value, STAGE_ROOT) ? ctx.nonUtf8Name?.(value) : undefined;
    if (badName !== undefined) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} holds a file whose name is not valid UTF-8 (${show(badName)}); git and the image tag need UTF-8 names`,
      );
    }
  };
  expect("context", config.context, "dir");
  expect("dockerfile", config.dockerfile, "file");
  config.inputs.forEach((input, i) => expect(`inputs[${i}]`, input, "any"));
  if (problems.length === before) {
    problems.push(...stagingProblems(config.inputs, config.dockerfile));
  }
  for (const name of Object.keys(parsed.buildArgs ?? {}).sort()) {
    const value = parsed.buildArgs![name];
    const error = validateBuildArgName(name) ?? validateBuildArgValue(value);
    if (error) {
      problems.push(`buildenv:buildImage.buildArgs.${name}: ${error}`);
    } else {
      config.buildArgs[name] = value;
    }
  }
  return problems.length === before ? config : undefined;
}

/** Whether a project-relative path is an input or inside one (POSIX, as config gives them). */
function covers(input: string, target: string): boolean {
  const outer = path.posix.normalize(input).replace(/\/+$/, "").replace(/^\.$/, "");
  const inner = path.posix.normalize(target);
  return outer === "" || inner === outer || inner.startsWith(outer + "/");
}

/**
 * What the staged build context needs of the inputs: the Dockerfile is one of them (the build is
 * staged from the manifest's files alone, and the Dockerfile defines the image), and none covers
 * the directory contexts are staged in (the copy would be an input of itself).
 */
export function stagingProblems(inputs: readonly string[], dockerfile: string): string[] {
  const problems: string[] = [];
  if (!inputs.some((input) => covers(input, dockerfile))) {
    problems.push(
      `buildenv:buildImage.dockerfile: ${show(dockerfile)} is not among buildenv:buildImage.inputs; the Dockerfile defines the image, so it must be an input (list it or its directory)`,
    );
  }
  inputs.forEach((input, i) => {
    if (covers(input, STAGE_ROOT)) {
      problems.push(
        `buildenv:buildImage.inputs[${i}]: ${show(input)} covers ${STAGE_ROOT}, where buildenv stages the build context; list the image's own files and directories instead`,
      );
    }
  });
  return problems;
}

function isDotGit(name: string): boolean {
  return name.toLowerCase() === ".git";
}

/** False for a string with a lone surrogate, which has no UTF-8 encoding. */
function isWellFormed(value: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/**
 * `ParseContext.realPath` for a project in `root`: the path with every symlink resolved,
 * relative to the project (with `..` or absolute when outside it); undefined when missing.
 */
export function realPathIn(root: string, relative: string): string | undefined {
  try {
    return path.relative(fs.realpathSync(root), fs.realpathSync(path.join(root, relative)));
  } catch {
    return undefined;
  }
}

/**
 * `ParseContext.nonUtf8Name` for a project in `root`: the first path (decoded with U+FFFD for
 * the bad bytes) under `relative` whose name is not valid UTF-8; symlinks are not followed and
 * `.git` is skipped, as image/manifest.ts lists the inputs.
 */
export function firstNonUtf8NameIn(root: string, relative: string): string | undefined {
  const walk = (dir: string, shown: string): string | undefined => {
    let entries: fs.Dirent<Buffer>[];
    try {
      entries = fs.readdirSync(dir, { encoding: "buffer", withFileTypes: true });
    } catch {
      return undefined; // a file, or missing: pathKind reports that
    }
    for (const entry of entries) {
      const name = entry.name.toString("utf8");
      const child = shown === "" ? name : `${shown}/${name}`;
      if (!Buffer.from(name, "utf8").equals(entry.name)) {
        return child;
      }
      if (entry.isDirectory() && !isDotGit(name)) {
        const found = walk(path.join(dir, name), child);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return walk(path.join(root, relative), relative.replace(/\/+$/, ""));
}
