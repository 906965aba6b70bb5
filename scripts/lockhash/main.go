// Command lockhash prints the h1: hash that Terraform and OpenTofu record in .terraform.lock.hcl
// for a provider package, computed from the release zip alone, so that scripts/release-check.sh
// can check the lock file `terraform init` writes against an independent computation.
//
// Terraform's "h1:" scheme is the Go module directory hash (golang.org/x/mod/sumdb/dirhash,
// Hash1) over the files in the package, named as they are in the zip: the hash of a zip and of
// the directory it unpacks to are equal. Using dirhash here, rather than rewriting it, keeps
// this the same algorithm the CLIs use, by the same code.
//
//	go run ./scripts/lockhash dist/terraform-provider-nova_0.0.1-dev_linux_amd64.zip
package main

import (
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/dirhash"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: lockhash <provider package .zip>")
		os.Exit(2)
	}
	hash, err := dirhash.HashZip(os.Args[1], dirhash.Hash1)
	if err != nil {
		fmt.Fprintf(os.Stderr, "lockhash: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(hash)
}
