import * as pulumi from "@pulumi/pulumi";
/**
 * A Harbor project: the namespace repositories, robot accounts and policies belong to.
 */
export declare class Project extends pulumi.CustomResource {
    /**
     * Get an existing Project resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ProjectState, opts?: pulumi.CustomResourceOptions): Project;
    /**
     * Returns true if the given object is an instance of Project.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is Project;
    /**
     * Automatically generate SBOM for images pushed to this project. (Default: `false`) can only be used with Harbor version v2.11.0 and above
     */
    readonly autoSbomGeneration: pulumi.Output<boolean | undefined>;
    /**
     * Project allowlist allows vulnerabilities in this list to be ignored in this project when pushing and pulling images. Should be in the format or `["CVE-123", "CVE-145"]` or `["CVE-123"]`
     */
    readonly cveAllowlists: pulumi.Output<string[] | undefined>;
    /**
     * Prevent deployment of images with vulnerability severity equal or higher than the specified value. Images must be scanned before this takes effect. Possible values: `"critical"`, `"high"`, `"medium"`, `"low"`, `"none"`. (Default: `""` - empty)
     */
    readonly deploymentSecurity: pulumi.Output<string | undefined>;
    /**
     * Enables Content Trust for project. When enabled it queries the embedded docker notary server. (Default: `false`).
     */
    readonly enableContentTrust: pulumi.Output<boolean | undefined>;
    /**
     * Enables Content Trust Cosign for project. When enabled it queries Cosign. (Default: `false`)
     */
    readonly enableContentTrustCosign: pulumi.Output<boolean | undefined>;
    /**
     * A boolean that indicates all repositories should be deleted from the project so that the project can be destroyed without error. These repositories are *not* recoverable.
     */
    readonly forceDestroy: pulumi.Output<boolean | undefined>;
    /**
     * The name of the project that will be created in harbor.
     */
    readonly name: pulumi.Output<string>;
    /**
     * The project id of this resource.
     */
    readonly projectId: pulumi.Output<number>;
    /**
     * The project will be public accessibility.(Default: `false`)
     */
    readonly public: pulumi.Output<boolean | undefined>;
    /**
     * To enable project as Proxy Cache.
     */
    readonly registryId: pulumi.Output<number>;
    /**
     * The storage quota of the project in GB's.
     */
    readonly storageQuota: pulumi.Output<number | undefined>;
    /**
     * Images will be scanned for vulnerabilities when push to harbor. (Default: `true`)
     */
    readonly vulnerabilityScanning: pulumi.Output<boolean | undefined>;
    /**
     * Create a Project resource with the given unique name, arguments, and options.
     */
    constructor(name: string, args?: ProjectArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering Project resources.
 */
export interface ProjectState {
    /**
     * Automatically generate SBOM for images pushed to this project. (Default: `false`) can only be used with Harbor version v2.11.0 and above
     */
    autoSbomGeneration?: pulumi.Input<boolean>;
    /**
     * Project allowlist allows vulnerabilities in this list to be ignored in this project when pushing and pulling images. Should be in the format or `["CVE-123", "CVE-145"]` or `["CVE-123"]`
     */
    cveAllowlists?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Prevent deployment of images with vulnerability severity equal or higher than the specified value. Images must be scanned before this takes effect. Possible values: `"critical"`, `"high"`, `"medium"`, `"low"`, `"none"`. (Default: `""` - empty)
     */
    deploymentSecurity?: pulumi.Input<string>;
    /**
     * Enables Content Trust for project. When enabled it queries the embedded docker notary server. (Default: `false`).
     */
    enableContentTrust?: pulumi.Input<boolean>;
    /**
     * Enables Content Trust Cosign for project. When enabled it queries Cosign. (Default: `false`)
     */
    enableContentTrustCosign?: pulumi.Input<boolean>;
    /**
     * A boolean that indicates all repositories should be deleted from the project so that the project can be destroyed without error. These repositories are *not* recoverable.
     */
    forceDestroy?: pulumi.Input<boolean>;
    /**
     * The name of the project that will be created in harbor.
     */
    name?: pulumi.Input<string>;
    /**
     * The project id of this resource.
     */
    projectId?: pulumi.Input<number>;
    /**
     * The project will be public accessibility.(Default: `false`)
     */
    public?: pulumi.Input<boolean>;
    /**
     * To enable project as Proxy Cache.
     */
    registryId?: pulumi.Input<number>;
    /**
     * The storage quota of the project in GB's.
     */
    storageQuota?: pulumi.Input<number>;
    /**
     * Images will be scanned for vulnerabilities when push to harbor. (Default: `true`)
     */
    vulnerabilityScanning?: pulumi.Input<boolean>;
}
/**
 * The set of arguments for constructing a Project resource.
 */
export interface ProjectArgs {
    /**
     * Automatically generate SBOM for images pushed to this project. (Default: `false`) can only be used with Harbor version v2.11.0 and above
     */
    autoSbomGeneration?: pulumi.Input<boolean>;
    /**
     * Project allowlist allows vulnerabilities in this list to be ignored in this project when pushing and pulling images. Should be in the format or `["CVE-123", "CVE-145"]` or `["CVE-123"]`
     */
    cveAllowlists?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Prevent deployment of images with vulnerability severity equal or higher than the specified value. Images must be scanned before this takes effect. Possible values: `"critical"`, `"high"`, `"medium"`, `"low"`, `"none"`. (Default: `""` - empty)
     */
    deploymentSecurity?: pulumi.Input<string>;
    /**
     * Enables Content Trust for project. When enabled it queries the embedded docker notary server. (Default: `false`).
     */
    enableContentTrust?: pulumi.Input<boolean>;
    /**
     * Enables Content Trust Cosign for project. When enabled it queries Cosign. (Default: `false`)
     */
    enableContentTrustCosign?: pulumi.Input<boolean>;
    /**
     * A boolean that indicates all repositories should be deleted from the project so that the project can be destroyed without error. These repositories are *not* recoverable.
     */
    forceDestroy?: pulumi.Input<boolean>;
    /**
     * The name of the project that will be created in harbor.
     */
    name?: pulumi.Input<string>;
    /**
     * The project will be public accessibility.(Default: `false`)
     */
    public?: pulumi.Input<boolean>;
    /**
     * To enable project as Proxy Cache.
     */
    registryId?: pulumi.Input<number>;
    /**
     * The storage quota of the project in GB's.
     */
    storageQuota?: pulumi.Input<number>;
    /**
     * Images will be scanned for vulnerabilities when push to harbor. (Default: `true`)
     */
    vulnerabilityScanning?: pulumi.Input<boolean>;
}
