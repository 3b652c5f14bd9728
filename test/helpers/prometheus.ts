/** One sample line of the Prometheus text exposition: `name{label="value",…} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** `# TYPE` of each metric family, by family name (a histogram's, without _bucket/_sum/_count). */
  types: Map<string, string>;
  /** The samples named `name` whose labels include `labels`. */
  select(name: string, labels?: Record<string, string>): Sample[];
  /** The one sample named `name` with exactly these labels, if any. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;

/** As Prometheus parses a value (Go's ParseFloat): NaN in any case, which prom-client writes `Nan`. */
function parseValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`bad sample value: ${text}`);
  return value;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = LABEL.exec(text)) !== null) {
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, escaped: string) =>
      escaped === "n" ? "\n" : escaped,
    );
    if (LABEL.lastIndex === text.length) return labels;
  }
  if (text.length > 0) throw new Error(`malformed labels in exposition line: ${line}`);
  return labels;
}

/** Parses the text format (version 0.0.4) that prom-client's Registry.metrics() answers. */
export function parseExposition(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`malformed exposition line: ${line}`);
    const value = parseValue(match[3]);
    samples.push({ name: match[1], labels: parseLabels(match[2] ?? "", line), value });
  }
  const select = (name: string, labels: Record<string, string> = {}) =>
    samples.filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
    );
  return {
    samples,
    types,
    select,
    value(name, labels = {}) {
      const wanted = Object.keys(labels).length;
      return select(name, labels).find((sample) => Object.keys(sample.labels).length === wanted)
        ?.value;
    },
  };
}

/** GET /metrics of a running server, parsed; fails unless it answers 200 in the text format. */
export async function scrapeMetrics(origin: string): Promise<Scrape> {
  const response = await fetch(`${origin}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/plain; version=0.0.4")) throw new Error(`content-type ${type}`);
  return parseExposition(await response.text());
}
