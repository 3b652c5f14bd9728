import { readFileSync } from "node:fs";
import { printSubgraphSchema } from "@apollo/subgraph";
import { buildGatewaySchema } from "../schema";

/** Prints the subgraph SDL; with --check, fails when schema.graphql differs from the code. */
const sdl = `${printSubgraphSchema(await buildGatewaySchema()).trim()}\n`;
if (process.argv.includes("--check")) {
  const committed = readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8");
  if (committed !== sdl) {
    console.error(
      "schema.graphql is out of date with the code: run `npm run schema` and commit it.",
    );
    process.exit(1);
  }
  console.log("schema.graphql matches the code.");
} else {
  process.stdout.write(sdl);
}
