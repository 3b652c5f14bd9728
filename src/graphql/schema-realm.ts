import { createRequire } from "node:module";

/**
 * The graphql-js that built the schema: the CommonJS build, which type-graphql and
 * @apollo/subgraph load. An `import` from our ES modules gets the ES module build, whose
 * instanceof-based checks (execute, isListType, isObjectType, …) refuse that schema's types as
 * "from another module or realm". Whatever inspects or runs the schema takes its functions here.
 */
export const schemaGraphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");
