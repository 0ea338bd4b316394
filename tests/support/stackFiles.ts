import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { HARBOR_PASSWORD, REGISTRY_PASSWORD, REPO_ROOT, VSPHERE_PASSWORD } from "./stack";

/**
 * The config a stack file gives the program, plus the secrets its comments tell the user to
 * set (`pulumi config set --secret`), which a committed file cannot carry in clear text.
 */
export function stackFileConfig(file: string): {
  config: Record<string, unknown>;
  secretKeys: string[];
} {
  const document = parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as {
    config?: Record<string, unknown>;
  };
  const config: Record<string, unknown> = { ...(document.config ?? {}) };
  const secretKeys: string[] = [];
  const host = config["buildenv:host"] as { kind?: string } | undefined;
  if (host?.kind === "vch") {
    config["vsphere:password"] = VSPHERE_PASSWORD;
    config["vsphere:vsphereServer"] ??= "vcenter.example.com";
    config["vsphere:user"] ??= "buildenv@vsphere.local";
    secretKeys.push("vsphere:password");
  }
  const registry = config["buildenv:registry"] as { username?: string; kind?: string } | undefined;
  if (registry?.kind === "harbor") {
    config["harbor:password"] = HARBOR_PASSWORD;
    secretKeys.push("harbor:password");
  }
  if (registry?.username) {
    config["buildenv:registryPassword"] = REGISTRY_PASSWORD;
    secretKeys.push("buildenv:registryPassword");
  }
  return { config, secretKeys };
}
