/** Kept volumes (`keep: true`, every cache) keep the VCH volume stores they live in. */

// The package's index.d.ts re-exports two members its proxy.d.ts strips as internal, which
// fails type-checking without skipLibCheck; the `policy` module declares the whole public API.
import * as policy from "@pulumi/policy/policy";
import { COMMAND_TYPE, LABEL, VOLUME_TYPE } from "./common";
import { volumeLabels } from "./docker";
import { flagsInScript } from "./vch";

/**
 * (14) A stack with a kept volume (label `buildenv.keep` "true": a `keep: true` volume or a
 * cache of `buildenv:caches`) never deletes its VCH with `vic-machine delete --force`, which
 * deletes the VCH's volume stores and every volume in them (vmware/vic
 * lib/install/management/store_files.go:321-394): the volume survives `pulumi destroy` only in
 * the state (retainOnDelete), its data would be gone.
 */
export const keptVolumeStoresPolicy: policy.StackValidationPolicy = {
  name: "buildenv-kept-volumes-keep-stores",
  description: `No VCH delete script passes --force (which deletes the volume stores) in a stack with a volume labelled "${LABEL.keep}" "true".`,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const kept = args.resources
      .filter((r) => r.type === VOLUME_TYPE && volumeLabels(r.props).get(LABEL.keep) === "true")
      .map((r) => String(r.props.name ?? r.name))
      .sort();
    const forced = args.resources.filter((r) => {
      const script = r.props.delete;
      return (
        r.type === COMMAND_TYPE &&
        typeof script === "string" &&
        /vic-machine/.test(script) &&
        flagsInScript(script, ["--force"]).length > 0
      );
    });
    if (kept.length === 0 || forced.length === 0) {
      args.notApplicable("The stack has no kept volume or no VCH deleted with --force");
    }
    for (const command of forced) {
      reportViolation(
        `VCH delete script passes --force, which deletes the volume stores with the kept volume${kept.length > 1 ? "s" : ""} ${kept.join(", ")}; delete without --force while a volume is kept.`,
        command.urn,
      );
    }
  },
};
