// Stands in for github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3, which the Go module
// proxy does not serve, so that pulumi-resource-docker-build compiles. The provider uses only
// codegen.CSharpPackageInfo, as schema metadata (provider/internal/provider.go:101 at v0.0.22);
// the JSON names are those of the published schema's `language.csharp`.
module github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3

go 1.22
