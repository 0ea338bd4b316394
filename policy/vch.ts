/** Virtual Container Hosts: TLS kept on, volume stores in the store folder. */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";
import { storeFolderProblem } from "../components/vic/vicMachine";
import { COMMAND_TYPE, validateTypes } from "./common";

/** vic-machine flags that turn off TLS or the verification of client certificates. */
export const TLS_DISABLING_FLAGS: readonly string[] = [
  "--no-tls",
  "--no-tlsverify",
  "--no-tls-verify",
];

const VIC_MACHINE = /vic-machine/;

/**
 * The given flags that occur in a shell script as whole words: `--no-tls` matches `--no-tls`,
 * `"--no-tls"` and `--no-tls=true`, but not `--no-tlsverify`. The whole script is searched rather
 * than the vic-machine invocation alone, so flags passed through a variable are caught as well.
 */
export function flagsInScript(script: string, flags: readonly string[]): string[] {
  return flags.filter((flag) => {
    const literal = flag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(?<![\\w-])${literal}(?![\\w-])`).test(script);
  });
}

/**
 * (3) VCH lifecycle commands never disable TLS and never force a create (which would re-install
 * over an existing VCH and ignore warnings). A command counts as a VCH command when any of its
 * scripts runs vic-machine; `--force` is allowed in the delete script, where it removes a VCH
 * that still has containers. The short form `-f` is not looked for: searching whole scripts, it
 * would match `rm -f` and `test -f`.
 */
export const vchTlsPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-vch-tls-required",
  description:
    "VCH commands never pass --no-tls, --no-tlsverify or --no-tls-verify to vic-machine, " +
    "nor --force to its create.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([COMMAND_TYPE], (props, args, reportViolation) => {
    const scripts = (["create", "update", "delete"] as const).flatMap((field) => {
      const script = props[field];
      return typeof script === "string" ? [{ field, script }] : [];
    });
    if (!scripts.some(({ script }) => VIC_MACHINE.test(script))) {
      args.notApplicable("Policy only applies to commands that run vic-machine");
    }
    for (const { field, script } of scripts) {
      for (const flag of flagsInScript(script, TLS_DISABLING_FLAGS)) {
        reportViolation(`VCH ${field} script passes ${flag}, which disables TLS verification.`);
      }
    }
    const create = scripts.find(({ field }) => field === "create");
    if (create && flagsInScript(create.script, ["--force"]).length > 0) {
      reportViolation(
        "VCH create script passes --force, which re-installs over an existing VCH and ignores warnings.",
      );
    }
  }),
};

/**
 * The words of a shell script as the shell splits them, with quotes removed (`'...'`, `"..."`
 * with backslash escapes, and bare text, concatenated within a word). Expansions are left as
 * written; comments and line continuations are dropped.
 */
export function shellWords(script: string): string[] {
  const words: string[] = [];
  const text = script.replace(/\\\n/g, " ").replace(/(^|\s)#[^\n]*/g, "$1");
  const word = /(?:'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^\s'"\\])+/g;
  for (const match of text.matchAll(word)) {
    const parts = match[0].match(/'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^'"\\]+/g) ?? [];
    words.push(
      parts
        .map((part) =>
          part.startsWith("'")
            ? part.slice(1, -1)
            : part.startsWith('"')
              ? part.slice(1, -1).replace(/\\(.)/g, "$1")
              : part.startsWith("\\")
                ? part.slice(1)
                : part,
        )
        .join(""),
    );
  }
  return words;
}

/** The values given to `--<flag>` in a script, as `--flag=value` or `--flag value`. */
export function flagValues(script: string, flag: string): string[] {
  const words = shellWords(script);
  const values: string[] = [];
  words.forEach((w, i) => {
    if (w.startsWith(`--${flag}=`)) values.push(w.slice(flag.length + 3));
    else if (w === `--${flag}` && i + 1 < words.length) values.push(words[i + 1]);
  });
  return values;
}

/**
 * (3b) Every volume store of a VCH is a folder of its own, `[<folder>/]vch/<VCH name>`: VIC
 * keeps all volumes directly under `<store>/volumes/` with nothing per VCH in the path, and
 * `vic-machine delete --force` deletes the whole store folder (store_files.go:321-394), so a
 * folder shared with, or containing, another VCH's store loses that VCH's volumes.
 */
export const vchVolumeStoreFolderPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-vch-own-volume-store",
  description:
    "Every --volume-store of a VCH create script is a datastore folder of that VCH alone, " +
    "<folder>/vch/<VCH name>, so deleting one VCH with --force cannot delete another's volumes.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([COMMAND_TYPE], (props, args, reportViolation) => {
    const create = props["create"];
    if (typeof create !== "string" || !VIC_MACHINE.test(create)) {
      args.notApplicable("Policy only applies to commands that run vic-machine");
    }
    const script = create as string;
    const stores = [...new Set(flagValues(script, "volume-store"))];
    const names = [...new Set(flagValues(script, "name"))];
    if (stores.length === 0) {
      return;
    }
    if (names.length !== 1) {
      reportViolation(
        `VCH create script names ${names.length} VCHs (--name); expected exactly one, to check its volume stores against.`,
      );
      return;
    }
    for (const store of stores) {
      const colon = store.lastIndexOf(":");
      const location = colon < 0 ? store : store.slice(0, colon);
      const slash = location.indexOf("/");
      const folder = slash < 0 ? "" : location.slice(slash + 1);
      const problem = storeFolderProblem(folder, names[0]);
      if (problem) {
        reportViolation(
          `VCH "${names[0]}" volume store "${store}": folder "${folder}" ${problem}.`,
        );
      }
    }
  }),
};

export const RESOURCE_POOL_TYPE = "vsphere:index/resourcePool:ResourcePool";

/**
 * (12) Every VCH is created inside the build farm's pool: its create script's
 * `--compute-resource` is a pool path `<cluster>/Resources/<pool>` (the form VIC's own tests
 * accept: lib/install/validate/validator_test.go:300-301), not the cluster itself, whose root
 * pool would put the VCH beside the farm instead of under its budget.
 */
export const vchInFarmPoolPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-vch-in-farm-pool",
  description: "Every VCH's create passes --compute-resource=<cluster>/Resources/<farm pool>.",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([COMMAND_TYPE], (props, args, reportViolation) => {
    const create = props.create;
    if (typeof create !== "string" || !VIC_MACHINE.test(create)) {
      args.notApplicable("Policy only applies to commands whose create runs vic-machine");
    }
    const values = flagValues(create as string, "compute-resource");
    if (values.length === 0) {
      reportViolation(
        "VCH create script passes no --compute-resource; give the farm pool, <cluster>/Resources/<pool> (buildenv:farm).",
      );
    }
    for (const value of values) {
      if (!/^[^/]+\/Resources\/[^/]+$/.test(value)) {
        reportViolation(
          `VCH create script passes --compute-resource=${value}, outside the build farm's pool; use <cluster>/Resources/<pool> (buildenv:farm).`,
        );
      }
    }
  }),
};

/**
 * (13) The build farm's pool has a budget: a CPU or a memory limit. vSphere's -1 (the provider's
 * default, vsphere.json ResourcePool cpuLimit/memoryLimit) is unlimited, so a pool without one
 * caps nothing.
 */
export const farmPoolLimitPolicy: policy.ResourceValidationPolicy = {
  name: "buildenv-farm-pool-limit",
  description: "Every vSphere resource pool sets a CPU or memory limit (not -1, unlimited).",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([RESOURCE_POOL_TYPE], (props, _args, reportViolation) => {
    const limited = (["cpuLimit", "memoryLimit"] as const).filter((key) => {
      const value = props[key];
      return typeof value === "number" && value >= 0;
    });
    if (limited.length === 0) {
      reportViolation(
        `Resource pool ${JSON.stringify(props.name)} has no CPU or memory limit; set buildenv:farm.cpuLimitMHz or memoryLimitMB.`,
      );
    }
  }),
};
