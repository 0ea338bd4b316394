import * as outputs from "../types/output";
export interface RetentionPolicyRule {
    alwaysRetain?: boolean;
    disabled?: boolean;
    mostRecentlyPulled?: number;
    mostRecentlyPushed?: number;
    nDaysSinceLastPull?: number;
    nDaysSinceLastPush?: number;
    repoExcluding?: string;
    repoMatching?: string;
    tagExcluding?: string;
    tagMatching?: string;
    untaggedArtifacts?: boolean;
}
export interface RobotAccountPermission {
    accesses: outputs.RobotAccountPermissionAccess[];
    /**
     * Either `system` or `project`.
     */
    kind: string;
    /**
     * namespace is the name of your project. For kind `system` permissions, always use `/` as namespace. Use `*` to match all projects.
     */
    namespace: string;
}
export interface RobotAccountPermissionAccess {
    /**
     * Eg. `push`, `pull`, `read`, etc. Check [available actions](https://github.com/goharbor/harbor/blob/-/src/common/rbac/const.go).
     */
    action: string;
    /**
     * Either `allow` or `deny`. Defaults to `allow`.
     */
    effect?: string;
    /**
     * Eg. `repository`, `labels`, etc. Check [available resources](https://github.com/goharbor/harbor/blob/-/src/common/rbac/const.go).
     */
    resource: string;
}
