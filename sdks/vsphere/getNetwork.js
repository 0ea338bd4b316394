"use strict";
// Mirrors sdk/nodejs/getNetwork.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.getNetworkOutput = exports.getNetwork = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

function getNetwork(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invoke(
    "vsphere:index/getNetwork:getNetwork",
    {
      datacenterId: args.datacenterId,
      distributedVirtualSwitchUuid: args.distributedVirtualSwitchUuid,
      filters: args.filters,
      name: args.name,
      retryInterval: args.retryInterval,
      retryTimeout: args.retryTimeout,
      vpcId: args.vpcId,
      vpcProjectId: args.vpcProjectId,
    },
    opts,
  );
}
exports.getNetwork = getNetwork;

function getNetworkOutput(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invokeOutput(
    "vsphere:index/getNetwork:getNetwork",
    {
      datacenterId: args.datacenterId,
      distributedVirtualSwitchUuid: args.distributedVirtualSwitchUuid,
      filters: args.filters,
      name: args.name,
      retryInterval: args.retryInterval,
      retryTimeout: args.retryTimeout,
      vpcId: args.vpcId,
      vpcProjectId: args.vpcProjectId,
    },
    opts,
  );
}
exports.getNetworkOutput = getNetworkOutput;
