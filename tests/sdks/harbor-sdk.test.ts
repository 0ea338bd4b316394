import * as harbor from "@pulumiverse/harbor";
import { describeSdkStandIn } from "../support/sdkStandIn";

// The local stand-in for @pulumiverse/harbor (sdks/harbor) against the Harbor provider schema
// (pulumiverse/pulumi-harbor v3.10.21).
describeSdkStandIn({
  packageName: "@pulumiverse/harbor",
  pinnedVersion: "3.10.21",
  pluginDownloadURL: "github://api.github.com/pulumiverse/pulumi-harbor",
  schemaFileName: "harbor.json",
  pulumiBlock: {
    resource: true,
    name: "harbor",
    version: "3.10.21",
    server: "github://api.github.com/pulumiverse/pulumi-harbor",
  },
  module: harbor,
  classes: [
    "GarbageCollection",
    "ImmutableTagRule",
    "Project",
    "Provider",
    "RetentionPolicy",
    "RobotAccount",
  ],
  functions: [],
  // RobotAccount: level, permissions; RetentionPolicy: rules, scope; ImmutableTagRule:
  // projectId; GarbageCollection: schedule.
  minRequiredInputs: 6,
  config: {
    set: { "harbor:url": "https://harbor.example.com", "harbor:insecure": false },
    expect: { url: "https://harbor.example.com", insecure: false, apiVersion: 2 },
  },
});
