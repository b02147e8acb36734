// `keras.applications`: every builder, `preprocess_input` and `decode_predictions`,
// and their modules, are the pinned Keras's own Python sources (library/, copied
// by scripts/vendor-keras-applications.py), interpreted as the user's modules are.
// A public path is an entry naming the source module and name it is
// (`keras.applications.resnet50.ResNet50` is `keras.src.applications.resnet.ResNet50`).

import type { ApiFunction } from '../api-context.js';
import applications from '../applications.json' with { type: 'json' };

const table: { readonly names: Record<string, string>; readonly modules: Record<string, string> } = applications;

const sourceModules = [...new Set(Object.values(table.modules))];

export const applicationFunctions: readonly ApiFunction[] = [
  ...Object.entries(table.names).map(([path, source]): ApiFunction => {
    const dot = source.lastIndexOf('.');
    return { kind: 'library', path, module: source.slice(0, dot), name: source.slice(dot + 1) };
  }),
  ...Object.entries(table.modules).map(([path, module]): ApiFunction => ({ kind: 'library', path, module })),
  ...sourceModules.map((module): ApiFunction => ({ kind: 'library', path: module, module })),
];

export const kerasVersionOfApplications: string = applications.keras;
