// Evaluations that answered with an error instead of values. Not failures by
// themselves — a refused budget, an untrusted input, a killed worker are
// answers — but unexpected ones point at engine bugs, so they are tallied.

import { normalize } from './findings.js';
import { stepRef, type StepRef } from './step-ref.js';

export interface EvaluationError {
  readonly message: string;
  count: number;
  readonly first: StepRef;
  /** Of these, how many had the worker killed by the fuzzer while they ran. */
  afterKill: number;
}

export class EvaluationErrors {
  private readonly byMessage = new Map<string, EvaluationError>();

  add(message: string, at: StepRef, workerKilled: boolean): void {
    const key = normalize(message);
    const known = this.byMessage.get(key) ?? { message, count: 0, first: stepRef(at), afterKill: 0 };
    known.count++;
    if (workerKilled) known.afterKill++;
    this.byMessage.set(key, known);
  }

  all(): EvaluationError[] {
    return [...this.byMessage.values()].sort((a, b) => b.count - a.count);
  }
}
