// Kept by hand in step with package.json: reading package.json at run time would need a Node
// import or a JSON import attribute, and the core must stay platform-neutral.
export const VERSION = '0.1.0';
