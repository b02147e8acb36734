// What an editor asks after an edit, as one step: hovers over names on the
// last lines (and one anywhere), the code actions at the first of them, inlay
// hints for the whole document, code lenses, the tensor list, and sometimes the
// values of one listed tensor.

import { CodeActionRequest, CodeLensRequest, HoverRequest, InlayHintRequest } from 'vscode-languageserver-protocol/node';
import { evaluateTensorRequest, listTensorsRequest, type ListTensorsResult, type TensorEvaluation } from '../../src/protocol/lsp.js';
import type { EvaluationErrors } from './evaluation-errors.js';
import type { Findings } from './findings.js';
import type { FuzzOptions } from './options.js';
import type { Random } from './random.js';
import type { Session } from './session.js';
import { endPosition, lines, namePositions, randomPosition } from './text-positions.js';
import { checkCodeActions, checkCodeLenses, checkHover, checkInlayHints, checkTensors, DocumentShape } from './validate.js';

export interface StepContext {
  readonly session: Session;
  readonly findings: Findings;
  readonly evaluationErrors: EvaluationErrors;
  readonly options: FuzzOptions;
  readonly random: Random;
}

export interface StepDocument {
  readonly uri: string;
  readonly text: string;
  readonly version: number;
  /** Kill the worker a few milliseconds after asking for an evaluation (or at the end of the step, if there is none). */
  readonly killDuringEvaluation: boolean;
}

/** Runs the requests of one step; false when the file must be abandoned (the server crashed or hung). */
export async function stepRequests(context: StepContext, { uri, text, version, killDuringEvaluation }: StepDocument): Promise<boolean> {
  const { session, findings, random } = context;
  const shape = new DocumentShape(lines(text).map((line) => line.length));
  const invalid = (method: string, problem: string | undefined, params: unknown): void => {
    if (problem) findings.record('invalid-response', session.current!, { method, message: problem, params });
  };
  const textDocument = { uri };

  const positions = namePositions(text, random, 3);
  if (positions.length === 0 || random.chance(0.3)) positions.push(randomPosition(text, random));
  for (const position of positions) {
    const params = { textDocument, position };
    const hover = await session.call(HoverRequest.method, params);
    if (hover.ok) invalid(HoverRequest.method, checkHover(shape, hover.result), params);
    else if (hover.abandon) return false;
  }

  const at = positions[0]!;
  const actionParams = { textDocument, range: { start: at, end: at }, context: { diagnostics: [] } };
  const actions = await session.call(CodeActionRequest.method, actionParams);
  if (actions.ok) invalid(CodeActionRequest.method, checkCodeActions(shape, uri, actions.result), actionParams);
  else if (actions.abandon) return false;

  const inlayParams = { textDocument, range: { start: { line: 0, character: 0 }, end: endPosition(text) } };
  const hints = await session.call(InlayHintRequest.method, inlayParams);
  if (hints.ok) invalid(InlayHintRequest.method, checkInlayHints(shape, hints.result), inlayParams);
  else if (hints.abandon) return false;

  const lensParams = { textDocument };
  const lenses = await session.call(CodeLensRequest.method, lensParams);
  if (lenses.ok) invalid(CodeLensRequest.method, checkCodeLenses(shape, lenses.result), lensParams);
  else if (lenses.abandon) return false;

  const listParams = { uri };
  const listed = await session.call<ListTensorsResult>(listTensorsRequest, listParams);
  if (!listed.ok) return !listed.abandon;
  invalid(listTensorsRequest, checkTensors(shape, listed.result, version), listParams);

  const evaluable = (listed.result?.tensors ?? []).filter((tensor) => !tensor.notEvaluable);
  if (evaluable.length === 0 || !random.chance(context.options.evaluateRate)) {
    if (killDuringEvaluation) session.killWorker();
    return true;
  }
  const tensor = random.pick(evaluable);
  const params = { uri, position: tensor.range.start };
  const sentAt = performance.now();
  if (killDuringEvaluation) setTimeout(() => session.killWorker(), random.int(0, 50)).unref();
  const evaluated = await session.call<TensorEvaluation>(evaluateTensorRequest, params, context.options.evaluationStallMs);
  if (evaluated.ok && evaluated.result?.error)
    context.evaluationErrors.add(evaluated.result.error, session.current!, session.lastKillAt >= sentAt);
  return evaluated.ok || !evaluated.abandon;
}
