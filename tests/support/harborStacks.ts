/** The Harbor stacks and values the Harbor tests share. */
import * as fs from "fs";
import * as path from "path";
import { computeImageTag } from "../../components/image/manifest";
import { isSecretInput, reveal } from "./harness";
import { FIXTURES_DIR, HARBOR_ACCOUNT, REPO_ROOT, SHARED_FARM, vchStackConfig } from "./stack";

export const TAG = computeImageTag(REPO_ROOT, ["images/build"]).tag;
export const DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
export const REPO = "harbor.example.com/buildenv/build";
export const PROJECT = "harbor:index/project:Project";
export const ROBOT = "harbor:index/robotAccount:RobotAccount";
export const RETENTION = "harbor:index/retentionPolicy:RetentionPolicy";
export const IMMUTABLE = "harbor:index/immutableTagRule:ImmutableTagRule";
export const GC = "harbor:index/garbageCollection:GarbageCollection";
export const HEX40 =
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" +
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" +
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" +
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]";
/** The shared stack's Harbor administrator password (harbor:password). */
export const ADMIN_PASSWORD = "s3cret-harbor-admin";
export const CA_PEM = fs.readFileSync(path.join(FIXTURES_DIR, "registry-ca.pem"), "utf8");

/** The shared stack on Harbor, as Pulumi.ci.yaml declares it (stack `ci`). */
export function sharedHarbor(registry: Record<string, unknown> = {}): Record<string, unknown> {
  const config = vchStackConfig({
    "buildenv:owner": "platform",
    "buildenv:shared": "true",
    "buildenv:farm": SHARED_FARM,
    "buildenv:registry": {
      kind: "harbor",
      server: "harbor.example.com",
      project: "buildenv",
      ...registry,
    },
    "buildenv:github": { repositories: ["tools", "app"] },
    "harbor:username": "buildenv-admin",
    "harbor:password": ADMIN_PASSWORD,
  });
  delete config["buildenv:expiresAt"];
  delete config["buildenv:registryPassword"];
  // The platform's VCH is buildenv-platform, and its volume stores are folders of its own.
  config["buildenv:host"] = JSON.parse(
    JSON.stringify(config["buildenv:host"]).replace(/buildenv-alice/g, "buildenv-platform"),
  );
  return config;
}

/** A developer's stack on the team's Harbor project. */
export function developerHarbor(registry: Record<string, unknown> = {}): Record<string, unknown> {
  const config = vchStackConfig({
    "buildenv:registry": {
      kind: "harbor",
      server: "harbor.example.com",
      project: "buildenv",
      ...registry,
    },
    ...HARBOR_ACCOUNT,
  });
  delete config["buildenv:registryPassword"];
  return config;
}

export const allow = (action: "pull" | "push") => ({
  action,
  resource: "repository",
  effect: "allow",
});

/** Every string inside a recorded value, with whether it sits inside a secret envelope. */
export function strings(value: unknown, secret = false): { text: string; secret: boolean }[] {
  if (isSecretInput(value)) return strings(reveal(value), true);
  if (typeof value === "string") {
    // Provider config of list type arrives as JSON text.
    if (/^[[{]/.test(value)) {
      try {
        return strings(JSON.parse(value), secret);
      } catch {
        // not JSON: plain text
      }
    }
    return [{ text: value, secret }];
  }
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, secret));
  if (value && typeof value === "object") {
    return Object.values(value).flatMap((v) => strings(v, secret));
  }
  return [];
}
