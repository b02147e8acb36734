// The analysis's diagnostics as LSP diagnostics.

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { ModelGraph } from '../graph/ir.js';

const severities = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
} as const;

export function diagnostics(graph: ModelGraph): Diagnostic[] {
  return graph.diagnostics.map((d) => ({
    range: d.range,
    severity: severities[d.severity],
    message: d.message,
    code: d.code,
    source: 'Tensor Lens',
  }));
}
