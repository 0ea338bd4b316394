/**
 * `buildenv:buildImage`: the build context, Dockerfile, the inputs whose content defines the
 * image, and build arguments.
 */
import { z } from "zod";
import { ParseContext, check, isSafeRelativePath, show, strict } from "../config/schema";
import { validateBuildArgName, validateBuildArgValue } from "./manifest";

export interface BuildImageConfig {
  /** Build context directory, relative to the project directory. */
  context: string;
  /** Dockerfile path, relative to the project directory. */
  dockerfile: string;
  /** Files and directories whose content defines the image, relative to the project directory. */
  inputs: string[];
  /** Build arguments; part of the manifest, so changing one changes the tag. */
  buildArgs: Record<string, string>;
}

export const DEFAULT_BUILD_IMAGE: Readonly<BuildImageConfig> = {
  context: "images/build",
  dockerfile: "images/build/Dockerfile",
  inputs: ["images/build"],
  buildArgs: {},
};

const buildImageSchema = strict({
  context: z.string().optional(),
  dockerfile: z.string().optional(),
  inputs: z
    .array(z.string())
    .min(1, { error: "lists no inputs; name at least one file or directory" })
    .optional(),
  buildArgs: z.record(z.string(), z.string()).optional(),
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
  };
  const before = problems.length;
  const expect = (key: string, value: string, kind: "file" | "dir" | "any") => {
    if (!isSafeRelativePath(value)) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} must be a relative path inside the project directory`,
      );
      return;
    }
    const found = ctx.pathKind(value);
    if (found === undefined || (kind !== "any" && found !== kind)) {
      problems.push(
        `buildenv:buildImage.${key}: ${show(value)} is not ${kind === "file" ? "a file" : kind === "dir" ? "a directory" : "a file or directory"} in the project directory`,
      );
    }
  };
  expect("context", config.context, "dir");
  expect("dockerfile", config.dockerfile, "file");
  config.inputs.forEach((input, i) => expect(`inputs[${i}]`, input, "any"));
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
