import { readFileSync, writeFileSync } from "node:fs";

/**
 * Writes src/lib/region-time-zones.json from the IANA zone.tab (tzdata): every ISO 3166 region
 * with the time zones it spans. Rerun when tzdata changes: `npx tsx scripts/generate-region-time-zones.ts`.
 */
const source = process.argv[2] ?? "/usr/share/zoneinfo/zone.tab";
const known = new Set(Intl.supportedValuesOf("timeZone"));
const regions: Record<string, string[]> = {};
for (const line of readFileSync(source, "utf8").split("\n")) {
  if (!line || line.startsWith("#")) continue;
  const [region, , zone] = line.split("\t");
  if (!known.has(zone)) continue;
  (regions[region] ??= []).push(zone);
}
const sorted = Object.fromEntries(Object.entries(regions).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(
  new URL("../lib/region-time-zones.json", import.meta.url),
  `${JSON.stringify(sorted, null, 0)}\n`,
);
console.log(`${Object.keys(sorted).length} regions`);
