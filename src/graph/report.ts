// Builds the stable JSON report (src/protocol/report.ts) from a model graph.

import type { Report, ReportDiagnostic, ReportModel, ReportTensor } from '../protocol/report.js';
import type { Binding, ModelGraph } from './ir.js';
import { shapeToJson } from './shape.js';
import { summarizeModel } from './summary.js';

export function buildReport(file: string, graph: ModelGraph): Report {
  return {
    file,
    models: graph.models.map((id) => reportModel(graph, id)),
    tensors: reportedBindings(graph).map((b) => reportTensor(graph, b)!),
    diagnostics: graph.diagnostics.map((d): ReportDiagnostic => ({
      severity: d.severity,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      message: d.message,
      code: d.code,
    })),
  };
}

function reportModel(graph: ModelGraph, id: number): ReportModel {
  const summary = summarizeModel(graph, id);
  return {
    name: summary.name,
    class: summary.className,
    kind: summary.kind,
    line: graph.layers[id]!.range.start.line + 1,
    ...(graph.layers[id]!.module !== undefined && { module: graph.layers[id]!.module }),
    built: summary.built,
    layers: summary.rows.map((row) => ({
      name: row.name,
      class: row.className,
      outputShape:
        row.outputShapes === null
          ? null
          : row.outputShapes.length === 1
            ? shapeToJson(row.outputShapes[0]!)
            : row.outputShapes.map(shapeToJson),
      params: row.params,
      ...(row.paramsFormula !== undefined && { paramsFormula: row.paramsFormula }),
      nonTrainableParams: row.nonTrainableParams,
      connectedTo: row.connectedTo,
      ...(row.unknown !== undefined && { unknown: row.unknown }),
    })),
    totalParams: summary.totalParams,
    trainableParams: summary.trainableParams,
    nonTrainableParams: summary.nonTrainableParams,
    ...(summary.nonTrainableUnknown !== undefined && { nonTrainableUnknown: summary.nonTrainableUnknown }),
    knownParams: summary.knownParams,
    ...(summary.unknownReason !== undefined && { unknownReason: summary.unknownReason }),
  };
}

/** The bindings the report lists as tensors, in its order: tensors, arrays, and unknown values. */
export function reportedBindings(graph: ModelGraph): Binding[] {
  return graph.bindings.filter((b) => reportTensor(graph, b) !== undefined);
}

/** Where a tensor was made when that is in a module of the user's: the module and the (one-based) line of the call. */
export function madeIn(graph: ModelGraph, tensor: number): { module: string; line: number } | undefined {
  const producer = graph.tensors[tensor]?.producer;
  const call = producer ? graph.calls[producer.call] : undefined;
  return call?.module === undefined ? undefined : { module: call.module, line: call.range.start.line + 1 };
}

/** The layer that produced a tensor (the innermost call, so a layer inside a nested model names itself). */
export function producingLayer(graph: ModelGraph, tensor: number) {
  const producer = graph.tensors[tensor]?.producer;
  return producer ? graph.layers[graph.calls[producer.call]!.layer] : undefined;
}

function reportTensor(graph: ModelGraph, binding: Binding): ReportTensor | undefined {
  const position = { name: binding.name, line: binding.range.start.line + 1, column: binding.range.start.character + 1 };
  const value = binding.value;
  if (value.kind === 'tensor') {
    const tensor = graph.tensors[value.tensor]!;
    const layer = producingLayer(graph, value.tensor);
    const made = madeIn(graph, value.tensor);
    return {
      ...position,
      kind: 'tensor',
      shape: shapeToJson(tensor.shape),
      dtype: tensor.dtype,
      layer: layer?.name ?? null,
      layerClass: layer?.className ?? null,
      eager: tensor.eager,
      ...(made && { madeIn: made }),
    };
  }
  if (value.kind === 'array') {
    const from = value.source.kind === 'evaluation' ? value.source.tensors[0] : undefined;
    const layer = from === undefined ? undefined : producingLayer(graph, from);
    return {
      ...position,
      kind: 'array',
      shape: shapeToJson(value.shape),
      dtype: value.dtype,
      layer: layer?.name ?? null,
      layerClass: layer?.className ?? null,
      eager: true,
    };
  }
  if (value.kind === 'unknown') {
    return { ...position, kind: 'unknown', shape: null, dtype: null, layer: null, layerClass: null, eager: false, reason: value.reason };
  }
  return undefined;
}
