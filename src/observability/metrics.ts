import { answerWithin } from "../lib/deadline";
import type { OperationRecord } from "./access-log";
import type pg from "pg";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import {
  FastCounter,
  FastHistogram,
  type CounterSeries,
  type HistogramSeries,
} from "./fast-metrics";
import {
  BoundedLabels,
  OPERATION_TYPES,
  operationTypeIndex,
  OTHER,
  type OperationTypeIndex,
} from "./bounded-labels";

/** One GraphQL request as it was answered: what GET /metrics counts of it. */
export type { OperationRecord };

/** Work accepted but not yet done by a background worker. */
export interface OutboxStatus {
  depth: number;
  /** When the longest-waiting item was due; null when the outbox is empty. */
  oldestAt: Date | null;
}

/** What the pool gauges read of a pg.Pool at scrape time. */
export type PoolCounts = Pick<pg.Pool, "totalCount" | "idleCount" | "waitingCount">;

export interface MetricsOptions {
  /** The real-Postgres pool; null on PGlite, which has one in-process connection and no pool. */
  pool: PoolCounts | null;
  /** How long a scrape waits for the outbox counts before it answers without them. */
  outboxDeadlineMs: number;
}

/**
 * Operation names labelled as themselves. Clients choose them, so each new one is a new series
 * in Prometheus for as long as it keeps the data: 200 is far more than the operations our clients
 * send, and at 4 types × 14 buckets still a bounded scrape.
 */
export const MAX_OPERATION_NAMES = 200;
/** A GraphQL name (the parser admits no other) of at most 64 characters. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
/** The operation_name of a request that names none. */
export const ANONYMOUS = "(anonymous)";
/** Error codes are ours and Apollo's; bounded all the same, as a subgraph's could leak through. */
const MAX_ERROR_CODES = 64;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATEMENT_BUCKETS = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

let processMetrics: Registry | undefined;

/**
 * The process's own metrics (CPU, memory, handles, GC, event-loop lag), registered once per
 * process and shared by every app in it: they describe the process, and collectDefaultMetrics
 * starts an event-loop monitor and a GC observer that nothing stops.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * One app's Prometheus metrics, in a registry of its own (tests start several apps in one
 * process), merged with the process's for GET /metrics. Per request it costs a few map lookups
 * and observations on children made once; the pool and outbox gauges are read only when scraped.
 */
export class Metrics {
  /** What GET /metrics answers: this app's metrics and the process's. */
  readonly registry: Registry;
  private readonly own = new Registry();
  private readonly durations: BoundedLabels<HistogramSeries>;
  private readonly errors: BoundedLabels<Counter.Internal>;
  private readonly statements: HistogramSeries[];
  private readonly responses = new Map<number, CounterSeries>();
  private readonly responseCounter: FastCounter;
  private readonly batchSizes: Histogram<"group_commit">;
  private readonly batchObservers = new Map<string, (size: number) => void>();
  private readonly outboxes = new Map<string, () => Promise<OutboxStatus>>();
  private outboxReading: Promise<Map<string, OutboxStatus>> | null = null;

  constructor(private readonly options: MetricsOptions) {
    const registers = [this.own];
    const duration = new FastHistogram(
      "switchboard_graphql_operation_duration_seconds",
      "GraphQL requests by operation: time from the request's arrival to its answer",
      ["operation_name", "operation_type"],
      LATENCY_BUCKETS,
      registers,
    );
    this.durations = new BoundedLabels(
      MAX_OPERATION_NAMES,
      OPERATION_NAME,
      (name, type) => duration.labels(name, type),
      [ANONYMOUS],
    );
    const errors = new Counter({
      name: "switchboard_graphql_errors_total",
      help: "Errors in GraphQL answers, by extensions.code and operation type",
      labelNames: ["code", "operation_type"],
      registers,
    });
    this.errors = new BoundedLabels(MAX_ERROR_CODES, ERROR_CODE, (code, type) =>
      errors.labels(code, type),
    );
    const statements = new FastHistogram(
      "switchboard_graphql_sql_statements",
      "SQL statements one GraphQL request made, by operation type",
      ["operation_type"],
      STATEMENT_BUCKETS,
      registers,
    );
    this.statements = OPERATION_TYPES.map((type) => statements.labels(type));
    this.responseCounter = new FastCounter(
      "switchboard_graphql_responses_total",
      "GraphQL requests answered, by HTTP status",
      ["status"],
      registers,
    );
    this.batchSizes = new Histogram({
      name: "switchboard_group_commit_batch_size",
      help: "Inputs written together by one batch of a group commit, by what it writes",
      labelNames: ["group_commit"],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.definePoolGauge(registers);
    this.defineOutboxGauges(registers);
    this.registry = Registry.merge([processRegistry(), this.own]);
  }

  /** Counts one GraphQL request; called once per request, on its answer. */
  observeOperation(record: OperationRecord): void {
    const type = operationTypeIndex(record.operationType);
    this.durations.child(this.nameLabel(record, type), type).observe(record.durationMs / 1000);
    this.statements[type].observe(record.sqlStatements);
    this.responseChild(record.status).inc();
    for (const code of record.errorCodes) this.errors.child(code, type).inc();
  }

  /** The `onBatch` of the group commit named `groupCommit` (lib/group-commit.ts). */
  batchSizeObserver(groupCommit: string): (size: number) => void {
    let observe = this.batchObservers.get(groupCommit);
    if (!observe) {
      const child = this.batchSizes.labels(groupCommit);
      observe = (size) => child.observe(size);
      this.batchObservers.set(groupCommit, observe);
    }
    return observe;
  }

  /**
   * Reports an outbox's depth and oldest age, read at each scrape. `status` counts across every
   * organization: an operational figure, no tenant's data.
   */
  watchOutbox(outbox: string, status: () => Promise<OutboxStatus>): void {
    this.outboxes.set(outbox, status);
  }

  /**
   * A name is labelled only when the operation was found in the document: a document that did not
   * parse or validate says nothing about the client's operations, and would let garbage take the
   * bounded names.
   */
  private nameLabel(record: OperationRecord, type: OperationTypeIndex): string {
    if (record.operationName === null) return ANONYMOUS;
    return type === 3 ? OTHER : record.operationName;
  }

  private responseChild(status: number): CounterSeries {
    let child = this.responses.get(status);
    if (!child) {
      // The server chooses statuses; anything else is a bug, counted without growing the map.
      const valid = Number.isInteger(status) && status >= 100 && status <= 599;
      child = this.responseCounter.labels(valid ? String(status) : OTHER);
      if (valid) this.responses.set(status, child);
    }
    return child;
  }

  private definePoolGauge(registers: Registry[]): void {
    const { pool } = this.options;
    new Gauge({
      name: "switchboard_db_pool_connections",
      help: "Postgres pool connections: total open, idle, and requests waiting for one (none on PGlite)",
      labelNames: ["state"],
      registers,
      collect() {
        if (!pool) return;
        this.set({ state: "total" }, pool.totalCount);
        this.set({ state: "idle" }, pool.idleCount);
        this.set({ state: "waiting" }, pool.waitingCount);
      },
    });
  }

  private defineOutboxGauges(registers: Registry[]): void {
    const depth = new Gauge({
      name: "switchboard_outbox_depth",
      help: "Work accepted and not yet done by a background worker, across organizations",
      labelNames: ["outbox"],
      registers,
      collect: async () => {
        const statuses = await this.readOutboxes();
        depth.reset();
        for (const [outbox, status] of statuses) depth.set({ outbox }, status.depth);
      },
    });
    const oldestAge = new Gauge({
      name: "switchboard_outbox_oldest_age_seconds",
      help: "How long the outbox's longest-waiting item has been due (0 when empty)",
      labelNames: ["outbox"],
      registers,
      collect: async () => {
        const statuses = await this.readOutboxes();
        const now = Date.now();
        oldestAge.reset();
        for (const [outbox, { oldestAt }] of statuses) {
          const age = oldestAt ? Math.max(0, (now - oldestAt.getTime()) / 1000) : 0;
          oldestAge.set({ outbox }, age);
        }
      },
    });
  }

  /**
   * One reading per scrape, shared by the depth and age gauges (the registry collects them side by
   * side). An outbox whose count fails or is late is left out of this scrape rather than holding
   * it: /metrics answers while the database does not, and its statements have deadlines of their
   * own.
   */
  private readOutboxes(): Promise<Map<string, OutboxStatus>> {
    this.outboxReading ??= this.readOutboxesWithinDeadline().finally(() => {
      this.outboxReading = null;
    });
    return this.outboxReading;
  }

  private async readOutboxesWithinDeadline(): Promise<Map<string, OutboxStatus>> {
    const read = new Map<string, OutboxStatus>();
    await Promise.all(
      [...this.outboxes].map(async ([outbox, status]) => {
        try {
          const answer = await answerWithin(status(), this.options.outboxDeadlineMs);
          if (answer) read.set(outbox, answer);
        } catch {
          // Unreachable or refused: this scrape goes without it.
        }
      }),
    );
    return read;
  }
}
