import { defineConfig } from "tsup";
import { inlineContractTypes } from "../../scripts/tsup-contract.mjs";

export default defineConfig({
	entry: ["src/index.ts"],
	format: ["esm"],
	dts: { compilerOptions: inlineContractTypes },
	clean: true,
	target: "node20",
	sourcemap: true,
	// tsup strips node: by default for old runtimes; Node 20 needs no such help.
	removeNodeProtocol: false,
});
