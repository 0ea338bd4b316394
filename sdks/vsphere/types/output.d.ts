export interface GetNetworkFilter {
    /**
     * This is required if you have multiple port groups with the same name. This will be one of
     * `DistributedVirtualPortgroup` for distributed port groups, `Network` for standard
     * (host-based) port groups, or `OpaqueNetwork` for networks managed externally, such as those
     * managed by NSX.
     */
    networkType?: string;
}
