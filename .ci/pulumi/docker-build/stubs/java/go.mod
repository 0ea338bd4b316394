// Stands in for github.com/pulumi/pulumi-java, which the Go module proxy does not serve, so that
// pulumi-resource-docker-build compiles. The provider uses only java.PackageInfo, as metadata in
// its schema's `language` section (provider/internal/provider.go:107 at v0.0.22); the JSON names
// are those of that section in the published schema (docker-build.json `language.java`).
module github.com/pulumi/pulumi-java

go 1.22
