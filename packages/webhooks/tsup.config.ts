import { defineConfig } from "tsup";

export default defineConfig({
	entry: ["src/index.ts"],
	format: ["esm"],
	dts: true,
	clean: true,
	target: "node20",
	sourcemap: true,
	// tsup strips node: by default for old runtimes; Node 20 needs no such help.
	removeNodeProtocol: false,
});
