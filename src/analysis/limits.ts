// The budgets one analysis runs within, and how it stops when one is spent.

export interface Limits {
  /** Statements and calls interpreted before the analysis gives up on a file. */
  readonly maxSteps: number;
  /** Nesting of one expression (`((((x))))`, `1 + 2 + … + n`) beyond which it is not evaluated. */
  readonly maxExpressionDepth: number;
  readonly maxCallDepth: number;
  readonly maxLoopIterations: number;
  /** Wall-clock time the interpretation may take, whatever the steps cost: the file is cut there, keeping what was found. */
  readonly maxMilliseconds: number;
  /** Longer files are analysed up to the top-level statement that starts before this many characters. */
  readonly maxSourceCharacters: number;
}

export const defaultLimits: Limits = {
  maxSteps: 2_000_000,
  maxExpressionDepth: 200,
  maxCallDepth: 64,
  maxLoopIterations: 10_000,
  maxMilliseconds: 700,
  maxSourceCharacters: 400_000,
};

/** Thrown through every frame when a budget is spent; the analysis keeps what it found. */
export class BudgetSpent extends Error {}

export function budgetSpent(after: string): BudgetSpent {
  return new BudgetSpent(
    `Analysis stopped after ${after}: the file is too large or loops too long to analyse completely. What comes before this statement is analysed; the rest is not.`,
  );
}

/** How often (in steps) the clock is read: reading it costs more than a step. */
export const clockInterval = 1024;
