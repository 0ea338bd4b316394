import * as vsphere from "@pulumi/vsphere";
import { describeSdkStandIn } from "../support/sdkStandIn";

// The local stand-in for @pulumi/vsphere (sdks/vsphere) against the vSphere provider schema.
describeSdkStandIn({
  packageName: "@pulumi/vsphere",
  pinnedVersion: "4.17.0",
  pluginDownloadURL: "",
  schemaFileName: "vsphere.json",
  pulumiBlock: { resource: true, name: "vsphere", version: "4.17.0" },
  module: vsphere,
  classes: ["Folder", "Provider", "ResourcePool"],
  functions: [
    "getComputeCluster",
    "getDatacenter",
    "getDatastore",
    "getHostThumbprint",
    "getNetwork",
    "getResourcePool",
  ],
  // ResourcePool requires parentResourcePoolId; Folder requires path and type.
  minRequiredInputs: 3,
  config: {
    set: { "vsphere:user": "administrator@vsphere.local", "vsphere:allowUnverifiedSsl": true },
    expect: { user: "administrator@vsphere.local", allowUnverifiedSsl: true },
  },
});
