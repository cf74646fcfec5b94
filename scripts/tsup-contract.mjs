// @prolope/contract is private, never published: each published package bundles the generated code it
// uses (the contract is a devDependency, which tsup bundles) and must inline its types into its own
// .d.ts. tsup's d.ts step resolves packages without reading `exports`, so it is pointed at the
// contract's sources by path, and the rootDir widened to take them in. Every package sits in packages/.

/** tsup `dts` compiler options that inline @prolope/contract's types. */
export const inlineContractTypes = {
  rootDir: '..',
  paths: { '@prolope/contract/*': ['../contract/src/generated/*.ts'] },
};
