"use strict";
// Mirrors sdk/nodejs/getHostThumbprint.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.getHostThumbprintOutput = exports.getHostThumbprint = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

function getHostThumbprint(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invoke(
    "vsphere:index/getHostThumbprint:getHostThumbprint",
    {
      address: args.address,
      insecure: args.insecure,
      port: args.port,
    },
    opts,
  );
}
exports.getHostThumbprint = getHostThumbprint;

function getHostThumbprintOutput(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invokeOutput(
    "vsphere:index/getHostThumbprint:getHostThumbprint",
    {
      address: args.address,
      insecure: args.insecure,
      port: args.port,
    },
    opts,
  );
}
exports.getHostThumbprintOutput = getHostThumbprintOutput;
