// The problems found, one entry per distinct problem (kind, request, message
// with its numbers blanked), with how often it happened, and the first input
// that caused it written to <out>/<id>.py (and what was asked, to <id>.json).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { StepInput, StepRef } from './step-ref.js';

export type FindingKind =
  'crash' | 'unresponsive' | 'timeout' | 'error-response' | 'stall' | 'internal-error' | 'logged-error' | 'invalid-response';

/** Kinds that fail the run; `--strict` fails on every kind. */
export const failingKinds: ReadonlySet<FindingKind> = new Set(['crash', 'unresponsive', 'timeout', 'error-response']);

export const kindTitles: Record<FindingKind, string> = {
  crash: 'crashes (the server exited)',
  unresponsive: 'unresponsive server (no answer after a time-out; restarted)',
  timeout: 'requests over the time limit',
  'error-response': 'error responses',
  stall: 'stalls',
  'internal-error': "internal errors reported as diagnostics ('internal-error')",
  'logged-error': 'errors the server logged (window/logMessage)',
  'invalid-response': 'answers that do not fit the document',
};

export interface Occurrence {
  readonly at: StepRef;
  readonly method?: string;
  readonly ms?: number;
  readonly params?: unknown;
}

export interface Finding {
  readonly id: number;
  readonly kind: FindingKind;
  readonly method?: string;
  readonly message: string;
  readonly first: Occurrence;
  /** The slowest occurrence (stalls, time-outs). */
  worst: Occurrence;
  count: number;
  readonly files: Set<string>;
  /** The reproduction file, relative to the repository. */
  readonly repro: string;
}

export interface FindingDetail {
  readonly method?: string;
  readonly message: string;
  readonly ms?: number;
  readonly params?: unknown;
  /** What makes two findings the same problem, beyond kind and method; by default the message with numbers blanked. */
  readonly signature?: string;
}

export function normalize(message: string): string {
  return message
    .replace(/file:\/\/\S+/g, '<uri>')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 300);
}

const stepKey = (at: StepRef): string => `${at.file}\u0000${at.step}`;

export class Findings {
  private readonly bySignature = new Map<string, Finding>();
  /** Steps with at least one finding, by kind. */
  private readonly problemSteps = new Map<string, Set<FindingKind>>();

  constructor(
    private readonly root: string,
    private readonly outDir: string,
    private readonly onNew: (finding: Finding) => void,
  ) {
    mkdirSync(outDir, { recursive: true });
  }

  record(kind: FindingKind, input: StepInput, detail: FindingDetail): Finding {
    const signature = `${kind}\u0000${detail.method ?? ''}\u0000${detail.signature ?? normalize(detail.message)}`;
    const { text, ...at } = input;
    const occurrence: Occurrence = { at, method: detail.method, ms: detail.ms, params: detail.params };
    const kinds = this.problemSteps.get(stepKey(at)) ?? new Set();
    this.problemSteps.set(stepKey(at), kinds.add(kind));
    const known = this.bySignature.get(signature);
    if (known) {
      known.count++;
      known.files.add(at.file);
      if ((detail.ms ?? 0) > (known.worst.ms ?? 0)) known.worst = occurrence;
      return known;
    }
    const id = this.bySignature.size + 1;
    const path = join(this.outDir, `${id}.py`);
    writeFileSync(path, text);
    const finding: Finding = {
      id,
      kind,
      ...(detail.method !== undefined && { method: detail.method }),
      message: detail.message,
      first: occurrence,
      worst: occurrence,
      count: 1,
      files: new Set([at.file]),
      repro: relative(this.root, path),
    };
    writeFileSync(join(this.outDir, `${id}.json`), JSON.stringify(toJson(finding), null, 2) + '\n');
    this.bySignature.set(signature, finding);
    this.onNew(finding);
    return finding;
  }

  all(): Finding[] {
    return [...this.bySignature.values()];
  }

  /** The kinds of problem a step had (empty: it passed). */
  kindsAt(at: StepRef): ReadonlySet<FindingKind> {
    return this.problemSteps.get(stepKey(at)) ?? new Set();
  }

  stepsWithProblems(): number {
    return this.problemSteps.size;
  }
}

export function toJson(finding: Finding): Record<string, unknown> {
  return {
    id: finding.id,
    kind: finding.kind,
    method: finding.method,
    message: finding.message,
    count: finding.count,
    files: [...finding.files],
    repro: finding.repro,
    first: finding.first,
    ...(finding.worst !== finding.first && { worst: finding.worst }),
  };
}
