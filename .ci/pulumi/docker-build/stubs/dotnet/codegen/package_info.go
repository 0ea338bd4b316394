// Package codegen holds the one type pulumi-resource-docker-build takes from pulumi-dotnet.
package codegen

// CSharpPackageInfo is the C# part of a schema's `language` section.
type CSharpPackageInfo struct {
	PackageReferences    map[string]string `json:"packageReferences,omitempty"`
	RespectSchemaVersion bool              `json:"respectSchemaVersion,omitempty"`
}
