"use strict";
// Mirrors sdk/nodejs/project.ts of pulumi-harbor v3.10.21 as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.Project = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

class Project extends pulumi.CustomResource {
  static get(name, id, state, opts) {
    return new Project(name, state, { ...opts, id: id });
  }

  /** @internal */
  static __pulumiType = "harbor:index/project:Project";

  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === Project.__pulumiType;
  }

  constructor(name, argsOrState, opts) {
    let resourceInputs = {};
    opts = opts || {};
    if (opts.id) {
      const state = argsOrState;
      resourceInputs["autoSbomGeneration"] = state?.autoSbomGeneration;
      resourceInputs["cveAllowlists"] = state?.cveAllowlists;
      resourceInputs["deploymentSecurity"] = state?.deploymentSecurity;
      resourceInputs["enableContentTrust"] = state?.enableContentTrust;
      resourceInputs["enableContentTrustCosign"] = state?.enableContentTrustCosign;
      resourceInputs["forceDestroy"] = state?.forceDestroy;
      resourceInputs["name"] = state?.name;
      resourceInputs["projectId"] = state?.projectId;
      resourceInputs["public"] = state?.public;
      resourceInputs["registryId"] = state?.registryId;
      resourceInputs["storageQuota"] = state?.storageQuota;
      resourceInputs["vulnerabilityScanning"] = state?.vulnerabilityScanning;
    } else {
      const args = argsOrState;

      resourceInputs["autoSbomGeneration"] = args?.autoSbomGeneration;
      resourceInputs["cveAllowlists"] = args?.cveAllowlists;
      resourceInputs["deploymentSecurity"] = args?.deploymentSecurity;
      resourceInputs["enableContentTrust"] = args?.enableContentTrust;
      resourceInputs["enableContentTrustCosign"] = args?.enableContentTrustCosign;
      resourceInputs["forceDestroy"] = args?.forceDestroy;
      resourceInputs["name"] = args?.name;
      resourceInputs["public"] = args?.public;
      resourceInputs["registryId"] = args?.registryId;
      resourceInputs["storageQuota"] = args?.storageQuota;
      resourceInputs["vulnerabilityScanning"] = args?.vulnerabilityScanning;
      resourceInputs["projectId"] = undefined; /*out*/
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    super(Project.__pulumiType, name, resourceInputs, opts);
  }
}
exports.Project = Project;
