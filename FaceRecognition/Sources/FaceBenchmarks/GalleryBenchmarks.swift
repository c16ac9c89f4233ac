// Stub owned by the FR-service helper, who replaces it with the gallery benchmarks.
func runGalleryBenchmarks() async throws {}
