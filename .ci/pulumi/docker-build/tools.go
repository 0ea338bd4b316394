//go:build tools

// Package tools pins the provider's main package, so `go mod tidy` keeps what `go build` needs.
package tools

import _ "github.com/pulumi/pulumi-docker-build/provider/cmd/pulumi-resource-docker-build"
