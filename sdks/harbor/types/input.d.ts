import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
export interface RetentionPolicyRule {
    alwaysRetain?: pulumi.Input<boolean>;
    disabled?: pulumi.Input<boolean>;
    mostRecentlyPulled?: pulumi.Input<number>;
    mostRecentlyPushed?: pulumi.Input<number>;
    nDaysSinceLastPull?: pulumi.Input<number>;
    nDaysSinceLastPush?: pulumi.Input<number>;
    repoExcluding?: pulumi.Input<string>;
    repoMatching?: pulumi.Input<string>;
    tagExcluding?: pulumi.Input<string>;
    tagMatching?: pulumi.Input<string>;
    untaggedArtifacts?: pulumi.Input<boolean>;
}
export interface RobotAccountPermission {
    accesses: pulumi.Input<pulumi.Input<inputs.RobotAccountPermissionAccess>[]>;
    /**
     * Either `system` or `project`.
     */
    kind: pulumi.Input<string>;
    /**
     * namespace is the name of your project. For kind `system` permissions, always use `/` as namespace. Use `*` to match all projects.
     */
    namespace: pulumi.Input<string>;
}
export interface RobotAccountPermissionAccess {
    /**
     * Eg. `push`, `pull`, `read`, etc. Check [available actions](https://github.com/goharbor/harbor/blob/-/src/common/rbac/const.go).
     */
    action: pulumi.Input<string>;
    /**
     * Either `allow` or `deny`. Defaults to `allow`.
     */
    effect?: pulumi.Input<string>;
    /**
     * Eg. `repository`, `labels`, etc. Check [available resources](https://github.com/goharbor/harbor/blob/-/src/common/rbac/const.go).
     */
    resource: pulumi.Input<string>;
}
